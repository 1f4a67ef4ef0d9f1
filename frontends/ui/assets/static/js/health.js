// One health encoding everywhere: colour, icon and word together, so it
// reads without colour too.
import { h, num } from './dom.js';

const LOOK = {
  passing: { icon: '✓', word: 'passing' },
  warning: { icon: '!', word: 'warning' },
  critical: { icon: '✕', word: 'critical' },
  none: { icon: '–', word: 'no checks' },
};

// RANK orders statuses worst last; anything unknown counts as critical.
export function rank(s) {
  return s === 'passing' ? 0 : s === 'warning' ? 1 : 2;
}

export function worst(a, b) {
  return rank(b) > rank(a) ? b : a;
}

function look(status) {
  return LOOK[status] || LOOK.critical;
}

// badge is the status of a thing: icon and word, coloured.
export function badge(status, text) {
  const l = look(status);
  const s = LOOK[status] ? status : 'critical';
  return h('span', { class: `badge ${s}`, title: l.word }, h('span', { class: 'icon', 'aria-hidden': 'true', text: l.icon }), text ?? l.word);
}

// counts shows passing / warning / critical counts; zeros are dimmed.
export function counts(p, w, c, what) {
  const one = (n, s) => h('span', { class: `count ${s}${n ? '' : ' zero'}`, title: `${num(n)} ${what || 'checks'} ${s}` },
    h('span', { class: 'icon', 'aria-hidden': 'true', text: LOOK[s].icon }), num(n));
  if (!p && !w && !c) return h('span', { class: 'count none', title: `no ${what || 'checks'}` }, h('span', { class: 'icon', 'aria-hidden': 'true', text: LOOK.none.icon }), '0');
  return h('span', { class: 'counts' }, one(p, 'passing'), one(w, 'warning'), one(c, 'critical'));
}

// healthy is "2/3 healthy" with a bar split by instance status.
export function healthy(p, w, c) {
  const total = p + w + c;
  const bar = h('span', { class: 'hbar', 'aria-hidden': 'true' });
  for (const [n, s] of [[p, 'passing'], [w, 'warning'], [c, 'critical']]) {
    if (n) {
      const seg = h('span', { class: `seg ${s}` });
      seg.style.flexGrow = String(n);
      bar.append(seg);
    }
  }
  const parts = [];
  if (w) parts.push(`${num(w)} warning`);
  if (c) parts.push(`${num(c)} critical`);
  return h('span', { class: 'healthy', title: parts.join(', ') || 'all passing' },
    h('span', { class: 'ratio' }, `${num(p)}/${num(total)} healthy`), bar);
}
