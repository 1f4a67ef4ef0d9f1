// The checks table of the service and node pages.
import { h, clock, copyButton } from './dom.js';
import { badge, rank } from './health.js';
import { link } from './nav.js';

const LONG = 400; // output longer than this starts collapsed

// Seen remembers when this page saw each check change (the API has Raft
// indexes, not times): note() is called with every answer's checks.
export class Seen {
  constructor() {
    this.m = new Map();
    this.first = true;
  }

  note(checks) {
    for (const c of checks) {
      const k = `${c.Node}/${c.CheckID}`;
      const old = this.m.get(k);
      if (!old) this.m.set(k, { index: c.ModifyIndex, at: this.first ? null : new Date() });
      else if (c.ModifyIndex > old.index) this.m.set(k, { index: c.ModifyIndex, at: new Date() });
    }
    this.first = false;
  }

  at(c) {
    return this.m.get(`${c.Node}/${c.CheckID}`)?.at || null;
  }
}

// checksTable lists checks worst first. opts: seen (a Seen), service
// (show the service column), node (show the node column).
export function checksTable(checks, opts = {}) {
  if (!checks.length) return h('p', { class: 'muted nochecks', text: 'No health checks.' });
  const sorted = [...checks].sort((a, b) => rank(b.Status) - rank(a.Status) || a.Name.localeCompare(b.Name));
  return h('table', { class: 'grid checks-table' },
    h('thead', {}, h('tr', {},
      h('th', { scope: 'col', text: 'Status' }), h('th', { scope: 'col', text: 'Check' }),
      opts.service ? h('th', { scope: 'col', text: 'Service' }) : null,
      h('th', { scope: 'col', text: 'Type' }), h('th', { scope: 'col', class: 'output-col', text: 'Output' }),
      h('th', { scope: 'col', text: 'Last change' }))),
    h('tbody', {}, sorted.map((c) => row(c, opts))));
}

function row(c, opts) {
  const at = opts.seen?.at(c);
  const kind = c.ServiceID ? 'service check' : 'node check';
  const set = (d) => d && d !== '0s';
  const every = [set(c.Interval) && `every ${c.Interval}`, set(c.Timeout) && `timeout ${c.Timeout}`].filter(Boolean).join(', ');
  return h('tr', { class: `check ${c.Status}${at ? ' changed' : ''}`, dataset: { check: c.CheckID, status: c.Status } },
    h('td', { class: 'status' }, badge(c.Status)),
    h('td', { class: 'name' }, h('div', { text: c.Name || c.CheckID }), h('div', { class: 'muted mono small', text: `${c.CheckID} · ${kind}` }),
      c.Notes ? h('div', { class: 'muted small', text: c.Notes }) : null),
    opts.service ? h('td', {}, c.ServiceName ? h('a', { href: link(`services/${encodeURIComponent(c.ServiceName)}`), text: c.ServiceName }) : h('span', { class: 'muted', text: '—' })) : null,
    h('td', { class: 'type' }, h('div', { text: c.Type || '—' }), every ? h('div', { class: 'muted small', text: every }) : null),
    h('td', { class: 'output' }, output(c.Output)),
    h('td', { class: 'when' }, h('div', { class: 'mono small', text: `index ${c.ModifyIndex}` }),
      at ? h('div', { class: 'small seen', text: `changed ${clock(at)}` }) : null));
}

function output(text) {
  if (!text) return h('span', { class: 'muted', text: '—' });
  const pre = h('pre', { class: 'out', text });
  const copy = copyButton(text, 'check output');
  if (text.length <= LONG && text.split('\n').length <= 6) return h('div', { class: 'outwrap' }, pre, copy);
  return h('details', { class: 'outwrap' }, h('summary', {}, `${text.slice(0, 120).replace(/\s+/g, ' ')}…`), pre, copy);
}
