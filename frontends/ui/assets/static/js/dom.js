// Small DOM helpers. Text always goes in as text nodes: nothing from the
// API is ever parsed as HTML.

// h builds an element. attrs: class, text, dataset, on<event> handlers,
// boolean attributes (true/false) and plain attributes; children may be
// strings, nodes, arrays or null.
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k === 'class') el.className = v;
    else if (k === 'text') el.textContent = v;
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (v === true) el.setAttribute(k, '');
    else el.setAttribute(k, String(v));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    if (Array.isArray(c)) append(el, c);
    else el.append(c instanceof Node ? c : String(c));
  }
}

// highlight returns text with every case-insensitive match of q in <mark>.
export function highlight(text, q) {
  const f = document.createDocumentFragment();
  if (!q) {
    f.append(text);
    return f;
  }
  const lower = text.toLowerCase();
  const needle = q.toLowerCase();
  let at = 0;
  for (let i = lower.indexOf(needle); i >= 0; i = lower.indexOf(needle, at)) {
    if (i > at) f.append(text.slice(at, i));
    f.append(h('mark', { text: text.slice(i, i + needle.length) }));
    at = i + needle.length;
  }
  if (at < text.length) f.append(text.slice(at));
  return f;
}

// num formats an integer with grouping.
export function num(n) {
  return Number(n || 0).toLocaleString('en-US');
}

// plural is "1 service" / "2 services".
export function plural(n, one, many) {
  return `${num(n)} ${n === 1 ? one : many || one + 's'}`;
}

// clock is the local time of day of a Date, HH:MM:SS.
export function clock(d) {
  return d.toLocaleTimeString('en-GB', { hour12: false });
}

export function debounce(fn, ms) {
  let t = 0;
  return (...args) => {
    clearTimeout(t);
    t = setTimeout(() => fn(...args), ms);
  };
}

export function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

// pathSegments encodes each /-separated part of a key or name for a URL.
export function pathSegments(s) {
  return s.split('/').map(encodeURIComponent).join('/');
}

// copyButton copies text to the clipboard (or selects it where the
// clipboard API is unavailable, as on plain-HTTP non-local origins).
export function copyButton(text, label) {
  const b = h('button', { type: 'button', class: 'copy', title: `Copy ${label}`, 'aria-label': `Copy ${label}`, text: 'copy' });
  b.addEventListener('click', async () => {
    try {
      await navigator.clipboard.writeText(text);
      b.textContent = 'copied';
    } catch {
      b.textContent = 'copy failed';
    }
    setTimeout(() => { b.textContent = 'copy'; }, 1500);
  });
  return b;
}

// chips renders key=value pairs (meta) as small labels.
export function metaChips(meta) {
  const keys = Object.keys(meta || {}).sort();
  if (!keys.length) return h('span', { class: 'muted', text: '—' });
  return h('span', { class: 'chips' }, keys.map((k) => h('span', { class: 'chip meta' }, h('span', { class: 'k', text: k }), '=', meta[k])));
}
