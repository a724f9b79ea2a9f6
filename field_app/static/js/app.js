// Start-up and navigation: restore the session and the offline bundle from IndexedDB, register the
// service worker, route between screens by URL hash (the phone's back button works), and send the
// outbox on start, when the connection returns, and every 30 s while anything waits.
import { applyTexts, initLang, lang, setLang, t } from "./i18n.js";
import { createMap } from "./mapview.js";
import * as outbox from "./outbox.js";
import { initQueue, render as renderQueue } from "./queueview.js";
import { initReport, showReport } from "./report.js";
import { ACCURACY_WARN_M, emit, on, refreshBundle, restoreSession, signIn, signOut, startGps, state } from "./state.js";
import { initTasks, refreshTasks, renderTasks, showTask } from "./tasks.js";
import { $, busy, errorText, toast } from "./ui.js";

const SCREENS = ["loading", "login", "map", "report", "queue", "tasks", "task"];
const RESEND_EVERY_MS = 30000;
let mapView = null;
let pendingFocus = null;

function showScreen(name) {
  for (const screen of SCREENS) $(`#screen-${screen}`).hidden = screen !== name;
  $("#tabs").hidden = name === "login" || name === "loading";
  for (const tab of document.querySelectorAll("#tabs a")) {
    if (tab.dataset.tab === name || (name === "task" && tab.dataset.tab === "tasks")) tab.setAttribute("aria-current", "page");
    else tab.removeAttribute("aria-current");
  }
  window.scrollTo(0, 0);
}

async function route() {
  const [name, arg] = location.hash.replace(/^#/, "").split("/");
  if (!state.session || name === "login") { showScreen("login"); return; }
  if (!state.bundle) {
    showScreen("loading");
    $("#screen-loading p").textContent = navigator.onLine ? t("loading") : t("need_online_once");
    return;
  }
  const screen = SCREENS.includes(name) ? name : "map";
  showScreen(screen);
  if (screen === "map") showMap();
  else if (screen === "report") await showReport();
  else if (screen === "queue") await renderQueue();
  else if (screen === "tasks") await renderTasks();
  else if (screen === "task") await showTask(arg);
}

function showMap() {
  if (!mapView) {
    mapView = createMap($("#map"), state.bundle);
    mapView.showComponents(state.bundle.components);
  }
  mapView.showTasks(state.tasks, (task) => { location.hash = `#task/${task.id}`; });
  setTimeout(() => {
    mapView.refresh();
    if (pendingFocus) { mapView.centreOn(pendingFocus.lon, pendingFocus.lat, 19); pendingFocus = null; }
  }, 0);
  renderGpsLine();
}

function renderGpsLine() {
  const line = $("#gps-line");
  const p = state.position;
  line.classList.toggle("warn", Boolean(!p || p.accuracy > ACCURACY_WARN_M));
  if (!p) line.textContent = state.gpsError ? t("gps_unavailable") : t("gps_waiting");
  else line.textContent = p.accuracy > ACCURACY_WARN_M ? t("accuracy_warn", { m: Math.round(p.accuracy) }) : t("accuracy_ok", { m: Math.round(p.accuracy) });
  if (p && mapView) mapView.setMe(p.lon, p.lat, p.accuracy);
}

function renderNet() {
  const online = navigator.onLine;
  const pill = $("#net");
  pill.dataset.state = online ? "online" : "offline";
  pill.textContent = online ? t("online") : t("offline");
}

function renderWho() {
  const user = state.session && state.session.user;
  $("#who").textContent = user ? `${user.display_name || user.username}（${user.username}）` : "";
  const badge = $("#tasks-badge");
  badge.hidden = !state.tasks.length;
  badge.textContent = String(state.tasks.length);
}

/** Refresh what the phone keeps (bundle, tasks), then send the outbox. Quiet when offline. */
async function refreshAll({ bundle = true } = {}) {
  if (!navigator.onLine || !state.session) return;
  // Queued reports first, beside the refresh: on a weak signal they matter more than a fresh
  // bundle or the task inbox (which fetches each task's case and thumbnails).
  const sending = outbox.syncNow();
  try {
    if (bundle) await refreshBundle();
    await refreshTasks();
  } catch (error) {
    if (error.status === 401) $("#auth-banner").hidden = false;
    else if (!error.retryable) toast(errorText(error), "error");
  }
  renderWho();
  await sending;
  document.body.dataset.refreshed = new Date().toISOString(); // tests wait on this
}

async function onLogin(event) {
  event.preventDefault();
  const message = $("#login-message");
  message.textContent = "";
  await busy($("#login-submit"), async () => {
    try {
      await signIn($("#login-username").value.trim(), $("#login-password").value);
      $("#login-password").value = "";
      $("#auth-banner").hidden = true;
      if (navigator.storage && navigator.storage.persist) navigator.storage.persist().catch(() => {});
      await refreshBundle();
      toast(t("signed_in"), "ok");
      location.hash = "#map";
      await route();
      refreshAll({ bundle: false });
    } catch (error) {
      message.textContent = error.network ? t("need_online_once") : errorText(error);
      toast(message.textContent, "error");
    }
  });
}

function registerServiceWorker() {
  // Phones reach the server by a LAN address: over plain http the browser silently disables
  // the service worker and geolocation, so say why instead of failing quietly.
  if (!window.isSecureContext) { toast(t("insecure_context"), "error"); return; }
  if (!("serviceWorker" in navigator)) return;
  navigator.serviceWorker.register("sw.js", { scope: "./" }).catch(() => {
    toast(t("offline_unavailable"), "error");
  });
}

async function main() {
  initLang();
  applyTexts();
  renderNet();
  registerServiceWorker();
  initReport();
  initTasks();
  initQueue();
  await restoreSession();
  renderWho();
  $("#login-form").addEventListener("submit", onLogin);
  $("#lang").addEventListener("click", () => {
    setLang(lang() === "zh" ? "en" : "zh");
    emit("lang", lang());
    renderNet();
    renderWho();
    route();
    toast(t("language_switched"), "info", 1200);
  });
  $("#logout").addEventListener("click", async () => { await signOut(); toast(t("signed_out"), "ok"); location.hash = "#login"; route(); });
  $("#locate-me").addEventListener("click", () => {
    if (state.position && mapView) { mapView.centreOn(state.position.lon, state.position.lat); toast(t("centred"), "info", 1200); }
    else toast(t("gps_waiting"), "error");
  });
  $("#fit-grids").addEventListener("click", () => mapView && mapView.fitGrids());
  on("position", renderGpsLine);
  on("tasks", () => { renderWho(); if (mapView) mapView.showTasks(state.tasks, (task) => { location.hash = `#task/${task.id}`; }); });
  on("focus", (where) => { pendingFocus = where; });
  outbox.onChange((detail) => { if (detail.auth) $("#auth-banner").hidden = false; });
  window.addEventListener("hashchange", route);
  window.addEventListener("online", () => { renderNet(); toast(t("back_online"), "ok"); refreshAll(); });
  window.addEventListener("offline", () => { renderNet(); toast(t("gone_offline"), "info"); });
  setInterval(async () => {
    const counts = await outbox.counts();
    if (navigator.onLine && counts.pending) outbox.syncNow();
  }, RESEND_EVERY_MS);
  startGps();
  await route();
  await renderQueue();
  document.body.dataset.ready = "1";
  refreshAll().then(route);
}

main();
