/* GridWatch map pages, part 3: drawing one analysis payload (cases, components, density,
 * grid themes). Called again with a new payload after every filter change: layers are
 * replaced, the view is left alone. */
(function () {
  "use strict";
  var GW = window.GridWatchMaps;
  var CLASS_RANK = { overdue: 5, warning: 4, "new": 3, progress: 2, closed: 1 };

  GW.App.prototype.setData = function (data) {
    this.data = data;
    if (data.kind === "cases") this.drawCases(data);
    else if (data.kind === "inventory") this.drawComponents(data);
    else if (data.kind === "density") this.drawDensity(data);
    if (data.themes && data.themes.length) {
      var meta = data.theme_layer || { key: "analysis", name_zh: "分析图层", name_en: "Analysis layer", show: true };
      this.setThemes(data, meta.key, meta.name_zh, meta.name_en, meta.show, meta.opacity);
    }
    this.info.summary(GW.summaryHtml(data));
    this.info.notice(data.notice_zh ? GW.bi(data.notice_zh, data.notice_en) : "");
    this.updateLegend();
    document.body.setAttribute("data-gw-ready", String((+document.body.getAttribute("data-gw-ready") || 0) + 1));
    window.gridwatchReady = true;
  };

  function clusterIcon(cluster) {
    var worst = "closed";
    cluster.getAllChildMarkers().forEach(function (m) {
      if (CLASS_RANK[m.options.gwClass] > CLASS_RANK[worst]) worst = m.options.gwClass;
    });
    var n = cluster.getChildCount();
    var size = n < 10 ? 30 : n < 100 ? 36 : 42;
    return L.divIcon({
      html: "<div><span>" + n + "</span></div>",
      className: "marker-cluster gw-cluster gw-cluster-" + worst,
      iconSize: L.point(size, size),
    });
  }

  GW.App.prototype.drawCases = function (data) {
    var self = this, c = data.cases;
    if (!this.cluster) {
      this.cluster = L.markerClusterGroup({
        iconCreateFunction: clusterIcon, chunkedLoading: true, disableClusteringAtZoom: 18,
        showCoverageOnHover: false, maxClusterRadius: 50,
      });
      this.overlay("cases", "案件", "Cases", this.cluster, true);
    }
    this.cluster.clearLayers();
    this.markers = {};
    var markers = [];
    for (var i = 0; i < c.id.length; i++) {
      var m = L.marker([c.lat[i], c.lon[i]], {
        icon: L.divIcon({ className: "gw-case gw-case-" + c.cls[i], iconSize: [16, 16] }),
        gwClass: c.cls[i], gwId: c.id[i], title: c.ref[i],
      });
      m.bindTooltip(GW.bi(c.ref[i] + " " + (c.label_zh[i] || ""), c.status_zh[i]), { direction: "top" });
      m.on("click", self.onCaseClick.bind(self, i));
      markers.push(m);
      this.markers[c.id[i]] = m;
    }
    this.cluster.addLayers(markers);
  };

  GW.App.prototype.onCaseClick = function (i, ev) {
    var c = this.data.cases;
    if (this.cfg.mode === "live" && GW.openCasePopup) {
      GW.openCasePopup(this, c.id[i], ev.latlng);
      return;
    }
    L.popup({ maxWidth: 320 }).setLatLng(ev.latlng).setContent(
      '<div class="gw-popup"><b>' + GW.esc(c.ref[i]) + "</b> " + GW.bi(c.label_zh[i], c.label_en[i]) +
      "<div>" + GW.bi("状态", "Status") + ": " + GW.esc(c.status_zh[i]) + "</div>" +
      (c.due[i] ? "<div>" + GW.bi("处置时限", "Due") + ": " + GW.esc(c.due[i]) + "</div>" : "") + "</div>"
    ).openOn(this.map);
  };

  GW.App.prototype.drawComponents = function (data) {
    var self = this, p = data.points;
    var group = L.featureGroup();
    for (var i = 0; i < p.lon.length; i++) {
      L.circleMarker([p.lat[i], p.lon[i]], {
        renderer: self.renderer, radius: 5, weight: 1, color: "#333", fillOpacity: 0.9,
        fillColor: data.palette[p.state[i]] || "#999",
      }).bindTooltip(GW.bi(p.name_zh[i] + " " + p.code[i], p.state_zh[i])).addTo(group);
    }
    this.overlay("components", "部件", "Components", group, true);
  };

  GW.App.prototype.drawDensity = function (data) {
    var b = data.bounds;
    var overlay = L.imageOverlay(data.image, [[b[1], b[0]], [b[3], b[2]]], {
      opacity: 1, interactive: false, className: "gw-density",
    });
    this.overlay("density", "核密度", "Kernel density", overlay, true);
  };
})();
