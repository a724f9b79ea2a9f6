// The outbox: every report and task answer is written to IndexedDB first and sent from there.
// Never lost: an item leaves the outbox only when the server has acknowledged it (or by hand).
// Never twice: a report carries a client UUID made once, when it is queued, and is re-sent
// byte-for-byte, so the server answers a retry with the case it already created.
import * as api from "./api.js";
import { asBlob } from "./photos.js";
import { outboxAdd, outboxAll, outboxDelete, outboxGet, outboxUpdate, photosOf } from "./store.js";

const CONCURRENCY = 3;
const BACKOFF_MS = [2000, 5000, 15000, 30000, 60000];
const listeners = new Set();
const sending = new Set();
let running = null;
let again = false;
let retryTimer = null;
let failures = 0;

export const onChange = (listener) => listeners.add(listener);
const changed = (detail = {}) => listeners.forEach((listener) => listener(detail));
export const isSending = (uuid) => sending.has(uuid);

function newUuid() {
  if (crypto.randomUUID) return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6] & 0x0f) | 0x40;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

// Whose outbox this is: items are sent only under the account that made them (a shared phone).
let owner = null;
export const setOwner = (username) => { owner = username || null; };
export const isMine = (item) => !item.owner || item.owner === owner;

const base = (type, title, photos) => ({
  uuid: newUuid(), type, title, owner, created_at: new Date().toISOString(), status: "pending", attempts: 0,
  last_error: null, thumbs: photos.map((p) => p.thumb), result: null,
});
const bytesOf = (photos) => photos.map(({ data, type }) => ({ data, type }));

/** Queue a report; ``report`` is the ReportCreate body without its UUID. */
export async function queueReport({ report, photos, title, preview }) {
  const item = base("report", title, photos);
  // The body is frozen as text now, so every retry sends exactly the same report.
  item.report_json = JSON.stringify({ ...report, client_uuid: item.uuid });
  item.preview = preview;
  await outboxAdd(item, bytesOf(photos));
  changed({ queued: item.uuid });
  return item;
}

/** Queue the answer to a verify or check task: evidence photos first, then the action. */
export async function queueAnswer({ task, action, note, photos, title }) {
  const item = base("answer", title, photos);
  Object.assign(item, { case_id: task.case_id, task_id: task.id, case_ref: task.case_ref, action, note,
    photos_uploaded: photos.length === 0 });
  await outboxAdd(item, bytesOf(photos));
  changed({ queued: item.uuid });
  return item;
}

export async function items() {
  return (await outboxAll()).reverse();
}

export async function counts() {
  const all = await outboxAll();
  const by = { pending: 0, sent: 0, failed: 0 };
  for (const item of all) by[item.status] = (by[item.status] || 0) + 1;
  return by;
}

export async function remove(uuid) {
  await outboxDelete(uuid);
  changed({ removed: uuid });
}

export async function clearSent() {
  for (const item of await outboxAll()) if (item.status === "sent") await outboxDelete(item.uuid);
  changed({});
}

/** Put a failed item back in line and send now. */
export async function retry(uuid) {
  await outboxUpdate(uuid, () => ({ status: "pending", last_error: null }));
  changed({ retried: uuid });
  return syncNow();
}

function form(photos, extra = {}) {
  const body = new FormData();
  for (const [key, value] of Object.entries(extra)) body.append(key, value);
  photos.forEach((photo, i) => body.append("photos", asBlob(photo), `photo-${i + 1}.jpg`));
  return body;
}

async function sendReport(item) {
  const photos = await photosOf(item.uuid);
  const detail = await api.post("/api/reports", { form: form(photos, { report: item.report_json }) });
  return { case_id: detail.id, case_ref: detail.ref, grid_code: detail.grid_code,
    community_code: detail.community_code, status: detail.status, photos: detail.photos.length };
}

async function sendAnswer(item) {
  if (!item.photos_uploaded) {
    await api.post(`/api/cases/${item.case_id}/photos?kind=evidence`, { form: form(await photosOf(item.uuid)) });
    await outboxUpdate(item.uuid, () => ({ photos_uploaded: true }));
  }
  try {
    const detail = await api.post(`/api/cases/${item.case_id}/actions`, { json: { action: item.action, note: item.note } });
    return { case_id: detail.id, case_ref: detail.ref, status: detail.status, status_zh: detail.status_zh,
      status_en: detail.status_en };
  } catch (error) {
    // The answer may have been applied already (a lost response): the task is then done.
    if (error.status !== 409) throw error;
    const tasks = await api.get("/api/tasks?include_done=true");
    const task = tasks.find((t) => t.id === item.task_id);
    if (!task || !task.completed_at) throw error;
    const detail = await api.get(`/api/cases/${item.case_id}`);
    return { case_id: detail.id, case_ref: detail.ref, status: detail.status, status_zh: detail.status_zh,
      status_en: detail.status_en };
  }
}

async function sendOne(item) {
  sending.add(item.uuid);
  changed({ sending: item.uuid });
  try {
    const result = item.type === "report" ? await sendReport(item) : await sendAnswer(item);
    // Acknowledged: keep the record and thumbnails for the list, drop the photo bytes.
    await outboxUpdate(item.uuid, (old) => ({ status: "sent", result, sent_at: new Date().toISOString(),
      attempts: old.attempts + 1, last_error: null }), { dropPhotos: true });
    changed({ sent: item.uuid, result });
    return null;
  } catch (error) {
    const last_error = { status: error.status || 0, code: error.code, message: error.message,
      message_zh: error.message_zh, network: Boolean(error.network) };
    const status = error.retryable ? "pending" : "failed";
    await outboxUpdate(item.uuid, (old) => ({ status, last_error, attempts: old.attempts + 1 }));
    changed({ [status]: item.uuid, error });
    return error;
  } finally {
    sending.delete(item.uuid);
  }
}

async function drain() {
  const tried = new Set();
  for (;;) {
    const batch = (await outboxAll()).filter((i) => i.status === "pending" && isMine(i) && !tried.has(i.uuid));
    if (batch.length === 0) return null;
    let stop = null;
    const next = () => batch.shift();
    const worker = async () => {
      for (let item = next(); item && !stop; item = next()) {
        tried.add(item.uuid);
        const current = await outboxGet(item.uuid); // deleted by hand meanwhile?
        if (!current || current.status !== "pending") continue;
        const error = await sendOne(current);
        if (error && error.retryable) stop = error; // no connection or server trouble: wait, then retry
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    if (stop) return stop;
  }
}

async function runSync() {
  if (!navigator.onLine || !api.hasToken()) return null;
  let stop = null;
  const work = async () => {
    stop = await drain();
    clearTimeout(retryTimer);
    if (stop && stop.status !== 401) {
      const wait = BACKOFF_MS[Math.min(failures, BACKOFF_MS.length - 1)];
      failures += 1;
      retryTimer = setTimeout(syncNow, wait);
    } else {
      failures = 0;
    }
    if (stop && stop.status === 401) changed({ auth: true });
  };
  // One sender per browser, even with the app open in two tabs.
  if (navigator.locks) await navigator.locks.request("gridwatch-field-outbox", { ifAvailable: true }, (lock) => lock && work());
  else await work();
  return stop;
}

/** Send everything pending; a call during a run makes that run go round once more. */
export function syncNow() {
  if (running) {
    again = true;
    return running;
  }
  running = (async () => {
    let stop = null;
    do {
      again = false;
      stop = await runSync();
    } while (again && !stop);
  })().finally(() => { running = null; changed({ idle: true }); });
  return running;
}
