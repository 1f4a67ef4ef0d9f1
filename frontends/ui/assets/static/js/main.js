// The UI's entry point: boots from /v1/agent/self, routes client-side
// URLs (/ui/<dc>/<section>/...) to views, and runs the chrome around them
// (datacenter switcher, agent line, error banner, live indicator, keys).
import { state, bus, request, describe, setPaused, Unreachable } from './api.js';
import { h, clock, sleep } from './dom.js';
import { BASE, link, navigate } from './nav.js';
import { services } from './services.js';
import { service } from './service.js';
import { nodes } from './nodes.js';
import { node } from './node.js';
import { kv } from './kv.js';
import { agent } from './agent.js';

const $ = (id) => document.getElementById(id);
const SECTIONS = ['services', 'nodes', 'kv', 'agent'];

let current = null; // the mounted view's {unmount}

// route picks the view for a path under BASE: <dc>/<section>/<rest>.
function route(rel) {
  const parts = rel.split('/');
  const dc = decodeURIComponent(parts[0] || '');
  const section = parts[1] || '';
  const rest = parts.slice(2);
  switch (section) {
    case 'services':
      return rest.length && rest[0] !== '' ? { dc, section, view: service, params: [decodeURIComponent(rest.join('/'))] } : { dc, section, view: services, params: [] };
    case 'nodes':
      return rest.length && rest[0] !== '' ? { dc, section, view: node, params: [decodeURIComponent(rest.join('/'))] } : { dc, section, view: nodes, params: [] };
    case 'kv':
      return { dc, section, view: kv, params: [rest.map(decodeURIComponent).join('/')] };
    case 'agent':
      return { dc, section, view: agent, params: [] };
  }
  return null;
}

function render() {
  const rel = location.pathname.startsWith(BASE) ? location.pathname.slice(BASE.length) : '';
  const r = route(rel);
  if (!r || !r.dc) {
    navigate(link('services', (r && r.dc) || state.localDC), { replace: true });
    return;
  }
  if (r.dc !== state.dc) {
    state.dc = r.dc;
    $('dc').value = r.dc;
  }
  current?.unmount();
  const main = $('main');
  main.replaceChildren();
  for (const a of document.querySelectorAll('#sidenav a[data-section]')) {
    a.href = link(a.dataset.section === 'kv' ? 'kv/' : a.dataset.section);
    if (a.dataset.section === r.section) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
  setCrumbs([]);
  document.title = `${r.view.title} · ${state.dc} · consuld`;
  current = r.view.mount(main, {
    params: r.params,
    query: new URLSearchParams(location.search),
    setQuery,
    setCrumbs,
    setTitle: (t) => { document.title = `${t} · ${state.dc} · consuld`; },
  });
}

// setQuery replaces the URL's query (null and [] drop a key).
function setQuery(params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v === null || v === undefined) continue;
    if (Array.isArray(v)) v.forEach((x) => q.append(k, x));
    else q.set(k, v);
  }
  const s = q.toString();
  history.replaceState(null, '', location.pathname + (s ? '?' + s : ''));
}

function setCrumbs(list) {
  const nav = $('crumbs');
  nav.replaceChildren();
  if (!list.length) return;
  nav.append(h('ol', {}, list.map(([label, href]) => h('li', {}, href ? h('a', { href, text: label }) : h('span', { 'aria-current': 'page', text: label })))));
}

// The banner shows the latest failure of any view until one succeeds.
function onStatus({ detail }) {
  const b = $('banner');
  if (detail.ok) {
    b.hidden = true;
    b.className = 'banner';
    $('live').classList.remove('down');
    return;
  }
  const e = detail.error;
  b.className = `banner ${e instanceof Unreachable ? 'unreachable' : e.noLeader ? 'noleader' : 'error'}`;
  b.replaceChildren(h('strong', { text: e instanceof Unreachable ? 'Agent unreachable. ' : e.noLeader ? 'No cluster leader. ' : 'Request failed. ' }),
    describe(e), ` Retrying in ${Math.round(detail.retryIn / 1000)} s; the page shows the last data it had.`);
  b.hidden = false;
  $('live').classList.add('down');
}

