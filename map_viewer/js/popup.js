/* GridWatch map pages, part 6: the dispatcher's case popup. Details, photo thumbnails
 * (fetched with the token, shown as blob: URLs: the photo API needs the bearer header, and a
 * token never goes into an image URL), the deadline, and one button per action the signed-in
 * user may take; an action goes through POST /api/cases/{id}/actions, then the markers are
 * refetched while the map keeps its view. */
(function () {
  "use strict";
  var GW = window.GridWatchMaps;

  function localTime(app, iso) {
    if (!iso) return "—";
    try {
      return new Date(iso).toLocaleString("zh-CN", { timeZone: app.cfg.timezone, hour12: false });
    } catch (e) {
      return iso;
    }
  }

  function departmentName(app, id) {
    var list = (app.options && app.options.departments) || [];
    for (var i = 0; i < list.length; i++) if (String(list[i].value) === String(id)) return list[i].label_zh;
    return id == null ? "—" : String(id);
  }

  function body(app, c) {
    var labels = app.cfg.labels;
    var state = c.deadline_state ? labels.deadline[c.deadline_state] : null;
    var rows = [
      '<div class="gw-popup-head"><b>' + GW.esc(c.ref) + '</b> <span class="gw-status">' + GW.bi(c.status_zh, c.status_en) + "</span></div>",
      "<div>" + GW.bi(c.category_zh || c.minor_code, c.category_en) + "</div>",
      c.address ? "<div>" + GW.bi("地址", "Address") + ": " + GW.esc(c.address) + "</div>" : "",
      "<div>" + GW.bi("处置时限", "Due") + ": " + GW.esc(localTime(app, c.due_at)) +
        (state ? ' <span class="gw-deadline gw-deadline-' + GW.esc(c.deadline_state) + '">' + GW.bi(state[0], state[1]) + "</span>" : "") + "</div>",
      "<div>" + GW.bi("处置部门", "Department") + ": " + GW.esc(departmentName(app, c.department_id)) + "</div>",
      c.description ? '<div class="gw-desc">' + GW.esc(c.description) + "</div>" : "",
      '<div class="gw-thumbs"></div><div class="gw-actions"></div><div class="gw-action-form"></div><div class="gw-msg"></div>',
    ];
    return '<div class="gw-popup" data-case-id="' + c.id + '">' + rows.join("") + "</div>";
  }

  function loadThumbs(app, root, c) {
    var box = root.querySelector(".gw-thumbs");
    c.photos.slice(0, 6).forEach(function (p) {
      var img = GW.el("img", "gw-thumb");
      img.alt = p.kind;
      box.appendChild(img);
      GW.api(app, p.thumb_url, { blob: true }).then(function (res) {
        img.src = URL.createObjectURL(res.blob);
      }).catch(function () { img.alt = "×"; });
      img.onclick = function () {
        GW.api(app, p.url, { blob: true }).then(function (res) {
          var view = GW.el("div", "gw-lightbox");
          view.innerHTML = '<img alt="">';
          view.firstChild.src = URL.createObjectURL(res.blob);
          view.onclick = function () { view.remove(); };
          document.body.appendChild(view);
        });
      };
    });
  }

  function input(name, html) { return '<label class="gw-field">' + html + "</label>"; }

  function actionForm(app, c, action, root) {
    var labels = app.cfg.labels, needs = labels.action_inputs[action] || [];
    var box = root.querySelector(".gw-action-form");
    var parts = ['<form data-action="' + GW.esc(action) + '"><div class="gw-form-title">' +
      GW.bi(labels.actions[action][0], labels.actions[action][1]) + "</div>"];
    if (needs.indexOf("department") >= 0) {
      var opts = '<option value="">' + GW.esc("按规则自动派遣 Auto-route") + "</option>" +
        ((app.options && app.options.departments) || []).map(function (d) {
          return '<option value="' + GW.esc(d.value) + '">' + GW.esc(d.label_zh + " " + (d.label_en || "")) + "</option>";
        }).join("");
      parts.push(input("department", GW.bi("部门", "Department") + ' <select name="department_id">' + opts + "</select>"));
    }
    if (needs.indexOf("new_due") >= 0) {
      parts.push(input("new_due", GW.bi("新时限", "New due time") + ' <input type="datetime-local" name="new_due" required>'));
    }
    if (needs.indexOf("target_case") >= 0) {
      parts.push(input("target", GW.bi("重复于案件编号", "Duplicate of case id") + ' <input type="number" name="target_case_id" required>'));
    }
    var photoKind = needs.indexOf("photo_after") >= 0 ? "after" : needs.indexOf("photo_check") >= 0 ? "evidence" : null;
    if (photoKind) {
      parts.push(input("photos", GW.bi("照片", "Photos") + ' <input type="file" name="photos" accept="image/*" multiple required>'));
    }
    var noteRequired = needs.indexOf("note") >= 0;
    parts.push(input("note", GW.bi("说明", "Note") + (noteRequired ? " *" : "") +
      ' <textarea name="note" rows="2"' + (noteRequired ? " required" : "") + "></textarea>"));
    parts.push('<button type="submit">' + GW.bi("确认", "Confirm") + '</button> <button type="button" class="gw-cancel">' +
      GW.bi("取消", "Cancel") + "</button></form>");
    box.innerHTML = parts.join("");
    var form = box.querySelector("form");
    form.querySelector(".gw-cancel").onclick = function () { box.innerHTML = ""; };
    form.onsubmit = function (e) {
      e.preventDefault();
      submit(app, c, action, form, photoKind, root);
    };
  }

  function submit(app, c, action, form, photoKind, root) {
    var msg = root.querySelector(".gw-msg");
    var req = { action: action, note: form.note.value, expected_version: c.version };
    if (form.department_id && form.department_id.value) req.department_id = parseInt(form.department_id.value, 10);
    if (form.new_due && form.new_due.value) req.new_due = new Date(form.new_due.value).toISOString();
    if (form.target_case_id && form.target_case_id.value) req.target_case_id = parseInt(form.target_case_id.value, 10);
    var upload = Promise.resolve();
    if (photoKind && form.photos.files.length) {
      var fd = new FormData();
      Array.prototype.forEach.call(form.photos.files, function (f) { fd.append("photos", f); });
      upload = GW.api(app, app.cfg.api.case_detail + c.id + "/photos?kind=" + photoKind, { method: "POST", body: fd });
    }
    msg.innerHTML = GW.bi("提交中…", "Submitting…");
    upload.then(function () {
      return GW.api(app, app.cfg.api.case_detail + c.id + "/actions", { method: "POST", json: req });
    }).then(function (updated) {
      render(app, updated, app.casePopup.popup);
      app.casePopup.popup.getContent().querySelector(".gw-msg").innerHTML =
        '<span class="gw-ok">' + GW.bi("已完成", "Done") + ": " + GW.bi(updated.status_zh, updated.status_en) + "</span>";
      return GW.refresh(app);
    }).catch(function (err) {
      msg.innerHTML = '<span class="gw-fail">' + GW.bi(err.message_zh || String(err), err.message_en) + "</span>";
    });
  }

  function render(app, c, popup) {
    // A DOM node, not an HTML string: Leaflet re-renders string content on every update(),
    // which would drop the thumbnails and buttons added below.
    var holder = GW.el("div", null, body(app, c));
    var root = holder.firstChild;
    loadThumbs(app, root, c);
    var box = root.querySelector(".gw-actions");
    if (!c.allowed_actions.length) {
      box.innerHTML = '<span class="gw-en">' + GW.bi("您对本案件无可执行操作", "no actions for your role") + "</span>";
    }
    c.allowed_actions.forEach(function (a) {
      var label = app.cfg.labels.actions[a] || [a, a];
      var b = GW.el("button", "gw-action", GW.bi(label[0], label[1]));
      b.type = "button";
      b.setAttribute("data-action", a);
      b.onclick = function () { actionForm(app, c, a, root); };
      box.appendChild(b);
    });
    popup.setContent(root);
  }

  GW.openCasePopup = function (app, id, latlng) {
    var popup = L.popup({ maxWidth: 380, minWidth: 260, className: "gw-case-popup" })
      .setLatLng(latlng).setContent('<div class="gw-popup">' + GW.bi("加载中…", "Loading…") + "</div>").openOn(app.map);
    app.casePopup = { popup: popup, id: id };
    GW.api(app, app.cfg.api.case_detail + id).then(function (c) {
      if (app.casePopup.popup === popup) render(app, c, popup);
    }).catch(function (err) {
      popup.setContent('<div class="gw-popup gw-fail">' + GW.bi(err.message_zh, err.message_en) + "</div>");
    });
  };
})();
