// Small helpers every page script shares.

export const $ = (selector, root = document) => root.querySelector(selector);
export const $$ = (selector, root = document) => [...root.querySelectorAll(selector)];

export function wordCount(text) {
  const words = text.trim().match(/\S+/g);
  return words ? words.length : 0;
}

/** The CSRF token the server put on <body> for htmx (hx-headers), for our own fetches. */
export function csrfToken() {
  try {
    return JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"] || "";
  } catch {
    return "";
  }
}
