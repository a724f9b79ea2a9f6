// Choosing the class of a problem from the cached catalog: search by Chinese name, English name or
// code; the classes this inspector used recently come first.
import { kvGet, kvSet } from "./store.js";

const RECENT_KEY = "recent_classes";
const RECENT_MAX = 8;

const keyOf = (c) => `${c.kind}:${c.minor_code}`;

export async function recentKeys() {
  return (await kvGet(RECENT_KEY)) || [];
}

export async function remember(cls) {
  const keys = (await recentKeys()).filter((k) => k !== keyOf(cls));
  keys.unshift(keyOf(cls));
  await kvSet(RECENT_KEY, keys.slice(0, RECENT_MAX));
}

function score(cls, query) {
  if (!query) return 1;
  const q = query.toLowerCase();
  if (cls.minor_code === q) return 100;
  if (cls.minor_code.startsWith(q)) return 60;
  if (cls.name_zh.includes(query)) return cls.name_zh.startsWith(query) ? 50 : 40;
  const en = (cls.name_en || "").toLowerCase();
  if (en.includes(q)) return en.startsWith(q) ? 35 : 30;
  if ((cls.major_name_zh || "").includes(query)) return 10;
  return 0;
}

/** {recent: [...], results: [...]} for one kind; ``limit`` bounds the result list. */
export function search(catalog, kind, query, recent, limit = 40) {
  const q = (query || "").trim();
  const ofKind = (catalog || []).filter((c) => c.kind === kind);
  const rank = new Map(recent.map((key, i) => [key, i]));
  const recentMatches = ofKind
    .filter((c) => rank.has(keyOf(c)) && score(c, q) > 0)
    .sort((a, b) => rank.get(keyOf(a)) - rank.get(keyOf(b)));
  const others = ofKind
    .filter((c) => !rank.has(keyOf(c)))
    .map((c) => [score(c, q), c])
    .filter(([s]) => s > 0)
    .sort((a, b) => b[0] - a[0] || a[1].minor_code.localeCompare(b[1].minor_code))
    .map(([, c]) => c);
  return { recent: recentMatches, results: others.slice(0, limit), total: others.length };
}

export const find = (catalog, kind, minorCode) =>
  (catalog || []).find((c) => c.kind === kind && c.minor_code === minorCode) || null;
