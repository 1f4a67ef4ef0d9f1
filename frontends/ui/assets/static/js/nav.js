// Links and navigation inside the UI (client-side routes under the base).
import { state } from './api.js';

// BASE is where the UI is served, from index.html's <base>.
export const BASE = new URL(document.baseURI).pathname;

// link is the URL of a page of the current (or the given) datacenter.
export function link(path, dc) {
  return `${BASE}${encodeURIComponent(dc || state.dc)}/${path}`;
}

// navigate shows another page without reloading.
export function navigate(href, { replace = false } = {}) {
  if (replace) history.replaceState(null, '', href);
  else history.pushState(null, '', href);
  window.dispatchEvent(new Event('consuld:navigate'));
}
