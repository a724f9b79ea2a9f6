/* GridWatch map pages, part 5: the filter panel of served pages. The same filters as
 * GET /api/cases (time window, category, status, source, department, street/community) plus
 * each map's own settings; every change refetches the payload, the view stays. */
(function () {
  "use strict";
  var GW = window.GridWatchMaps;

  function initialValues(cfg) {
    var values = {};
    var q = new URLSearchParams(window.location.search);
    cfg.filters.forEach(function (f) {
      var v = q.get(f.name);
      values[f.name] = v !== null ? v : f["default"] != null ? String(f["default"]) : "";
    });
    return values;
  }

  function optionsFor(app, f) {
    var list = f.options || (f.source && app.options && app.options[f.source]) || [];
    return list;
  }

  function field(app, f, value) {
    var label = GW.el("label", "gw-field gw-field-" + f.type);
    var title = '<span class="gw-field-label">' + GW.bi(f.label_zh, f.label_en) + "</span>";
    var input;
    if (f.type === "select") {
      input = GW.el("select");
      var html = f.required ? "" : '<option value="">' + GW.esc("全部 All") + "</option>";
      optionsFor(app, f).forEach(function (o) {
        html += '<option value="' + GW.esc(o.value) + '"' + (o.parent ? ' data-parent="' + GW.esc(o.parent) + '"' : "") +
          ">" + GW.esc(o.label_zh + (o.label_en && o.label_en !== o.label_zh ? " " + o.label_en : "")) + "</option>";
      });
      input.innerHTML = html;
    } else if (f.type === "checkbox") {
      input = GW.el("input");
      input.type = "checkbox";
    } else {
      input = GW.el("input");
      input.type = f.type;
    }
    input.name = f.name;
    if (f.type === "checkbox") input.checked = value === "true" || value === "1";
    else input.value = value;
    label.innerHTML = title;
    label.appendChild(input);
    return label;
  }

  /* A child select (community) only offers the options of the chosen parent (street). */
  function linkParent(form, f) {
    var child = form.elements[f.name];
    var parent = form.elements[f.parent_filter];
    if (!child || !parent) return;
    var sync = function () {
      var p = parent.value;
      Array.prototype.forEach.call(child.options, function (o) {
        var hide = p && o.getAttribute("data-parent") && o.getAttribute("data-parent") !== p;
        o.hidden = !!hide;
        if (hide && o.selected) child.value = "";
      });
    };
    parent.addEventListener("change", sync);
    sync();
  }

  GW.filterPanel = function (app) {
    var cfg = app.cfg;
    if (app.filterControl) app.map.removeControl(app.filterControl);
    var values = initialValues(cfg);
    var ctl = L.control({ position: "topleft" });
    ctl.onAdd = function () {
      var div = GW.el("div", "gw-filters-panel gw-box");
      L.DomEvent.disableClickPropagation(div);
      L.DomEvent.disableScrollPropagation(div);
      div.innerHTML = '<div class="gw-panel-head">' + GW.bi("筛选", "Filters") + "</div>";
      var form = GW.el("form", "gw-filter-form");
      cfg.filters.forEach(function (f) { form.appendChild(field(app, f, values[f.name])); });
      var buttons = GW.el("div", "gw-buttons");
      buttons.innerHTML = '<button type="button" class="gw-reset">' + GW.bi("重置", "Reset") + "</button>" +
        (cfg.api["export"] ? '<button type="button" class="gw-export" data-format="html">' + GW.bi("导出", "Export") +
          ' HTML</button><button type="button" class="gw-export" data-format="png">' + GW.bi("导出", "Export") +
          " PNG</button>" : "");
      form.appendChild(buttons);
      div.appendChild(form);
      cfg.filters.forEach(function (f) { if (f.parent_filter) linkParent(form, f); });
      var timer = null;
      form.addEventListener("change", function () {
        clearTimeout(timer);
        timer = setTimeout(function () { GW.refresh(app); }, 150);
      });
      form.onsubmit = function (e) { e.preventDefault(); GW.refresh(app); };
      buttons.querySelector(".gw-reset").onclick = function () {
        cfg.filters.forEach(function (f) {
          var input = form.elements[f.name];
          var d = f["default"] != null ? String(f["default"]) : "";
          if (f.type === "checkbox") input.checked = d === "true";
          else input.value = d;
        });
        GW.refresh(app);
      };
      Array.prototype.forEach.call(buttons.querySelectorAll(".gw-export"), function (b) {
        b.onclick = function () { GW.download(app, b.getAttribute("data-format")); };
      });
      div.querySelector(".gw-panel-head").onclick = function () { div.classList.toggle("gw-collapsed"); };
      app.filterForm = form;
      return div;
    };
    ctl.addTo(app.map);
    app.filterControl = ctl;
  };

  GW.filterQuery = function (app) {
    var form = app.filterForm, params = new URLSearchParams();
    if (!form) return "";
    app.cfg.filters.forEach(function (f) {
      var input = form.elements[f.name];
      if (!input) return;
      if (f.type === "checkbox") {
        var d = String(f["default"]) === "true";
        if (input.checked !== d) params.set(f.name, input.checked ? "true" : "false");
      } else if (input.value) {
        params.set(f.name, input.value);
      }
    });
    if (app.cfg.extra_query) {
      Object.keys(app.cfg.extra_query).forEach(function (k) { params.set(k, app.cfg.extra_query[k]); });
    }
    return params.toString();
  };
})();
