// The task inbox: verify (核实) and check (核查) tasks from the centre, each with the case's photos
// and location, a way to get there, and an answer (result, note, photos) that goes through the
// outbox like a report, so it is never lost when the signal drops.
import * as api from "./api.js";
import { distanceM } from "./geo.js";
import { t } from "./i18n.js";
import * as outbox from "./outbox.js";
import { prepare } from "./photos.js";
import { emit, state } from "./state.js";
import { kvGet, kvSet } from "./store.js";
import { $, busy, el, errorText, formatTime, toast } from "./ui.js";

const ACTIONS = { verify: { pass: "verify", fail: "verify_fail" }, check: { pass: "check_pass", fail: "check_fail" } };
const answer = { task: null, result: null, photos: [] };
const photoUrls = new Map(); // photo path → object URL, kept for the session

async function answeredLocally() {
  const waiting = new Set();
  for (const item of await outbox.items()) if (item.type === "answer" && item.status !== "failed") waiting.add(item.task_id);
  return waiting;
}

async function photoUrl(path) {
  if (!photoUrls.has(path)) photoUrls.set(path, await api.imageUrl(path));
  return photoUrls.get(path);
}

/** Reload the inbox from the server (and each case's details and thumbnails, for offline use). */
export async function refreshTasks() {
  const tasks = await api.get("/api/tasks");
  state.tasks = tasks;
  await kvSet("tasks", tasks);
  emit("tasks", tasks);
  for (const task of tasks) {
    try {
      const detail = await api.get(`/api/cases/${task.case_id}`);
      await kvSet(`case:${task.case_id}`, detail);
      for (const photo of detail.photos) await photoUrl(photo.thumb_url);
    } catch (error) {
      if (!error.retryable) continue; // a case we may no longer see: its task shows without photos
      break;
    }
  }
  return tasks;
}

function dueText(task) {
  const due = formatTime(task.due_at);
  return task.overdue ? t("overdue_since", { due }) : t("due_at", { due });
}

function distanceText(task) {
  const me = state.position;
  if (!me || task.lon == null) return "";
  return t("distance", { m: Math.round(distanceM(me.lon, me.lat, task.lon, task.lat)) });
}

export async function renderTasks() {
  const list = $("#task-list");
  const waiting = await answeredLocally();
  const open = state.tasks.filter((task) => !waiting.has(task.id));
  const overdue = open.filter((task) => task.overdue).length;
  $("#tasks-summary").textContent = t("tasks_summary", { n: open.length, overdue });
  list.replaceChildren(...state.tasks.map((task) => el("li", {
    class: `card task${task.overdue ? " overdue" : ""}`, dataset: { taskId: task.id, kind: task.kind } },
  el("h3", {}, el("span", { class: "status kind" }, t(`task_${task.kind}`)), " ", task.case_ref,
    task.overdue ? el("span", { class: "status overdue" }, t("overdue")) : null),
  el("p", {}, task.category_zh || "", task.description ? ` · ${task.description}` : ""),
  el("p", { class: "meta" }, dueText(task), " ", distanceText(task)),
  waiting.has(task.id) ? el("p", { class: "status pending" }, t("answer_waiting")) : el("a", { class: "button primary", href: `#task/${task.id}` }, t("open_task")))));
  if (!state.tasks.length) list.append(el("li", { class: "muted" }, t("no_tasks")));
}

function setResult(result) {
  answer.result = result;
  $("#answer-message").textContent = "";
  for (const b of document.querySelectorAll("#answer-form [data-result]")) b.setAttribute("aria-pressed", String(b.dataset.result === result));
}

function renderAnswerPhotos() {
  $("#answer-photos").replaceChildren(...answer.photos.map((p, i) => el("div", { class: "thumb" }, el("img", { src: p.thumb, alt: `photo ${i + 1}` }),
    el("button", { type: "button", "aria-label": t("remove_photo"), onclick: () => { answer.photos.splice(i, 1); renderAnswerPhotos(); } }, "×"))));
}

