// The report screen: class, position (GPS with its accuracy, a draggable pin, snap to a nearby
// component), where it lands (grid and community, computed on the phone), photos, description.
import * as api from "./api.js";
import * as catalog from "./catalog.js";
import { locateGrid, nearby } from "./geo.js";
import { lang, t } from "./i18n.js";
import { addPin, createMap } from "./mapview.js";
import * as outbox from "./outbox.js";
import { prepare } from "./photos.js";
import { ACCURACY_WARN_M, on, state } from "./state.js";
import { $, busy, el, errorText, toast } from "./ui.js";

const SNAP_RADIUS_M = 30;
const draft = { kind: "event", cls: null, lon: null, lat: null, accuracy: null, source: null, component: null, photos: [] };
let view = null;
let pin = null;
let locateTimer = null;

const className = (c) => (lang() === "zh" ? c.name_zh : c.name_en || c.name_zh);

function renderClasses() {
  const list = $("#class-list");
  list.replaceChildren();
  const chosen = $("#class-chosen");
  chosen.hidden = !draft.cls;
  if (draft.cls) chosen.textContent = `✔ ${draft.cls.minor_code} ${draft.cls.name_zh} · ${draft.cls.name_en}`;
  const query = $("#class-search").value;
  // Once a class is chosen the list folds away; typing in the search box opens it again.
  if (draft.cls && !query.trim()) return;
  const { recent, results, total } = catalog.search(state.bundle && state.bundle.catalog, draft.kind,
    query, renderClasses.recent || []);
  const item = (c) => el("li", {}, el("button", { type: "button", class: "class-option", dataset: { code: c.minor_code },
    onclick: () => choose(c) }, el("span", { class: "code" }, c.minor_code), el("span", {}, className(c))));
  if (recent.length) list.append(el("li", { class: "section" }, t("recently_used")), ...recent.map(item));
  if (results.length) list.append(el("li", { class: "section" }, t("all_classes", { n: total })), ...results.map(item));
  if (!recent.length && !results.length) list.append(el("li", { class: "section" }, t("no_match")));
}

async function choose(cls) {
  draft.cls = cls;
  $("#class-search").value = "";
  toast(t("class_chosen", { name: className(cls) }), "ok", 1800);
  renderClasses();
  renderNearby();
}

function setKind(kind) {
  draft.kind = kind;
  for (const b of document.querySelectorAll("#screen-report [data-kind]")) b.setAttribute("aria-pressed", String(b.dataset.kind === kind));
  if (draft.cls && draft.cls.kind !== kind) draft.cls = null;
  renderClasses();
  renderNearby();
}

function renderGps() {
  const line = $("#report-gps");
  line.classList.remove("warn");
  if (draft.lon === null) {
    line.textContent = state.gpsError ? t("gps_unavailable") : t("gps_waiting");
    line.classList.toggle("warn", Boolean(state.gpsError));
  } else if (draft.source === "gps") {
    const acc = Math.round(draft.accuracy);
    const bad = draft.accuracy > ACCURACY_WARN_M;
    line.textContent = bad ? t("accuracy_warn", { m: acc }) : t("accuracy_ok", { m: acc });
    line.classList.toggle("warn", bad);
  } else if (draft.source === "component") {
    line.textContent = t("snapped_to", { name: draft.component.name, code: draft.component.code });
  } else {
    line.textContent = t("pin_moved");
  }
}

function renderNearby() {
  const list = $("#nearby-list");
  list.replaceChildren();
  if (draft.lon === null || !state.bundle) return;
  let found = nearby(state.bundle.components, draft.lon, draft.lat, SNAP_RADIUS_M);
  if (draft.kind === "component" && draft.cls) found = found.filter((c) => c.minor_code === draft.cls.minor_code);
  if (!found.length) return;
  list.append(el("li", { class: "section" }, t("nearby_components")));
  for (const c of found) {
    list.append(el("li", {}, el("button", { type: "button", class: "snap", dataset: { code: c.code }, onclick: () => snap(c) },
      el("span", { class: "code" }, `${Math.round(c.distance)} m`), `${c.name} · ${c.code}`)));
  }
}

function snap(component) {
  Object.assign(draft, { lon: component.lon, lat: component.lat, source: "component", component, accuracy: null });
  if (draft.kind === "component" && !draft.cls) {
    const cls = catalog.find(state.bundle.catalog, "component", component.minor_code);
    if (cls) draft.cls = cls;
  }
  pin.moveTo(component.lon, component.lat);
  toast(t("snapped_to", { name: component.name, code: component.code }), "ok");
  placeChanged();
  renderClasses();
}

function landingText(props) {
  const community = props.community_name ? `${props.community_name}（${props.community_code}）` : props.community_code;
  return t("lands_in", { grid: props.grid_code || props.code, community, street: props.street_name || "" });
}

