/* GridWatch map pages, part 2: the legend, the info box (title, counts, cap notice) and the
 * theme switch. */
(function () {
  "use strict";
  var GW = window.GridWatchMaps;

  GW.legendControl = function () {
    var ctl = L.control({ position: "bottomright" });
    ctl.onAdd = function () {
      var div = GW.el("div", "gw-legend gw-box");
      L.DomEvent.disableClickPropagation(div);
      L.DomEvent.disableScrollPropagation(div);
      ctl.div = div;
      div.style.display = "none";
      return div;
    };
    ctl.show = function (legends) {
      var html = legends.filter(Boolean).map(GW.legendHtml).join("");
      ctl.div.innerHTML = html;
      ctl.div.style.display = html ? "" : "none";
    };
    return ctl;
  };

  GW.legendHtml = function (lg) {
    var out = ['<div class="gw-legend-block"><div class="gw-legend-title">' + GW.bi(lg.title_zh, lg.title_en) + "</div>"];
    if (lg.type === "ramp") {
      out.push('<div class="gw-ramp" style="background:linear-gradient(to right,' + lg.colors.join(",") + ')"></div>');
      out.push('<div class="gw-ramp-labels"><span>0</span><span>' + GW.esc(GW.fmt(lg.max)) + "</span></div>");
      out.push('<div class="gw-legend-note">' + GW.bi(lg.unit_zh, lg.unit_en) + "</div>");
    } else {
      lg.items.forEach(function (it) {
        var count = it.count == null ? "" : '<span class="gw-count">' + GW.esc(GW.fmt(it.count, "int")) + "</span>";
        out.push('<div class="gw-legend-row"><i class="gw-swatch" style="background:' + GW.esc(it.color) +
          '"></i><span class="gw-legend-label">' + GW.bi(it.label_zh, it.label_en) + "</span>" + count + "</div>");
      });
    }
    if (lg.note_zh) out.push('<div class="gw-legend-note">' + GW.bi(lg.note_zh, lg.note_en) + "</div>");
    out.push("</div>");
    return out.join("");
  };

  GW.infoControl = function (cfg) {
    var ctl = L.control({ position: "topright" });
    ctl.onAdd = function () {
      var div = GW.el("div", "gw-info gw-box");
      L.DomEvent.disableClickPropagation(div);
      div.innerHTML = '<div class="gw-title">' + GW.bi(cfg.title_zh, cfg.title_en) + "</div>" +
        '<div class="gw-summary"></div><div class="gw-notice" style="display:none"></div>' +
        '<div class="gw-error" style="display:none"></div><div class="gw-user"></div>';
      ctl.div = div;
      return div;
    };
    ctl.part = function (name) { return ctl.div.querySelector(".gw-" + name); };
    ctl.summary = function (html) { ctl.part("summary").innerHTML = html || ""; };
    ctl.notice = function (html) {
      var n = ctl.part("notice");
      n.innerHTML = html || "";
      n.style.display = html ? "" : "none";
    };
    ctl.error = function (html) {
      var n = ctl.part("error");
      n.innerHTML = html || "";
      n.style.display = html ? "" : "none";
    };
    return ctl;
  };

  /* A select in the info box choosing which thematic layer colours the grids. */
  GW.themeSelect = function (app) {
    var box = app.info.div.querySelector(".gw-theme");
    if (app.themes.length < 2) {
      if (box) box.remove();
      return;
    }
    if (!box) {
      box = GW.el("label", "gw-theme");
      app.info.part("summary").insertAdjacentElement("beforebegin", box);
    }
    var options = app.themes.map(function (t) {
      return '<option value="' + GW.esc(t.id) + '"' + (t.id === app.themeId ? " selected" : "") + ">" +
        GW.esc(t.name_zh + " " + t.name_en) + "</option>";
    }).join("");
    box.innerHTML = '<span>' + GW.bi("显示指标", "Show") + '</span> <select name="theme">' + options + "</select>";
    box.querySelector("select").onchange = function (e) { app.applyTheme(e.target.value); };
  };

  GW.summaryHtml = function (data) {
    var s = data.summary || {};
    var parts = [];
    if (s.total != null) parts.push(GW.bi("案件", "cases") + " <b>" + GW.esc(GW.fmt(s.total, "int")) + "</b>");
    (s.lines || []).forEach(function (line) {
      parts.push(GW.bi(line[0], line[1]) + (line[2] != null ? " <b>" + GW.esc(line[2]) + "</b>" : ""));
    });
    if (s.filters_zh) parts.push('<span class="gw-filters">' + GW.bi(s.filters_zh, s.filters_en) + "</span>");
    return parts.map(function (p) { return "<div>" + p + "</div>"; }).join("");
  };
})();
