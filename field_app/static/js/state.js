// Shared app state (session, offline bundle, tasks, GPS fix) with a tiny event bus.
import * as api from "./api.js";
import { setOwner } from "./outbox.js";
import { kvDelete, kvGet, kvSet } from "./store.js";

export const ACCURACY_WARN_M = 20;
export const state = { session: null, bundle: null, tasks: [], position: null, gpsError: null };
const listeners = {};

export function on(event, listener) {
  (listeners[event] ||= new Set()).add(listener);
}
export function emit(event, detail) {
  (listeners[event] || []).forEach((listener) => listener(detail));
}

export async function restoreSession() {
  state.session = (await kvGet("session")) || null;
  state.bundle = (await kvGet("bundle")) || null;
  state.tasks = (await kvGet("tasks")) || [];
  api.setToken(state.session && state.session.access_token);
  setOwner(state.session && state.session.user.username);
  return state.session;
}

export async function signIn(username, password) {
  const session = await api.post("/api/auth/login", { json: { username, password } });
  if (state.session && state.session.user.username !== username) await forgetUserData();
  state.session = session;
  api.setToken(session.access_token);
  setOwner(username);
  await kvSet("session", session);
  emit("session", session);
  return session;
}

async function forgetUserData() {
  // Another inspector on this phone: their grids and tasks are not ours. Their queued reports
  // stay, and are sent only when they sign in again (outbox.isMine).
  for (const key of ["bundle", "tasks"]) await kvDelete(key);
  state.bundle = null;
  state.tasks = [];
}

export async function signOut() {
  try { await api.post("/api/auth/logout"); } catch (_) { /* offline or already expired: forget locally */ }
  state.session = null;
  api.setToken(null);
  await kvDelete("session");
  // Case photos are personal data: do not leave them in the offline cache of a shared phone.
  if (navigator.serviceWorker && navigator.serviceWorker.controller) navigator.serviceWorker.controller.postMessage("forget-photos");
  emit("session", null);
}

/** Fetch the offline bundle (my grids, components, catalog) and keep it in IndexedDB. */
export async function refreshBundle() {
  const bundle = await api.get("/api/field/bundle");
  bundle.fetched_at = new Date().toISOString();
  state.bundle = bundle;
  await kvSet("bundle", bundle);
  emit("bundle", bundle);
  return bundle;
}

let watchId = null;
export function startGps() {
  if (watchId !== null || !navigator.geolocation) return;
  watchId = navigator.geolocation.watchPosition(
    (fix) => {
      state.position = { lon: fix.coords.longitude, lat: fix.coords.latitude, accuracy: fix.coords.accuracy,
        at: fix.timestamp };
      state.gpsError = null;
      emit("position", state.position);
    },
    (error) => {
      state.gpsError = error;
      emit("position", state.position);
    },
    { enableHighAccuracy: true, maximumAge: 5000, timeout: 30000 },
  );
}