function renderLanding() {
  const box = $("#landing");
  box.classList.remove("warn");
  clearTimeout(locateTimer);
  if (draft.lon === null || !state.bundle) { box.textContent = ""; return; }
  const props = locateGrid(state.bundle && state.bundle.grids.features, draft.lon, draft.lat);
  if (props) { box.textContent = landingText(props); box.dataset.grid = props.code; return; }
  box.dataset.grid = "";
  box.classList.add("warn");
  // Ask the server only while the inspector is looking at this screen, signed in and online.
  if (!navigator.onLine || !api.hasToken() || $("#screen-report").hidden) {
    box.textContent = t("not_in_my_grids_offline");
    return;
  }
  box.textContent = t("checking_location");
  const [lon, lat] = [draft.lon, draft.lat];
  locateTimer = setTimeout(async () => {
    try {
      const where = await api.get(`/api/field/locate?lon=${lon}&lat=${lat}`);
      if (draft.lon !== lon || draft.lat !== lat) return;
      box.textContent = where.inside ? landingText(where) : t("outside_jurisdiction");
      box.dataset.grid = where.inside ? where.grid_code : "";
    } catch (error) {
      box.textContent = t("not_in_my_grids_offline");
    }
  }, 400);
}

function placeChanged() {
  renderGps();
  renderNearby();
  renderLanding();
}

function followGps(position) {
  if (!position || (draft.source && draft.source !== "gps")) { renderGps(); return; }
  Object.assign(draft, { lon: position.lon, lat: position.lat, accuracy: position.accuracy, source: "gps", component: null });
  if (pin) pin.moveTo(position.lon, position.lat);
  else if (view) pin = addPin(view, position.lon, position.lat, movedByHand);
  if (view) view.centreOn(position.lon, position.lat, 18);
  placeChanged();
}

function movedByHand(lon, lat) {
  Object.assign(draft, { lon, lat, source: "manual", component: null, accuracy: null });
  placeChanged();
}

function renderPhotos() {
  const box = $("#photo-list");
  box.replaceChildren(...draft.photos.map((p, i) => el("div", { class: "thumb" }, el("img", { src: p.thumb, alt: `photo ${i + 1}` }),
    el("button", { type: "button", "aria-label": t("remove_photo"), onclick: () => { draft.photos.splice(i, 1); renderPhotos(); } }, "×"))));
}

async function addPhotos(files) {
  const label = $("#screen-report .photo-button span");
  label.textContent = t("processing_photos");
  try {
    for (const file of files) draft.photos.push(await prepare(file));
    $("#report-message").textContent = "";
    toast(t("photos_added", { n: files.length }), "ok", 1800);
  } catch (error) {
    toast(t("photo_unreadable"), "error");
  } finally {
    label.textContent = t("take_photo");
    renderPhotos();
  }
}

function problem() {
  if (!draft.cls) return t("need_class");
  if (draft.lon === null) return t("need_position");
  if (!draft.photos.length) return t("need_photo");
  return "";
}

async function submit() {
  const message = problem();
  $("#report-message").textContent = message;
  if (message) { toast(message, "error"); return; }
  const cls = draft.cls;
  const report = { kind: cls.kind, minor_code: cls.minor_code, lon: +draft.lon.toFixed(7), lat: +draft.lat.toFixed(7),
    crs: "wgs84", description: $("#description").value.trim() };
  const props = locateGrid(state.bundle.grids.features, draft.lon, draft.lat);
  await outbox.queueReport({ report, photos: draft.photos, title: { zh: cls.name_zh, en: cls.name_en, code: cls.minor_code },
    preview: props ? { grid_code: props.code, community_name: props.community_name } : null });
  await catalog.remember(cls);
  renderClasses.recent = await catalog.recentKeys();
  toast(navigator.onLine ? t("queued_sending") : t("queued_offline"), "ok");
  resetDraft();
  location.hash = "#queue";
  outbox.syncNow();
}

function resetDraft() {
  Object.assign(draft, { cls: null, photos: [], source: null, component: null });
  $("#description").value = "";
  $("#report-message").textContent = "";
  renderPhotos();
  renderClasses();
  followGps(state.position);
}

export function initReport() {
  for (const b of document.querySelectorAll("#screen-report [data-kind]")) b.addEventListener("click", () => setKind(b.dataset.kind));
  $("#class-search").addEventListener("input", renderClasses);
  $("#use-gps").addEventListener("click", () => {
    if (!state.position) { toast(t("gps_waiting"), "error"); return; }
    draft.source = null;
    followGps(state.position);
    toast(t("using_gps"), "ok", 1500);
  });
  $("#photo-input").addEventListener("change", async (e) => { await addPhotos([...e.target.files]); e.target.value = ""; });
  $("#submit-report").addEventListener("click", (e) => busy(e.currentTarget, submit));
  on("position", followGps);
  on("lang", () => { renderClasses(); placeChanged(); renderPhotos(); });
}

/** Called each time the screen is shown. */
export async function showReport() {
  renderClasses.recent = await catalog.recentKeys();
  if (!view && state.bundle) {
    view = createMap($("#report-map"), state.bundle, { labels: false, interactive: false });
    view.showComponents(state.bundle.components);
    // With no GPS fix (indoors, permission refused) a tap on the map places the pin.
    view.map.on("click", (e) => {
      if (pin) return;
      pin = addPin(view, e.latlng.lng, e.latlng.lat, movedByHand);
      movedByHand(e.latlng.lng, e.latlng.lat);
    });
    if (state.position) followGps(state.position);
  }
  if (view) setTimeout(() => view.refresh(), 0);
  renderClasses();
  placeChanged();
}
