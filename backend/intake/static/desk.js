// Hotline desk (热线受理台): register, locate, classify, answer or send on, emergencies,
// duplicates, callbacks. Plain JS against /api/desk; the map is Leaflet (served by us) over our
// own grid layer, so it works with no internet.
"use strict";

const state = { token: sessionStorage.getItem("gw.token"), lon: null, lat: null, caseId: null,
                article: null, marker: null, map: null };
const $ = (id) => document.getElementById(id);
const esc = (s) => String(s ?? "").replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;",
  '"': "&quot;", "'": "&#39;" }[c]));

async function api(method, url, body) {
  const headers = { Authorization: `Bearer ${state.token}` };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const r = await fetch(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  if (r.status === 401) { signOut(); throw new Error("请重新登录 Sign in again"); }
  const data = r.status === 204 ? null : await r.json();
  if (!r.ok) {
    const e = data && data.error;
    throw new Error(e ? `${e.message_zh} / ${e.message}` : `HTTP ${r.status}`);
  }
  return data;
}

function debounce(fn, ms) {
  let t = null;
  return (...args) => { clearTimeout(t); t = setTimeout(() => fn(...args), ms); };
}

// ---- sign in -------------------------------------------------------------------------------
function signOut() {
  sessionStorage.removeItem("gw.token");
  state.token = null;
  $("desk").hidden = true;
  $("login").hidden = false;
}

$("login-form").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  const form = new FormData(ev.target);
  $("login-error").textContent = "";
  let r, data;
  try {
    r = await fetch("/api/auth/login", { method: "POST", headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ username: form.get("username"), password: form.get("password") }) });
    data = await r.json();
  } catch (err) {
    $("login-error").textContent = `无法连接服务器 Cannot reach the server: ${err.message}`;
    return;
  }
  if (!r.ok) { $("login-error").textContent = data.error ? data.error.message_zh : "登录失败"; return; }
  state.token = data.access_token;
  sessionStorage.setItem("gw.token", state.token);
  start();
});

// ---- map and location ----------------------------------------------------------------------
async function initMap() {
  if (state.map) return;
  state.map = L.map("map", { zoomSnap: 0.25, maxZoom: 20 });
  const grids = await (await fetch("/ogc/collections/grids/items?limit=1000")).json();
  const layer = L.geoJSON(grids, { style: { color: "#5b7083", weight: 1, fillOpacity: 0.04 },
    onEachFeature: (f, l) => l.bindTooltip(`${f.properties.code} ${f.properties.name || ""}`) }).addTo(state.map);
  if (grids.features.length) state.map.fitBounds(layer.getBounds());
  else state.map.setView([31.3, 120.6], 15);
  state.map.on("click", (e) => reverseLocate(e.latlng.lng, e.latlng.lat));
}

function setPoint(lon, lat, label) {
  state.lon = lon; state.lat = lat;
  if (state.marker) state.marker.setLatLng([lat, lon]);
  else state.marker = L.marker([lat, lon]).addTo(state.map);
  $("place").textContent = `${label} (${lon.toFixed(6)}, ${lat.toFixed(6)})`;
  preCheck();
}

async function reverseLocate(lon, lat) {
  try {
    const p = await api("GET", `/api/desk/reverse?lon=${lon}&lat=${lat}`);
    document.forms["request-form"].address.value = p.address;
    setPoint(p.lon, p.lat, `网格 Grid ${p.grid_code}`);
  } catch (err) { $("place").textContent = err.message; }
}

$("locate").addEventListener("click", async () => {
  const q = document.forms["request-form"].address.value.trim();
  if (!q) return;
  const list = $("candidates");
  list.innerHTML = "";
  const found = await api("GET", `/api/desk/geocode?q=${encodeURIComponent(q)}`);
  if (!found.length) { list.innerHTML = "<li>未找到，请在地图上点击 · Not found: click the map</li>"; return; }
  for (const c of found) {
    const li = document.createElement("li");
    li.innerHTML = `${esc(c.name)} <small>${esc(c.kind)} ${esc(c.code)}</small><button type="button">选用 Use</button>`;
    li.querySelector("button").onclick = () => {
      setPoint(c.lon, c.lat, c.name);
      state.map.setView([c.lat, c.lon], 18);
      list.innerHTML = "";
    };
    list.appendChild(li);
  }
});

