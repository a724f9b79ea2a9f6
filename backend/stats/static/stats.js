/* GridWatch statistics dashboard (/stats): sign-in, filters, the server-rendered dashboard
   fragment, drill-down lists and authenticated downloads. No framework, no CDN: every request
   goes to this server with the bearer token in a header. */
(function () {
  "use strict";
  var TOKEN_KEY = "gridwatch.token";
  var $ = function (sel) { return document.querySelector(sel); };

  function esc(s) {
    return String(s == null ? "" : s).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }
  function token() {
    return window.sessionStorage.getItem(TOKEN_KEY) || window.localStorage.getItem(TOKEN_KEY);
  }
  function api(url, opts) {
    opts = opts || {};
    opts.headers = Object.assign({ Authorization: "Bearer " + token() }, opts.headers || {});
    return fetch(url, opts).then(function (r) {
      if (r.status === 401) { window.sessionStorage.removeItem(TOKEN_KEY); window.localStorage.removeItem(TOKEN_KEY); showLogin(); throw new Error("401"); }
      if (!r.ok) {
        return r.json().then(function (b) {
          var e = (b && b.error) || {};
          throw new Error((e.message_zh || "") + " / " + (e.message || r.status));
        });
      }
      return r;
    });
  }
  function status(msg) { $("#gw-status").textContent = msg || ""; }

  function showLogin() {
    $("#gw-login").hidden = false;
    $("#gw-app").hidden = true;
  }
  function login(ev) {
    ev.preventDefault();
    var form = ev.target;
    fetch("/api/auth/login", {
      method: "POST", headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ username: form.username.value, password: form.password.value }),
    }).then(function (r) {
      return r.json().then(function (b) {
        if (!r.ok) throw new Error(((b.error || {}).message_zh || "登录失败") + " / " + ((b.error || {}).message || "sign-in failed"));
        window.sessionStorage.setItem(TOKEN_KEY, b.access_token);
        start();
      });
    }).catch(function (e) { $("#gw-login-error").textContent = e.message; });
  }

  function params() {
    var form = $("#gw-filters"), p = new URLSearchParams();
    var mode = form.mode.value;
    if (mode === "month" && form.month.value) p.set("month", form.month.value);
    if (mode === "range" && form.start.value && form.end.value) { p.set("start", form.start.value); p.set("end", form.end.value); }
    ["county", "street", "community", "grid", "kind", "major", "minor", "department", "source", "level"].forEach(function (name) {
      var el = form.elements[name];
      if (el && el.value) p.set(name, el.value);
    });
    return p;
  }

  function fill(select, items, label) {
    select.innerHTML = '<option value="">' + esc(label) + "</option>" + items.map(function (it) {
      return '<option value="' + esc(it.value) + '">' + esc(it.label) + "</option>";
    }).join("");
  }

  function loadOptions() {
    return api("/api/stats/options").then(function (r) { return r.json(); }).then(function (o) {
      var f = $("#gw-filters");
      fill(f.street, o.streets, "全部街道 / all streets");
      fill(f.community, o.communities, "全部社区 / all communities");
      fill(f.grid, o.grids, "全部网格 / all grids");
      fill(f.department, o.departments, "全部部门 / all departments");
      fill(f.source, o.sources, "全部渠道 / all channels");
      fill(f.major, o.majors, "全部大类 / all major classes");
      // The filters are usable before the options arrive: keep a month the user already chose.
      if (!f.month.value) f.month.value = o.default_month;
      $("#gw-user").textContent = o.user.name + " (" + o.user.role + ")";
    });
  }

  var latest = 0;  // only the newest request may fill the page (an older, slower answer is dropped)
  function refresh(ev) {
    if (ev) ev.preventDefault();
    var mine = ++latest;
    status("正在计算… / computing…");
    var started = performance.now();
    api("/api/stats/dashboard.html?" + params().toString()).then(function (r) { return r.text(); }).then(function (html) {
      if (mine !== latest) return;
      $("#gw-dashboard").innerHTML = html;
      status("已更新 / updated (" + Math.round(performance.now() - started) + " ms)");
    }).catch(function (e) { status(e.message); });
  }

  function drill(url) {
    var box = $("#gw-drill");
    box.hidden = false;
    box.querySelector(".body").innerHTML = "…";
    api(url + (url.indexOf("?") < 0 ? "?" : "&") + "limit=200").then(function (r) { return r.json(); }).then(function (d) {
      var rows = (d.items || []).map(function (c) {
        return "<tr><td>" + esc(c.ref || c.case_id) + "</td><td>" + esc(c.status_zh || c.status || "") + "</td><td>" +
          esc(c.grid_code || "") + "</td><td>" + esc((c.reported_at || c.at || "").slice(0, 16)) + "</td></tr>";
      }).join("");
      box.querySelector(".body").innerHTML = "<p><b>" + esc(d.label_zh || d.indicator || d.figure) + "</b> " +
        esc(d.label_en || d.part || "") + " — " + esc(d.total) + " 件 / cases</p>" +
        (d.definition_zh ? "<p class='def'>" + esc(d.definition_zh) + "<br>" + esc(d.definition_en) + "</p>" : "") +
        '<table class="gw"><thead><tr><th>编号 ref</th><th>状态 status</th><th>网格 grid</th><th>时间 time</th></tr></thead><tbody>' +
        rows + "</tbody></table>";
    }).catch(function (e) { box.querySelector(".body").textContent = e.message; });
  }

  function download(path) {
    status("正在导出… / exporting…");
    api(path + (path.indexOf("?") < 0 ? "?" : "&") + params().toString()).then(function (r) {
      var name = ((r.headers.get("Content-Disposition") || "").match(/filename="([^"]+)"/) || [])[1] || "export";
      return r.blob().then(function (b) {
        var a = document.createElement("a");
        a.href = URL.createObjectURL(b);
        a.download = name;
        document.body.appendChild(a);
        a.click();
        setTimeout(function () { URL.revokeObjectURL(a.href); a.remove(); }, 1000);
        status("已导出 / exported " + name);
      });
    }).catch(function (e) { status(e.message); });
  }

  function start() {
    $("#gw-login").hidden = true;
    $("#gw-app").hidden = false;
    loadOptions().then(refresh).catch(function (e) { status(e.message); });
  }

  document.addEventListener("DOMContentLoaded", function () {
    $("#gw-login form").addEventListener("submit", login);
    $("#gw-filters").addEventListener("submit", refresh);
    $("#gw-dashboard").addEventListener("click", function (ev) {
      var el = ev.target.closest("[data-drill]");
      if (el) drill(el.getAttribute("data-drill"));
    });
    $("#gw-drill .close").addEventListener("click", function () { $("#gw-drill").hidden = true; });
    document.querySelectorAll("[data-export]").forEach(function (a) {
      a.addEventListener("click", function (ev) { ev.preventDefault(); download(a.getAttribute("data-export")); });
    });
    $("#gw-logout").addEventListener("click", function (ev) {
      ev.preventDefault();
      window.sessionStorage.removeItem(TOKEN_KEY);
      window.localStorage.removeItem(TOKEN_KEY);
      showLogin();
    });
    if (token()) start(); else showLogin();
  });
})();
