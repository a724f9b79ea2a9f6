// Geometry on the phone, in lon/lat: which cached grid contains a point (even-odd ray casting,
// holes respected) and how far things are (equirectangular: exact enough within a few km).

const EARTH_RADIUS_M = 6371008.8;

function inRing(ring, lon, lat) {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i];
    const [xj, yj] = ring[j];
    if ((yi > lat) !== (yj > lat) && lon < ((xj - xi) * (lat - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

function onSegment([x1, y1], [x2, y2], lon, lat) {
  const cross = (lon - x1) * (y2 - y1) - (lat - y1) * (x2 - x1);
  if (Math.abs(cross) > 1e-12) return false;
  return lon >= Math.min(x1, x2) - 1e-12 && lon <= Math.max(x1, x2) + 1e-12
    && lat >= Math.min(y1, y2) - 1e-12 && lat <= Math.max(y1, y2) + 1e-12;
}

function onBoundary(ring, lon, lat) {
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    if (onSegment(ring[j], ring[i], lon, lat)) return true;
  }
  return false;
}

function inPolygon(rings, lon, lat) {
  if (!inRing(rings[0], lon, lat)) return onBoundary(rings[0], lon, lat);
  return !rings.slice(1).some((hole) => inRing(hole, lon, lat) && !onBoundary(hole, lon, lat));
}

export function contains(geometry, lon, lat) {
  if (!geometry) return false;
  if (geometry.type === "Polygon") return inPolygon(geometry.coordinates, lon, lat);
  if (geometry.type === "MultiPolygon") return geometry.coordinates.some((p) => inPolygon(p, lon, lat));
  return false;
}

/** Properties of the first grid feature containing (lon, lat), or null. */
export function locateGrid(features, lon, lat) {
  for (const feature of features || []) {
    if (contains(feature.geometry, lon, lat)) return feature.properties;
  }
  return null;
}

export function distanceM(lon1, lat1, lon2, lat2) {
  const rad = Math.PI / 180;
  const x = (lon2 - lon1) * rad * Math.cos(((lat1 + lat2) / 2) * rad);
  const y = (lat2 - lat1) * rad;
  return Math.sqrt(x * x + y * y) * EARTH_RADIUS_M;
}

/** Components within ``radius`` metres of the point, nearest first, each with ``distance``. */
export function nearby(components, lon, lat, radius = 30, limit = 5) {
  return (components || [])
    .map((c) => ({ ...c, distance: distanceM(lon, lat, c.lon, c.lat) }))
    .filter((c) => c.distance <= radius)
    .sort((a, b) => a.distance - b.distance)
    .slice(0, limit);
}
