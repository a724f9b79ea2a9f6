// The visible outbox: each report or answer with its state (pending / sending / sent / failed with
// the server's message), retry and delete by hand. Deleting asks for a second tap, not a dialog
// (one hand, and no modal a browser may suppress).
import { lang, t } from "./i18n.js";
import * as outbox from "./outbox.js";
import { $, el, errorText, formatTime, toast } from "./ui.js";

const armed = new Set(); // items whose delete button was tapped once

function statusOf(item) {
  return outbox.isSending(item.uuid) ? "sending" : item.status;
}

function title(item) {
  const name = lang() === "zh" ? item.title.zh : item.title.en || item.title.zh;
  return item.title.code ? `${item.title.code} ${name}` : name;
}

function details(item) {
  if (item.status === "sent" && item.result) {
    if (item.type === "report") {
      return t("sent_as", { ref: item.result.case_ref, grid: item.result.grid_code || "—", n: item.result.photos });
    }
    const status = (lang() === "zh" ? item.result.status_zh : item.result.status_en) || item.result.status;
    return t("answer_sent", { ref: item.result.case_ref, status });
  }
  if (!outbox.isMine(item)) return t("waits_for_owner", { user: item.owner });
  if (item.type === "report" && item.preview) return t("will_land_in", { grid: item.preview.grid_code });
  return "";
}

async function onRetry(uuid) {
  toast(t("retrying"), "info", 1500);
  await outbox.retry(uuid);
}

async function onDelete(uuid, button) {
  if (!armed.has(uuid)) {
    armed.add(uuid);
    button.textContent = t("confirm_delete");
    button.classList.add("primary");
    setTimeout(() => { armed.delete(uuid); render(); }, 4000);
    return;
  }
  armed.delete(uuid);
  await outbox.remove(uuid);
  toast(t("deleted"), "ok");
}

function card(item) {
  const status = statusOf(item);
  const error = item.last_error && item.status !== "sent" ? errorText(item.last_error) : "";
  const buttons = [];
  if (item.status !== "sent") {
    buttons.push(el("button", { type: "button", class: "button retry", onclick: () => onRetry(item.uuid),
      disabled: status === "sending" }, t("retry")));
  }
  const del = el("button", { type: "button", class: "button danger delete", disabled: status === "sending" },
    armed.has(item.uuid) ? t("confirm_delete") : t("delete"));
  del.addEventListener("click", () => onDelete(item.uuid, del));
  buttons.push(del);
  return el("li", { class: "card queue-item", dataset: { uuid: item.uuid, status, type: item.type } },
    el("h3", {}, el("span", { class: `status ${status}` }, t(`status_${status}`)), " ", title(item)),
    el("p", { class: "meta" }, formatTime(item.created_at), " · ", t("n_photos", { n: item.thumbs.length }),
      item.attempts ? ` · ${t("attempts", { n: item.attempts })}` : ""),
    item.thumbs.length ? el("div", { class: "thumbs" }, item.thumbs.map((src, i) => el("div", { class: "thumb" },
      el("img", { src, alt: `photo ${i + 1}` })))) : null,
    details(item) ? el("p", { class: "result" }, details(item)) : null,
    error ? el("p", { class: item.status === "failed" ? "error" : "meta" }, error) : null,
    el("div", { class: "row" }, buttons));
}

// Cards are rebuilt only when what they show changed: while fifty items send, redrawing every
// card (and decoding its thumbnails) each time would cost the phone more than the sending does.
const cards = new Map(); // uuid → {signature, node}

function signature(item) {
  return JSON.stringify([statusOf(item), item.attempts, item.last_error, item.result, armed.has(item.uuid),
    outbox.isMine(item), document.documentElement.lang]);
}

function cardFor(item) {
  const sig = signature(item);
  const known = cards.get(item.uuid);
  if (known && known.signature === sig) return known.node;
  const node = card(item);
  cards.set(item.uuid, { signature: sig, node });
  return node;
}

export async function render() {
  const counts = await outbox.counts();
  if (!$("#screen-queue").hidden) {
    const items = await outbox.items();
    const live = new Set(items.map((item) => item.uuid));
    for (const uuid of cards.keys()) if (!live.has(uuid)) cards.delete(uuid);
    $("#queue-list").replaceChildren(...items.map(cardFor));
    if (!items.length) $("#queue-list").append(el("li", { class: "muted" }, t("queue_empty")));
    $("#queue-summary").textContent = t("queue_summary", counts);
  }
  const waiting = counts.pending + counts.failed;
  const badge = $("#queue-badge");
  badge.hidden = waiting === 0;
  badge.textContent = String(waiting);
  const pill = $("#queue-pill");
  pill.hidden = waiting === 0;
  pill.textContent = t("queue_pill", { n: waiting });
}

let renderTimer = null;
/** Coalesce bursts of changes (fifty items sending) into one redraw every 150 ms. */
function scheduleRender() {
  if (renderTimer) return;
  renderTimer = setTimeout(() => { renderTimer = null; render(); }, 150);
}

export function initQueue() {
  outbox.onChange((detail) => {
    scheduleRender();
    if (detail.sent && detail.result) toast(t("sent_toast", { ref: detail.result.case_ref }), "ok", 2500);
  });
  $("#sync-all").addEventListener("click", async () => {
    if (!navigator.onLine) { toast(t("offline_will_send"), "info"); return; }
    toast(t("sending"), "info", 1500);
    await outbox.syncNow();
    const counts = await outbox.counts();
    toast(counts.pending + counts.failed ? t("some_not_sent", counts) : t("all_sent"), counts.failed ? "error" : "ok");
  });
  $("#clear-sent").addEventListener("click", async () => {
    await outbox.clearSent();
    toast(t("cleared"), "ok");
  });
}