// ---- category, pre-check, knowledge base ---------------------------------------------------
$("category-search").addEventListener("input", debounce(async (ev) => {
  const q = ev.target.value.trim();
  if (!q) return;
  const items = await api("GET", `/api/catalog?q=${encodeURIComponent(q)}`);
  $("category").innerHTML = items.slice(0, 50).map((c) => `<option value="${c.kind}|${c.minor_code}">` +
    `${esc(c.name_zh)} ${esc(c.name_en)} (${c.minor_code} ${c.kind === "component" ? "部件" : "事件"})</option>`).join("");
  preCheck();
}, 250));
$("category").addEventListener("change", () => preCheck());
document.forms["request-form"].description.addEventListener("input", debounce(() => preCheck(), 400));

function category() {
  const [kind, minor] = ($("category").value || "|").split("|");
  return { kind: kind || null, minor_code: minor || null };
}

function showEmergency(em) {
  const banner = $("emergency-banner");
  banner.hidden = !em;
  if (em) {
    banner.textContent = `⚠ 紧急情况，请立即转接 ${em.target}（Emergency: hand off to ${em.target} now）\n` +
      `${em.hand_off_zh}\n${em.hand_off_en}`;
  }
}

function showAnswers(items) {
  $("answers").innerHTML = "";
  for (const a of items) {
    const li = document.createElement("li");
    li.innerHTML = `<b>${esc(a.title_zh)}</b> <small>${esc(a.title_en)}</small><button type="button">采用 Use</button>` +
      `<div class="answer-text">${esc(a.answer_zh ?? a.body_zh)}</div>`;
    li.querySelector("button").onclick = () => {
      state.article = a;
      const box = document.querySelector("#case-card textarea[name=answer]");
      if (box) box.value = a.answer_zh ?? a.body_zh;
    };
    $("answers").appendChild(li);
  }
}

function showDuplicates(items, mergeable) {
  $("duplicates").innerHTML = "";
  for (const d of items) {
    const li = document.createElement("li");
    const dist = d.same_component ? "同一部件 same component" : `${d.distance_m} m`;
    li.innerHTML = `${esc(d.ref)} <span class="badge">${esc(d.status)}</span> <small>${dist}</small>` +
      `<div class="answer-text">${esc(d.description)}</div>` +
      (mergeable ? `<button type="button">合并到此案 Merge into</button>` : "");
    if (mergeable) li.querySelector("button").onclick = () => caseAction("merge", { target_case_id: d.case_id });
    $("duplicates").appendChild(li);
  }
}

const preCheck = debounce(async () => {
  if (state.caseId) return;
  const cat = category();
  const result = await api("POST", "/api/desk/check", { description: document.forms["request-form"].description.value,
    kind: cat.kind, minor_code: cat.minor_code, lon: state.lon, lat: state.lat });
  showEmergency(result.emergency);
  showAnswers(result.answers);
  showDuplicates(result.duplicates, false);
}, 300);

$("kb-search").addEventListener("input", debounce(async (ev) => {
  const items = await api("GET", `/api/knowledge?q=${encodeURIComponent(ev.target.value)}`);
  showAnswers(items.map((a) => ({ ...a, answer_zh: a.body_zh })));
}, 300));

// ---- register and act ----------------------------------------------------------------------
document.forms["request-form"].addEventListener("submit", async (ev) => {
  ev.preventDefault();
  $("request-error").textContent = "";
  const f = ev.target;
  const cat = category();
  if (state.lon === null || !cat.kind) {
    $("request-error").textContent = "请先定位并选择类别 · Locate and choose a category first";
    return;
  }
  try {
    const outcome = await api("POST", "/api/desk/requests", { channel: f.channel.value,
      caller_name: f.caller_name.value, caller_contact: f.caller_contact.value, description: f.description.value,
      kind: cat.kind, minor_code: cat.minor_code, lon: state.lon, lat: state.lat, address: f.address.value });
    state.caseId = outcome.case.id;
    showEmergency(outcome.emergency);
    showDuplicates(outcome.duplicates, true);
    renderCase(outcome.case);
    loadQueue();
  } catch (err) { $("request-error").textContent = err.message; }
});

