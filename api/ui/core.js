// What every part of the page shares: DOM building (textContent only, never HTML), the status
// notice, and the one function that calls the JSON API with the bearer token from sessionStorage.
import { t } from "./i18n.js";

export const $ = (sel) => document.querySelector(sel);
export const state = { me: null, etag: null, names: new Map(), role: null };

export function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (key === "class") node.className = value;
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else if (value !== undefined && value !== null && value !== false) node.setAttribute(key, value === true ? "" : value);
  }
  for (const child of children.flat()) if (child !== null && child !== undefined) node.append(child);
  return node;
}

export function notify(message, isError = false) {
  const notice = $("#notice");
  notice.textContent = message;
  notice.classList.toggle("error", isError);
}

export class ApiError extends Error {
  constructor(status, detail) {
    super(detail);
    this.status = status;
  }
}

// One call to the API: JSON in and out; a problem+json answer becomes an ApiError with its detail.
export async function api(method, path, { body, headers = {}, auth = true } = {}) {
  const token = sessionStorage.getItem("velho.token");
  const all = { Accept: "application/json", ...headers };
  if (auth && token) all.Authorization = `Bearer ${token}`;
  if (body !== undefined) all["Content-Type"] = "application/json";
  const response = await fetch(path, { method, headers: all, body: body === undefined ? undefined : JSON.stringify(body) });
  const data = response.status === 204 ? null : await response.json().catch(() => null);
  if (!response.ok) throw new ApiError(response.status, (data && (data.detail || data.title)) || response.statusText);
  return { data, etag: response.headers.get("ETag") };
}

export function fail(err) {
  notify(t("error", { detail: err.message }), true);
}
