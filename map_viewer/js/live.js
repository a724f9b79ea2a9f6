/* GridWatch map pages, part 4: served pages. Sign-in (token in sessionStorage), the filter
 * panel, fetching payloads with the token, refreshing without moving the map, exports.
 * Exported (static) pages skip all of this and draw their embedded payloads. */
(function () {
  "use strict";
  var GW = window.GridWatchMaps;

  GW.token = function (cfg) {
    try {
      return window.sessionStorage.getItem(cfg.token_key) || window.localStorage.getItem(cfg.token_key);
    } catch (e) {
      return null;
    }
  };
  function forgetToken(cfg) {
    try {
      window.sessionStorage.removeItem(cfg.token_key);
      window.localStorage.removeItem(cfg.token_key);
    } catch (e) { /* storage disabled: nothing to forget */ }
  }

  function ApiError(status, body) {
    var err = (body && body.error) || {};
    this.status = status;
    this.message_zh = err.message_zh || "请求失败（" + status + "）";
    this.message_en = err.message || "Request failed (" + status + ")";
  }
  GW.ApiError = ApiError;

  /* fetch with the bearer token; resolves to JSON (or a Blob with {blob: true}). */
  GW.api = function (app, url, opts) {
    opts = opts || {};
    var headers = opts.headers || {};
    headers.Authorization = "Bearer " + GW.token(app.cfg);
    if (opts.json !== undefined) {
      headers["Content-Type"] = "application/json";
      opts.body = JSON.stringify(opts.json);
    }
    return fetch(url, { method: opts.method || "GET", headers: headers, body: opts.body }).then(function (r) {
      if (r.status === 401) {
        forgetToken(app.cfg);
        GW.showLogin(app);
      }
      if (!r.ok) {
        return r.json().then(function (b) { throw new ApiError(r.status, b); },
          function () { throw new ApiError(r.status, null); });
      }
      if (opts.blob) return r.blob().then(function (b) { return { blob: b, response: r }; });
      return r.status === 204 ? null : r.json();
    });
  };

  GW.showError = function (app, err) {
    app.info.error(err && err.message_zh ? GW.bi(err.message_zh, err.message_en) : GW.esc(String(err)));
  };

  GW.showLogin = function (app) {
    if (document.querySelector(".gw-login")) return;
    var box = GW.el("div", "gw-login");
    box.innerHTML = '<form><h2>' + GW.bi(app.cfg.title_zh, app.cfg.title_en) + "</h2>" +
      "<p>" + GW.bi("请登录", "Please sign in") + "</p>" +
      '<label>' + GW.bi("用户名", "Username") + ' <input name="username" autocomplete="username" required></label>' +
      '<label>' + GW.bi("密码", "Password") +
      ' <input name="password" type="password" autocomplete="current-password" required></label>' +
      '<button type="submit">' + GW.bi("登录", "Sign in") + '</button><div class="gw-login-error"></div></form>';
    document.body.appendChild(box);
    var form = box.querySelector("form");
    form.onsubmit = function (e) {
      e.preventDefault();
      var body = { username: form.username.value, password: form.password.value };
      fetch(app.cfg.api.login, {
        method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body),
      }).then(function (r) {
        return r.json().then(function (b) {
          if (!r.ok) throw new ApiError(r.status, b);
          window.sessionStorage.setItem(app.cfg.token_key, b.access_token);
          box.remove();
          boot(app);
        });
      }).catch(function (err) {
        box.querySelector(".gw-login-error").innerHTML = GW.bi(err.message_zh, err.message_en);
      });
    };
  };

  function showUser(app, me) {
    var div = app.info.part("user");
    div.innerHTML = GW.bi("已登录", "Signed in") + " " + GW.esc(me.display_name || me.username) +
      ' <span class="gw-en">(' + GW.esc(me.role) + ')</span> <a href="#" class="gw-logout">' + GW.bi("退出", "Sign out") + "</a>";
    div.querySelector(".gw-logout").onclick = function (e) {
      e.preventDefault();
      GW.api(app, app.cfg.api.logout, { method: "POST" }).catch(function () { return null; }).then(function () {
        forgetToken(app.cfg);
        window.location.reload();
      });
    };
  }

  function boot(app) {
    var cfg = app.cfg;
    Promise.all([GW.api(app, cfg.api.me), GW.api(app, cfg.api.base), GW.api(app, cfg.api.options)])
      .then(function (res) {
        app.me = res[0];
        app.options = res[2];
        showUser(app, res[0]);
        app.setBase(res[1]);
        GW.filterPanel(app);
        return GW.refresh(app);
      })
      .catch(function (err) { GW.showError(app, err); });
  }

  /* Fetch the payload for the current filters and redraw; stale answers are dropped. */
  GW.refresh = function (app) {
    var seq = (app.refreshSeq = (app.refreshSeq || 0) + 1);
    var query = GW.filterQuery(app);
    app.info.error("");
    document.body.setAttribute("data-gw-loading", "1");
    return GW.api(app, app.cfg.api.data + (query ? "?" + query : "")).then(function (data) {
      if (seq !== app.refreshSeq) return;
      app.setData(data);
      if (window.history && window.history.replaceState) {
        window.history.replaceState(null, "", window.location.pathname + (query ? "?" + query : "") + window.location.hash);
      }
    }).catch(function (err) {
      GW.showError(app, err);
    }).then(function () {
      if (seq === app.refreshSeq) document.body.removeAttribute("data-gw-loading");
    });
  };

  GW.download = function (app, format) {
    var query = GW.filterQuery(app);
    var url = app.cfg.api["export"] + "?" + (query ? query + "&" : "") + "format=" + format;
    app.info.notice(GW.bi("正在导出…", "Exporting…"));
    return GW.api(app, url, { blob: true }).then(function (res) {
      var a = GW.el("a");
      a.href = URL.createObjectURL(res.blob);
      a.download = "gridwatch-" + app.cfg.kind + "." + format;
      document.body.appendChild(a);
      a.click();
      a.remove();
      app.info.notice(app.data && app.data.notice_zh ? GW.bi(app.data.notice_zh, app.data.notice_en) : "");
    }).catch(function (err) { GW.showError(app, err); });
  };

  GW.init = function (map, cfg) {
    var app = new GW.App(map, cfg);
    window.gridwatchApp = app;  // one map per page: a handle for tests and the console
    GW.trackView(map);
    if (cfg.mode === "static") {
      app.setBase(cfg.embedded.base);
      app.setData(cfg.embedded.data);
    } else if (GW.token(cfg)) {
      boot(app);
    } else {
      GW.showLogin(app);
    }
    return app;
  };
})();