function onUpdated({ detail }) {
  $('updated').textContent = `updated ${clock(detail.at)}`;
  $('updated').title = `X-Consul-Index ${detail.index}`;
}

function togglePause() {
  setPaused(!state.paused);
  const b = $('pause');
  b.setAttribute('aria-pressed', String(state.paused));
  b.textContent = state.paused ? 'Paused — resume' : 'Live';
  $('live').classList.toggle('paused', state.paused);
}

// Same-origin links inside the UI navigate without reloading.
function onClick(e) {
  if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
  const a = e.target.closest('a[href]');
  if (!a || a.target || a.origin !== location.origin || !a.pathname.startsWith(BASE)) return;
  e.preventDefault();
  navigate(a.href);
  $('main').focus({ preventScroll: true });
  window.scrollTo(0, 0);
}

// Keys: / search, j/k or arrows move between rows, g then s/n/k/a go to
// a section, p pauses, ? shows help. Ignored while typing in a field.
let pendingG = false;
function onKey(e) {
  const t = e.target;
  const typing = t.closest?.('input, textarea, select, [contenteditable]');
  if (e.key === 'Escape' && typing && t.id === 'search') {
    t.blur();
    return;
  }
  if (typing || e.metaKey || e.ctrlKey || e.altKey) return;
  const rows = [...document.querySelectorAll('#main a[data-row]')];
  const at = rows.indexOf(document.activeElement);
  const move = (d) => {
    const next = rows[at < 0 ? (d > 0 ? 0 : rows.length - 1) : Math.min(rows.length - 1, Math.max(0, at + d))];
    next?.focus();
    e.preventDefault();
  };
  if (pendingG) {
    pendingG = false;
    const to = { s: 'services', n: 'nodes', k: 'kv/', a: 'agent' }[e.key];
    if (to) {
      navigate(link(to));
      e.preventDefault();
    }
    return;
  }
  switch (e.key) {
    case '/':
      $('search')?.focus();
      e.preventDefault();
      break;
    case 'j':
    case 'ArrowDown':
      if (rows.length) move(1);
      break;
    case 'k':
    case 'ArrowUp':
      if (rows.length) move(-1);
      break;
    case 'g':
      pendingG = true;
      break;
    case 'p':
      togglePause();
      break;
    case '?':
      $('help').showModal();
      break;
  }
}

// boot learns the agent's datacenter (and shows its version), fills the
// datacenter switcher, then renders the page in the URL.
async function boot() {
  for (let wait = 1000; ; wait = Math.min(wait * 2, 10000)) {
    try {
      const self = await request('GET', 'agent/self');
      const cfg = self.data.Config || {};
      state.localDC = cfg.Datacenter;
      $('agentline').textContent = `consuld ${cfg.Version} · ${cfg.NodeName}`;
      break;
    } catch (e) {
      $('main').replaceChildren(h('div', { class: 'empty error' }, h('strong', { text: 'The UI cannot start. ' }), describe(e), ` Retrying in ${wait / 1000} s.`));
      await sleep(wait);
    }
  }
  const dcs = await request('GET', 'catalog/datacenters').then((r) => r.data).catch(() => [state.localDC]);
  const sel = $('dc');
  sel.replaceChildren(...dcs.map((d) => h('option', { value: d, text: d })));
  sel.addEventListener('change', () => {
    const rel = location.pathname.slice(BASE.length).split('/');
    navigate(link(SECTIONS.includes(rel[1]) ? (rel[1] === 'kv' ? 'kv/' : rel[1]) : 'services', sel.value));
  });
  render();
}

window.addEventListener('popstate', render);
window.addEventListener('consuld:navigate', render);
document.addEventListener('click', onClick);
document.addEventListener('keydown', onKey);
bus.addEventListener('status', onStatus);
bus.addEventListener('updated', onUpdated);
$('pause').addEventListener('click', togglePause);
$('help-close').addEventListener('click', () => $('help').close());
boot();
