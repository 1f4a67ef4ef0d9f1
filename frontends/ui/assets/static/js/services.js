// The services overview.
import { h, highlight, num } from './dom.js';
import { badge, counts, healthy } from './health.js';
import { listView } from './listview.js';
import { link } from './nav.js';

export const services = listView({
  id: 'services',
  title: 'Services',
  endpoint: 'internal/ui/services',
  noun: 'service',
  plural: 'services',
  placeholder: 'Search services by name or tag  ( / )',
  tags: true,
  key: (s) => s.Name,
  columns: [
    { label: 'Service', cls: 'name', cell: (s, ctx) => [
      h('a', { href: link(`services/${encodeURIComponent(s.Name)}`), class: 'rowlink', dataset: { row: '' } }, highlight(s.Name, ctx.q)),
      s.Kind ? h('span', { class: 'kind', text: s.Kind }) : null,
      ctx.changed ? h('span', { class: 'changed-mark', title: 'changed since the last update', text: 'updated' }) : null,
    ] },
    { label: 'Health', cls: 'health', cell: (s) => [badge(s.ChecksPassing + s.ChecksWarning + s.ChecksCritical ? s.Status : 'none'),
      healthy(s.InstancesPassing, s.InstancesWarning, s.InstancesCritical)] },
    { label: 'Instances', cls: 'numeric', cell: (s) => num(s.InstanceCount) },
    { label: 'Nodes', cls: 'numeric', cell: (s) => num(s.NodeCount) },
    { label: 'Checks', cls: 'checks', cell: (s) => counts(s.ChecksPassing, s.ChecksWarning, s.ChecksCritical) },
    { label: 'Tags', cls: 'tags', cell: (s, ctx) => tagList(s.Tags, ctx) },
  ],
});

// tagList shows up to 8 tags as buttons that add a tag filter.
function tagList(tags, ctx) {
  const shown = tags.slice(0, 8);
  return h('span', { class: 'chips' },
    shown.map((t) => h('button', { type: 'button', class: 'chip tag', title: `Show only services tagged ${t}`, onclick: () => ctx.addTag(t) }, highlight(t, ctx.q))),
    tags.length > shown.length ? h('span', { class: 'muted', text: `+${tags.length - shown.length}` }) : null);
}
