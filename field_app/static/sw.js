// The field app's service worker: the app shell works with no connection, and case photos seen
// once stay viewable offline. The server writes the build id and the shell list in when it serves
// this file, so any change to the app installs a fresh copy.
// Data (catalog, grids, tasks, the outbox) lives in IndexedDB and is managed by the page, not here;
// POSTs are never touched: the outbox in the page owns retries.
const BUILD = "__GW_BUILD__";
const SHELL = "__GW_SHELL__";
const SHELL_CACHE = `gw-field-shell-${BUILD}`;
const PHOTO_CACHE = "gw-field-photos-v1";
const PHOTO_CACHE_MAX = 300;

self.addEventListener("install", (event) => {
  event.waitUntil((async () => {
    const cache = await caches.open(SHELL_CACHE);
    // "no-cache": revalidate with the server so the new shell is not taken from an old HTTP cache.
    await cache.addAll(SHELL.map((url) => new Request(url, { cache: "no-cache" })));
    await self.skipWaiting();
  })());
});

self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    for (const name of await caches.keys()) {
      if (name.startsWith("gw-field-shell-") && name !== SHELL_CACHE) await caches.delete(name);
    }
    await self.clients.claim();
  })());
});

const scopePath = new URL(self.registration.scope).pathname; // "/field/"

async function fromShell(request) {
  const cache = await caches.open(SHELL_CACHE);
  const url = new URL(request.url);
  // Every navigation inside the app is the one page (screens are URL hashes).
  const key = request.mode === "navigate" ? scopePath : url.pathname;
  const hit = await cache.match(key, { ignoreSearch: true });
  return hit || fetch(request);
}

async function trimPhotos(cache) {
  const keys = await cache.keys();
  for (const key of keys.slice(0, Math.max(0, keys.length - PHOTO_CACHE_MAX))) await cache.delete(key);
}

async function photo(request) {
  // A photo id never changes content, so a cached copy is always right.
  const cache = await caches.open(PHOTO_CACHE);
  const hit = await cache.match(request.url);
  if (hit) return hit;
  const response = await fetch(request);
  if (response.ok) {
    await cache.put(request.url, response.clone());
    trimPhotos(cache);
  }
  return response;
}

self.addEventListener("fetch", (event) => {
  const { request } = event;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (url.pathname.startsWith("/api/photos/")) event.respondWith(photo(request));
  else if (url.pathname.startsWith(scopePath) || request.mode === "navigate") event.respondWith(fromShell(request));
});

self.addEventListener("message", (event) => {
  if (event.data === "forget-photos") event.waitUntil(caches.delete(PHOTO_CACHE));
});