export async function showTask(taskId) {
  const task = state.tasks.find((x) => String(x.id) === String(taskId));
  if (!task) { location.hash = "#tasks"; return; }
  Object.assign(answer, { task, result: null, photos: [] });
  setResult(null);
  renderAnswerPhotos();
  $("#answer-note").value = "";
  $("#answer-message").textContent = "";
  $("#result-pass").textContent = t(`${task.kind}_pass`);
  $("#result-fail").textContent = t(`${task.kind}_fail`);
  const detail = (await kvGet(`case:${task.case_id}`)) || null;
  $("#task-info").replaceChildren(
    el("h1", {}, t(`task_${task.kind}`), " · ", task.case_ref),
    el("p", { class: task.overdue ? "status overdue" : "meta" }, dueText(task)),
    el("p", {}, detail ? `${detail.category_zh || ""} · ${detail.category_en || ""}` : task.category_zh || ""),
    el("p", {}, (detail && detail.description) || task.description || ""),
    el("p", { class: "meta" }, detail && detail.address ? detail.address : "", " ", task.grid_code || "", " ", distanceText(task)),
  );
  const nav = $("#task-navigate");
  nav.hidden = task.lat == null;
  nav.href = task.lat == null ? "#" : `geo:${task.lat},${task.lon}?q=${task.lat},${task.lon}(${encodeURIComponent(task.case_ref)})`;
  const box = $("#task-photos");
  box.replaceChildren();
  for (const photo of (detail && detail.photos) || []) {
    try {
      box.append(el("figure", { class: "thumb captioned" },
        el("img", { src: await photoUrl(photo.thumb_url), alt: `${photo.kind} ${photo.id}` }),
        el("figcaption", {}, t(`photo_${photo.kind}`))));
    } catch (error) {
      box.append(el("span", { class: "muted" }, t("photo_not_cached")));
      break;
    }
  }
}

async function submitAnswer() {
  const task = answer.task;
  const note = $("#answer-note").value.trim();
  let message = "";
  if (!answer.result) message = t("need_result");
  else if (answer.result === "fail" && !note) message = t("need_note");
  else if (task.kind === "check" && !answer.photos.length) message = t("need_check_photo");
  $("#answer-message").textContent = message;
  if (message) { toast(message, "error"); return; }
  const action = ACTIONS[task.kind][answer.result];
  await outbox.queueAnswer({ task, action, note: note || t(`${task.kind}_${answer.result}`), photos: answer.photos,
    title: { zh: `${t(`task_${task.kind}`, {}, "zh")} ${task.case_ref}`, en: `${t(`task_${task.kind}`, {}, "en")} ${task.case_ref}`, code: "" } });
  toast(navigator.onLine ? t("answer_sending") : t("queued_offline"), "ok");
  location.hash = "#queue";
  outbox.syncNow().then(() => (navigator.onLine ? refreshTasks() : null)).then(renderTasks).catch(() => {});
}

export function initTasks() {
  for (const b of document.querySelectorAll("#answer-form [data-result]")) b.addEventListener("click", () => setResult(b.dataset.result));
  $("#answer-photo-input").addEventListener("change", async (e) => {
    try {
      for (const file of e.target.files) answer.photos.push(await prepare(file));
      $("#answer-message").textContent = "";
      toast(t("photos_added", { n: e.target.files.length }), "ok", 1800);
    } catch (_) {
      toast(t("photo_unreadable"), "error");
    }
    e.target.value = "";
    renderAnswerPhotos();
  });
  $("#answer-form").addEventListener("submit", (e) => { e.preventDefault(); busy($("#submit-answer"), submitAnswer); });
  $("#refresh-tasks").addEventListener("click", (e) => busy(e.currentTarget, async () => {
    try {
      await refreshTasks();
      toast(t("tasks_refreshed", { n: state.tasks.length }), "ok");
    } catch (error) {
      toast(errorText(error), "error");
    }
    renderTasks();
  }));
  $("#task-show-map").addEventListener("click", () => {
    const task = answer.task;
    if (task && task.lat != null) emit("focus", { lon: task.lon, lat: task.lat });
    location.hash = "#map";
  });
}
