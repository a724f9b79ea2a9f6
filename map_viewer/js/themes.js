/* GridWatch map pages, part 7: thematic grid layers (counts, rates, Gi* bins, change…).
 * Cells of one class are drawn as one multi-polygon, so a city of 10^4 cells costs a few
 * layers, not 10^4; the tooltip finds the cell under the pointer itself (bounding boxes, then
 * point in polygon) instead of each cell listening for the mouse. */
(function () {
  "use strict";
  var GW = window.GridWatchMaps;
  var App = GW.App;

  /* [minLat, minLng, maxLat, maxLng] of each cell, flat. */
  GW.boxes = function (shapes) {
    var out = new Float64Array(shapes.length * 4);
    shapes.forEach(function (polys, i) {
      var b = [Infinity, Infinity, -Infinity, -Infinity];
      polys.forEach(function (rings) {
        rings[0].forEach(function (p) {
          if (p[0] < b[0]) b[0] = p[0];
          if (p[1] < b[1]) b[1] = p[1];
          if (p[0] > b[2]) b[2] = p[0];
          if (p[1] > b[3]) b[3] = p[1];
        });
      });
      out.set(b, i * 4);
    });
    return out;
  };

  /* Even-odd rule over every ring of every polygon of the cell (holes included). */
  function inside(polys, lat, lng) {
    var hit = false;
    polys.forEach(function (rings) {
      rings.forEach(function (ring) {
        for (var a = 0, b = ring.length - 1; a < ring.length; b = a++) {
          var ya = ring[a][0], xa = ring[a][1], yb = ring[b][0], xb = ring[b][1];
          if ((ya > lat) !== (yb > lat) && lng < ((xb - xa) * (lat - ya)) / (yb - ya) + xa) hit = !hit;
        }
      });
    });
    return hit;
  }

  App.prototype.gridAt = function (latlng) {
    var boxes = this.gridBoxes, lat = latlng.lat, lng = latlng.lng;
    for (var i = 0, n = this.gridShapes.length; i < n; i++) {
      var k = i * 4;
      if (lat >= boxes[k] && lat <= boxes[k + 2] && lng >= boxes[k + 1] && lng <= boxes[k + 3] &&
          inside(this.gridShapes[i], lat, lng)) return i;
    }
    return -1;
  };

  App.prototype.setThemes = function (data, key, zh, en, show, opacity) {
    var self = this;
    this.themeOpacity = opacity || 0.72;
    this.themes = data.themes || [];
    if (!this.themes.length) return;
    if (!this.themes.some(function (t) { return t.id === self.themeId; })) this.themeId = this.themes[0].id;
    this.themeCodes = data.codes;
    this.themeRowOfGrid = new Int32Array(this.gridShapes.length).fill(-1);
    data.codes.forEach(function (code, j) {
      var i = self.gridIndex[code];
      if (i !== undefined) self.themeRowOfGrid[i] = j;
    });
    this.themeGroup = L.featureGroup();
    this.overlay(key, zh, en, this.themeGroup, show);
    this.themeKey = key;
    this.applyTheme(this.themeId);
    GW.themeSelect(this);
    if (!this.hoverTip) this.listenForHover();
  };

  App.prototype.applyTheme = function (id) {
    this.themeId = id;
    var t = this.theme();
    if (!t) return;
    var byClass = {}, rows = this.themeRowOfGrid, shapes = this.gridShapes;
    this.themeCells = 0;
    for (var i = 0; i < rows.length; i++) {
      var c = rows[i] >= 0 ? t.classes[rows[i]] : -1;
      if (c < 0 || !t.palette[c]) continue;
      (byClass[c] = byClass[c] || []).push.apply(byClass[c], shapes[i]);
      this.themeCells++;
    }
    this.themeGroup.clearLayers();
    for (var cls in byClass) {
      L.polygon(byClass[cls], {
        renderer: this.renderer, interactive: false, weight: 0.6, color: "#666", opacity: 0.5,
        fillColor: t.palette[cls], fillOpacity: this.themeOpacity,
        stroke: this.map.getZoom() >= GW.OUTLINE_MIN_ZOOM,
      }).addTo(this.themeGroup);
    }
    this.updateLegend();
  };

  App.prototype.theme = function () {
    var id = this.themeId;
    return this.themes.filter(function (t) { return t.id === id; })[0];
  };

  App.prototype.themeTooltip = function (j) {
    var t = this.theme();
    var rows = ["<b>" + GW.esc(this.themeCodes[j]) + "</b>"];
    this.themes.forEach(function (th) {
      rows.push('<div class="' + (th.id === t.id ? "gw-active" : "") + '">' + GW.bi(th.name_zh, th.name_en) +
        ": " + GW.esc(GW.fmt(th.values[j], th.fmt)) + "</div>");
    });
    return rows.join("");
  };

  /* One tooltip for the whole theme, placed on the cell under the pointer. */
  App.prototype.listenForHover = function () {
    var self = this, map = this.map, pending = null;
    this.hoverTip = L.tooltip({ direction: "top", offset: [0, -10], className: "gw-hover", opacity: 0.95 });
    var close = function () { map.closeTooltip(self.hoverTip); };
    map.on("mousemove", function (e) {
      pending = e.latlng;
      L.Util.requestAnimFrame(function () {
        if (!pending) return;
        var at = pending;
        pending = null;
        var layer = self.themeKey && self.overlays[self.themeKey];
        var i = layer && map.hasLayer(layer) ? self.gridAt(at) : -1;
        var j = i >= 0 ? self.themeRowOfGrid[i] : -1;
        if (j < 0) return close();
        self.hoverTip.setContent(self.themeTooltip(j));
        map.openTooltip(self.hoverTip, at);
      });
    });
    map.on("mouseout", close);
  };
})();
