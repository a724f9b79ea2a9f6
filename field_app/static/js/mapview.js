// Maps made of our own vector layers: the inspector's grids, their position, nearby components and
// tasks. No basemap is needed (an intranet tile server is used only when the bundle names one).
/* global L */

const GRID_STYLE = { color: "#0b4f9c", weight: 2, fillColor: "#0b4f9c", fillOpacity: 0.06 };
const COMPONENT_STYLE = { radius: 5, color: "#7a4100", weight: 2, fillColor: "#ff9800", fillOpacity: 0.9 };
// Popups get DOM nodes built from text: names come from data files and are never parsed as HTML.
function textBox(...lines) {
  const box = document.createElement("div");
  lines.filter(Boolean).forEach((line, i) => {
    if (i) box.append(document.createElement("br"));
    box.append(document.createTextNode(line));
  });
  return box;
}

const TASK_STYLE = { radius: 9, color: "#fff", weight: 3, fillColor: "#a4001d", fillOpacity: 1 };

export function createMap(container, bundle, { labels = true, interactive = true } = {}) {
  const map = L.map(container, { zoomControl: true, attributionControl: Boolean(bundle.tile_url), maxZoom: 21 });
  if (bundle.tile_url) {
    L.tileLayer(bundle.tile_url, { maxZoom: 21, maxNativeZoom: 19, attribution: bundle.tile_attribution || "" }).addTo(map);
  }
  const grids = L.geoJSON(bundle.grids, {
    style: GRID_STYLE,
    interactive, // on the report map a tap must move the pin, not open a popup
    onEachFeature: (feature, layer) => {
      const code = feature.properties.code;
      if (labels) layer.bindTooltip(code.slice(-3), { permanent: true, direction: "center", className: "grid-label" });
      if (interactive) layer.bindPopup(() => textBox(code, feature.properties.community_name));
    },
  }).addTo(map);
  const components = L.layerGroup().addTo(map);
  const tasks = L.layerGroup().addTo(map);
  const me = { dot: null, ring: null };
  const view = {
    map,
    fitGrids() {
      const bounds = grids.getBounds();
      if (bounds.isValid()) map.fitBounds(bounds, { padding: [12, 12] });
      else map.setView([31.3, 120.6], 14);
    },
    showComponents(list) {
      components.clearLayers();
      for (const c of list || []) {
        L.circleMarker([c.lat, c.lon], COMPONENT_STYLE).bindPopup(() => textBox(c.name, c.code)).addTo(components);
      }
    },
    showTasks(list, onPick) {
      tasks.clearLayers();
      for (const t of list || []) {
        if (t.lat == null) continue;
        const marker = L.circleMarker([t.lat, t.lon], TASK_STYLE).bindTooltip(textBox(t.case_ref)).addTo(tasks);
        if (onPick) marker.on("click", () => onPick(t));
      }
    },
    setMe(lon, lat, accuracy) {
      const at = [lat, lon];
      if (!me.dot) {
        me.ring = L.circle(at, { radius: accuracy || 0, color: "#1565c0", weight: 1, fillOpacity: 0.12 }).addTo(map);
        me.dot = L.circleMarker(at, { radius: 8, color: "#fff", weight: 3, fillColor: "#1565c0", fillOpacity: 1 }).addTo(map);
      }
      me.ring.setLatLng(at).setRadius(accuracy || 0);
      me.dot.setLatLng(at);
    },
    centreOn(lon, lat, zoom = 18) { map.setView([lat, lon], Math.max(map.getZoom() || 0, zoom)); },
    refresh() { map.invalidateSize(); },
  };
  view.fitGrids();
  return view;
}

/** A draggable pin (tap on the map moves it too); ``onMove(lon, lat)`` after each move by hand. */
export function addPin(view, lon, lat, onMove) {
  const icon = L.divIcon({ className: "", html: '<div class="gw-pin"></div>', iconSize: [28, 28], iconAnchor: [14, 34] });
  const pin = L.marker([lat, lon], { draggable: true, icon, keyboard: true, title: "pin", autoPan: true }).addTo(view.map);
  pin.on("dragend", () => { const p = pin.getLatLng(); onMove(p.lng, p.lat); });
  view.map.on("click", (e) => { pin.setLatLng(e.latlng); onMove(e.latlng.lng, e.latlng.lat); });
  return {
    moveTo(newLon, newLat) { pin.setLatLng([newLat, newLon]); },
    get lonLat() { const p = pin.getLatLng(); return [p.lng, p.lat]; },
  };
}
