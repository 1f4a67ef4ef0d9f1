// The nodes overview.
import { h, highlight, num, metaChips } from './dom.js';
import { badge, counts } from './health.js';
import { listView } from './listview.js';
import { link } from './nav.js';

export const nodes = listView({
  id: 'nodes',
  title: 'Nodes',
  endpoint: 'internal/ui/nodes',
  noun: 'node',
  plural: 'nodes',
  placeholder: 'Search nodes by name or address  ( / )',
  tags: false,
  key: (n) => n.Node,
  columns: [
    { label: 'Node', cls: 'name', cell: (n, ctx) => [
      h('a', { href: link(`nodes/${encodeURIComponent(n.Node)}`), class: 'rowlink', dataset: { row: '' } }, highlight(n.Node, ctx.q)),
      ctx.changed ? h('span', { class: 'changed-mark', title: 'changed since the last update', text: 'updated' }) : null,
    ] },
    { label: 'Health', cls: 'health', cell: (n) => badge(n.Status) },
    { label: 'Address', cls: 'mono', cell: (n, ctx) => highlight(n.Address, ctx.q) },
    { label: 'Checks', cls: 'checks', cell: (n) => counts(n.ChecksPassing, n.ChecksWarning, n.ChecksCritical) },
    { label: 'Failing checks', cls: 'failing', cell: (n) => failing(n) },
    { label: 'Services', cls: 'numeric', cell: (n) => num(n.ServiceCount) },
    { label: 'Meta', cls: 'meta', cell: (n) => metaChips(n.Meta) },
  ],
});

function failing(n) {
  const list = n.FailingChecks || [];
  if (!list.length) return h('span', { class: 'muted', text: '—' });
  const more = n.ChecksWarning + n.ChecksCritical - list.length;
  return h('span', { class: 'chips' },
    list.map((c) => h('span', { class: `chip check ${c.Status}`, title: `${c.Status}${c.ServiceName ? ' · service ' + c.ServiceName : ' · node check'}` },
      c.Name || c.CheckID)),
    more > 0 ? h('span', { class: 'muted', text: `+${num(more)}` }) : null);
}
