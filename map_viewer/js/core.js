/* GridWatch map pages, part 1: decoding, reference layers, thematic grid layers, legend.
 * Plain ES5 on Leaflet 1.9 (no build step); every page inlines this file, so it must never
 * name another host. Data arrive as payloads built by map_viewer (Python). */
(function () {
  "use strict";
  var GW = (window.GridWatchMaps = window.GridWatchMaps || {});

  GW.esc = function (s) {
    return String(s == null ? "" : s).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  };
  /* zh-CN first, English after it in a quieter span. */
  GW.bi = function (zh, en) {
    return GW.esc(zh) + (en && en !== zh ? ' <span class="gw-en">' + GW.esc(en) + "</span>" : "");
  };
  GW.el = function (tag, cls, html) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (html != null) e.innerHTML = html;
    return e;
  };
  GW.fmt = function (v, kind) {
    if (v == null || (typeof v === "number" && !isFinite(v))) return "—";
    if (kind === "pct") return (v * 100).toFixed(1) + "%";
    if (kind === "int") return Math.round(v).toLocaleString("zh-CN");
    if (kind === "z") return (v >= 0 ? "+" : "") + v.toFixed(2);
    return Number(v).toLocaleString("zh-CN", { maximumFractionDigits: 2 });
  };

  /* A ring or line: [x0, y0, dx, dy, ...] in micro-degrees → [[lat, lon], ...]. */
  GW.decodeRing = function (flat) {
    var out = [], x = 0, y = 0;
    for (var i = 0; i + 1 < flat.length; i += 2) {
      x += flat[i];
      y += flat[i + 1];
      out.push([y / 1e6, x / 1e6]);
    }
    return out;
  };
  GW.decodePolygons = function (parts) {
    return parts.map(function (rings) { return rings.map(GW.decodeRing); });
  };
  GW.decodeLines = function (parts) {
    return parts.map(function (rings) { return GW.decodeRing(rings[0]); });
  };

  function App(map, cfg) {
    this.map = map;
    this.cfg = cfg;
    this.renderer = L.canvas({ padding: 0.3 });
    // Reference layers draw in their own pane under every overlay (as map_viewer.base does).
    if (!map.getPane("gridwatchBasemap")) {
      map.createPane("gridwatchBasemap").style.zIndex = 250;
      map.getPane("gridwatchBasemap").style.pointerEvents = "none";
    }
    this.baseRenderer = L.canvas({ padding: 0.3, pane: "gridwatchBasemap" });
    this.gridIndex = {};
    this.gridShapes = [];
    this.overlays = {};
    this.themes = [];
    this.themeId = null;
    this.data = null;
    this.fitted = false;
    this.layerControl = L.control.layers(null, null, { collapsed: false, position: "topright" });
    this.layerControl.addTo(map);
    this.legend = GW.legendControl().addTo(map);
    this.info = GW.infoControl(cfg).addTo(map);
    var self = this;
    map.on("overlayadd overlayremove", function () { self.updateLegend(); });
  }
  GW.App = App;

  /* Add (or replace, keeping whether the user had it on) a layer listed in the layer control. */
  App.prototype.overlay = function (key, zh, en, layer, show) {
    var old = this.overlays[key];
    if (old) {
      show = this.map.hasLayer(old);
      this.layerControl.removeLayer(old);
      this.map.removeLayer(old);
    }
    this.overlays[key] = layer;
    this.layerControl.addOverlay(layer, '<span data-gw-layer="' + key + '">' + GW.bi(zh, en) + "</span>");
    if (show) layer.addTo(this.map);
    return layer;
  };

  App.prototype.setBase = function (base) {
    var cfg = this.cfg, self = this;
    var st = cfg.styles;
    if (base.communities && base.communities.geom.length) {
      var areas = [];
      base.communities.geom.forEach(function (g) { areas.push.apply(areas, GW.decodePolygons(g)); });
      var comm = L.featureGroup([
        L.polygon(areas, L.extend({ renderer: self.baseRenderer, interactive: false }, st.community)),
      ]);
      this.overlay("communities", "社区", "Communities", comm, true);
    }
    if (base.streets && base.streets.geom.length) {
      var lines = [];
      base.streets.geom.forEach(function (g) { lines.push.apply(lines, GW.decodeLines(g)); });
      var streets = L.featureGroup([
        L.polyline(lines, L.extend({ renderer: self.baseRenderer, interactive: false }, st.street_casing)),
        L.polyline(lines, L.extend({ renderer: self.baseRenderer, interactive: false }, st.street)),
      ]);
      this.overlay("streets", "道路", "Streets", streets, true);
    }
    this.gridIndex = {};
    this.gridShapes = base.grids.geom.map(function (g, i) {
      self.gridIndex[base.grids.codes[i]] = i;
      return GW.decodePolygons(g);
    });
    // The outlines are one multi-polygon: a layer per cell costs ~0.1 ms each to create and
    // add, which a city of 10^4 cells would feel; nothing here is clicked.
    var outlines = [];
    this.gridShapes.forEach(function (polys) { outlines.push.apply(outlines, polys); });
    this.gridOutline = L.polygon(outlines, L.extend({ renderer: self.baseRenderer, interactive: false }, st.grid));
    var grids = L.featureGroup([this.gridOutline]);
    this.gridCodes = base.grids.codes;
    this.gridBoxes = GW.boxes(this.gridShapes);
    this.overlay("grids", "单元网格", "Unit grids", grids, true);
    var pts = base.observation_points;
    if (pts && pts.lon.length) {
      var obs = L.featureGroup();
      for (var k = 0; k < pts.lon.length; k++) {
        L.circleMarker([pts.lat[k], pts.lon[k]], L.extend({ renderer: self.renderer }, st.observation_point))
          .bindTooltip(GW.bi("观察点 " + pts.name[k], pts.code[k]))
          .addTo(obs);
      }
      this.overlay("observation_points", "观察点", "Observation points", obs, cfg.kind === "cases");
    }
    if (base.bounds && !this.fitted && !GW.viewFromHash(this.map)) {
      var b = base.bounds;
      this.map.fitBounds([[b[1], b[0]], [b[3], b[2]]], { padding: [10, 10] });
    }
    this.fitted = true;
    this.strokesForZoom();
  };

  /* Cell outlines only where cells are big enough to see (~100 m cells are 6 px wide at zoom
   * 14): a city of 10^4 outlines at city scale is grey noise, and the slowest thing to paint. */
  GW.OUTLINE_MIN_ZOOM = 14;
  App.prototype.strokesForZoom = function () {
    var on = this.map.getZoom() >= GW.OUTLINE_MIN_ZOOM;
    if (this.gridOutline) this.gridOutline.setStyle({ stroke: on });
    if (this.themeGroup) this.themeGroup.setStyle({ stroke: on });
    if (!this.zoomListener) {
      this.zoomListener = this.strokesForZoom.bind(this);
      this.map.on("zoomend", this.zoomListener);
    }
  };

  App.prototype.updateLegend = function () {
    var data = this.data, legends = [], t = this.theme();
    if (data && data.legend) {
      var layer = this.overlays[data.legend_layer];
      if (!layer || this.map.hasLayer(layer)) legends.push(data.legend);
    }
    if (t && this.themeKey && this.map.hasLayer(this.overlays[this.themeKey])) legends.push(t.legend);
    this.legend.show(legends);
  };

  /* Keep the view in the URL hash (#zoom/lat/lon) so a reload or a shared link keeps it. */
  GW.viewFromHash = function (map) {
    var m = /^#(\d+)\/(-?[\d.]+)\/(-?[\d.]+)$/.exec(window.location.hash || "");
    if (!m) return false;
    map.setView([parseFloat(m[2]), parseFloat(m[3])], parseInt(m[1], 10));
    return true;
  };
  GW.trackView = function (map) {
    map.on("moveend", function () {
      var c = map.getCenter();
      var hash = "#" + map.getZoom() + "/" + c.lat.toFixed(5) + "/" + c.lng.toFixed(5);
      if (window.history && window.history.replaceState) {
        window.history.replaceState(null, "", window.location.pathname + window.location.search + hash);
      }
    });
  };
})();