function renderCase(c) {
  const card = $("case-card");
  card.hidden = false;
  const can = (a) => c.allowed_actions.includes(a);
  card.innerHTML = `<h3>${esc(c.ref)} <span class="badge ${c.emergency ? "urgent" : ""}">${esc(c.status_zh)} ` +
    `${esc(c.status_en)}</span></h3>` +
    (c.emergency && can("transfer_emergency") ?
      `<label>转接说明 Hand-off note <textarea name="em_note" rows="2"></textarea></label>
       <button type="button" class="primary" data-act="emergency/transfer">已转接应急 Handed off</button>
       <button type="button" data-act="emergency/dismiss">非紧急 Not an emergency</button>` : "") +
    (!c.emergency && can("answer_immediately") ?
      `<label>答复内容 Answer <textarea name="answer" rows="3">${esc(state.article ? state.article.answer_zh : "")}</textarea></label>
       <button type="button" class="primary" data-act="answer">即时答复 Answer on the spot</button>` : "") +
    (!c.emergency && can("request_verify") ?
      `<button type="button" data-act="send-to-verify">派发核实 Send to the grid inspector</button>` : "") +
    `<button type="button" data-act="new">下一个来电 Next call</button><p class="error" id="case-error"></p>`;
  card.querySelectorAll("button[data-act]").forEach((b) => { b.onclick = () => caseAction(b.dataset.act); });
}

async function caseAction(act, extra = {}) {
  if (act === "new") { resetForm(); return; }
  const card = $("case-card");
  const note = (card.querySelector("textarea[name=em_note]") || {}).value || "";
  const bodies = {
    answer: { article_id: state.article ? state.article.id : null,
              answer: (card.querySelector("textarea[name=answer]") || {}).value || "" },
    "send-to-verify": { note: "" }, "emergency/transfer": { note }, "emergency/dismiss": { note },
    merge: { target_case_id: extra.target_case_id, note: "重复诉求 duplicate" },
  };
  try {
    const c = await api("POST", `/api/desk/cases/${state.caseId}/${act}`, bodies[act]);
    renderCase(c);
    if (act === "emergency/transfer" || act === "emergency/dismiss") showEmergency(null);
    loadQueue();
  } catch (err) { $("case-error").textContent = err.message; }
}

function resetForm() {
  document.forms["request-form"].reset();
  Object.assign(state, { caseId: null, article: null, lon: null, lat: null });
  if (state.marker) { state.marker.remove(); state.marker = null; }
  $("case-card").hidden = true;
  $("category").innerHTML = '<option value="">—</option>';  // form.reset() would keep the last search's options
  $("place").textContent = "在地图上点击定位 · Click the map to locate";
  ["answers", "duplicates", "candidates"].forEach((id) => { $(id).innerHTML = ""; });
  showEmergency(null);
}

// ---- the operator's queue and callbacks ----------------------------------------------------
function queueItem(c, callback) {
  const li = document.createElement("li");
  li.innerHTML = `${esc(c.ref)} <span class="badge ${c.emergency ? "urgent" : ""}">${esc(c.status_zh)}</span> ` +
    `<small>${esc(c.caller_contact)}</small><div class="answer-text">${esc(c.description.slice(0, 80))}</div>`;
  if (callback) {
    li.insertAdjacentHTML("beforeend", `<select><option value="satisfied">满意 Satisfied</option>
      <option value="basically_satisfied">基本满意 Basically satisfied</option>
      <option value="dissatisfied">不满意 Dissatisfied</option></select>
      <label><span><input type="checkbox"> 诉求合理，重新办理 Justified: reopen</span></label>
      <input placeholder="回访记录 Note"><button type="button">提交回访 Save callback</button>`);
    li.querySelector("button").onclick = async () => {
      await api("POST", `/api/desk/cases/${c.id}/callback`, { satisfaction: li.querySelector("select").value,
        justified: li.querySelector("input[type=checkbox]").checked,
        note: li.querySelector("input:not([type])").value });
      loadQueue();
    };
  }
  return li;
}

async function loadQueue() {
  const q = await api("GET", "/api/desk/queue");
  for (const [id, items, cb] of [["q-emergencies", q.emergencies, false], ["q-open", q.open_cases, false],
    ["q-callbacks", q.callbacks_due, true]]) {
    $(id).innerHTML = "";
    items.forEach((c) => $(id).appendChild(queueItem(c, cb)));
    if (!items.length) $(id).innerHTML = "<li><small>无 None</small></li>";
  }
}

async function start() {
  if (!state.token) { signOut(); return; }
  try {
    const me = await api("GET", "/api/auth/me");
    $("who").textContent = `${me.display_name || me.username} · ${me.role}`;
  } catch (err) {
    // Signed in but the desk cannot load (server busy, database down): say so on the login form.
    $("login-error").textContent = `无法打开受理台 The desk could not open: ${err.message}`;
    return;
  }
  $("login").hidden = true;
  $("desk").hidden = false;
  await initMap();
  await loadQueue();
}

start();
