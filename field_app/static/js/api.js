// The GridWatch API over fetch: bearer token, timeouts, and one error shape for everything
// ({status, code, message, message_zh, network}) so the UI can show the server's own words.

let token = null;
export const setToken = (value) => { token = value; };
export const hasToken = () => Boolean(token);

export class ApiError extends Error {
  constructor({ status = 0, code = "network", message = "", message_zh = "", details = null, network = false }) {
    super(message || code);
    Object.assign(this, { status, code, message, message_zh, details, network });
  }

  /** Worth trying again later unchanged (no connection, server busy or down, signed out). */
  get retryable() {
    return this.network || this.status === 401 || this.status === 408 || this.status === 429 || this.status >= 500;
  }
}

function timeoutSignal(ms) {
  const controller = new AbortController();
  setTimeout(() => controller.abort(), ms);
  return controller.signal;
}

async function send(method, path, { json, form, timeout = 60000 } = {}) {
  const headers = {};
  if (token) headers.Authorization = `Bearer ${token}`;
  let body;
  if (json !== undefined) {
    headers["Content-Type"] = "application/json";
    body = JSON.stringify(json);
  } else if (form !== undefined) {
    body = form;
  }
  try {
    return await fetch(path, { method, headers, body, signal: timeoutSignal(timeout), cache: "no-store" });
  } catch (error) {
    throw new ApiError({ network: true, message: String(error && error.message || error) });
  }
}

async function errorFrom(response) {
  let payload = null;
  try { payload = await response.json(); } catch (_) { /* not JSON: keep the status line */ }
  const error = payload && payload.error;
  if (error) return new ApiError({ status: response.status, ...error });
  return new ApiError({ status: response.status, code: "http_error", message: `HTTP ${response.status}`,
    message_zh: `服务器返回 ${response.status}` });
}

export async function request(method, path, options) {
  const response = await send(method, path, options);
  if (!response.ok) throw await errorFrom(response);
  return response.status === 204 ? null : response.json();
}

export const get = (path) => request("GET", path);
export const post = (path, options) => request("POST", path, options);

/** An authenticated image as an object URL (img tags cannot send the bearer token). */
export async function imageUrl(path) {
  const response = await send("GET", path, { timeout: 30000 });
  if (!response.ok) throw await errorFrom(response);
  return URL.createObjectURL(await response.blob());
}
