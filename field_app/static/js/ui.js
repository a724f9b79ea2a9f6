// Small DOM helpers: element building (text only, never innerHTML with data), toasts, busy buttons.
import { t } from "./i18n.js";

export const $ = (selector) => document.querySelector(selector);

/** el("li", {class: "card", dataset: {uuid}}, "text", child) */
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === "class") node.className = value;
    else if (key === "dataset") Object.assign(node.dataset, value);
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value === true ? "" : value);
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

let toastTimer = null;
/** Visible feedback for every action; kind = "info" | "ok" | "error". */
export function toast(message, kind = "info", ms = 3500) {
  const box = $("#toast");
  box.textContent = message;
  box.className = `toast ${kind}`;
  box.hidden = false;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => { box.hidden = true; }, ms);
}

/** Run ``work`` with the button disabled and a "working" label, restoring it afterwards. */
export async function busy(button, work) {
  const label = button.textContent;
  button.disabled = true;
  button.textContent = t("working");
  try {
    return await work();
  } finally {
    button.disabled = false;
    button.textContent = label;
  }
}

export function formatTime(iso) {
  if (!iso) return "—";
  const date = new Date(iso);
  const pad = (n) => String(n).padStart(2, "0");
  return `${date.getMonth() + 1}-${pad(date.getDate())} ${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

/** A server or network error as one line in the current language. */
export function errorText(error) {
  if (!error) return "";
  if (error.network) return t("network_error");
  const { lang } = document.documentElement;
  const text = lang.startsWith("zh") ? (error.message_zh || error.message) : (error.message || error.message_zh);
  return error.status ? `${text} (${error.status})` : text;
}
