// One service: every instance with its node, address, tags, meta and
// every check (its own and its node's), from /v1/health/service/:name.
import { Watch, describe } from './api.js';
import { h, num, highlight, copyButton, metaChips, debounce } from './dom.js';
import { badge, healthy, rank, worst } from './health.js';
import { checksTable, Seen } from './checks.js';
import { link } from './nav.js';

const SHOW = 50; // instances rendered at first; "Show more" adds as many

export const service = {
  title: 'Service',
  mount(main, nav) {
    const name = nav.params[0] || '';
    nav.setTitle(name);
    nav.setCrumbs([['Services', link('services')], [name]]);
    const st = { search: nav.query.get('filter') || '', status: nav.query.get('status') || '', shown: SHOW };
    const seen = new Seen();
    let entries = null;
    let prevIndex = 0;
    let changedIDs = new Set();

    const summary = h('div', { class: 'summary', id: 'service-summary', text: 'Loading…' });
    const search = h('input', { type: 'search', id: 'search', class: 'search', value: st.search, autocomplete: 'off',
      placeholder: 'Filter instances by node, address or ID  ( / )', 'aria-label': 'Filter instances' });
    const chips = h('div', { class: 'filters', role: 'group', 'aria-label': 'Filter by health' });
    const list = h('div', { class: 'instances', id: 'instances' });
    const more = h('div', { class: 'more' });
    main.append(h('section', { class: 'view service', id: 'service-view' },
      h('div', { class: 'head' }, h('h1', {}, name), summary),
      h('div', { class: 'toolbar' }, search, chips), list, more));

    const status = (e) => e.Checks.reduce((s, c) => worst(s, c.Status), 'passing');

    const render = () => {
      if (!entries) return;
      const all = entries.map((e) => ({ e, s: status(e) }));
      const by = { passing: 0, warning: 0, critical: 0 };
      all.forEach((x) => { by[x.s in by ? x.s : 'critical']++; });
      const tags = [...new Set(entries.flatMap((e) => e.Service.Tags || []))].sort();
      const nodes = new Set(entries.map((e) => e.Node.Node)).size;
      const top = all.reduce((s, x) => worst(s, x.s), 'passing');
      summary.replaceChildren(
        entries.length ? badge(top) : badge('none', 'no instances'),
        healthy(by.passing, by.warning, by.critical),
        h('span', { text: `${num(entries.length)} instances on ${num(nodes)} nodes` }),
        tags.length ? h('span', { class: 'chips' }, tags.map((t) => h('span', { class: 'chip tag', text: t }))) : null);

      const q = st.search.toLowerCase();
      const matching = all.filter(({ e, s }) => (!st.status || s === st.status) && (!q ||
        [e.Node.Node, e.Service.ID, e.Service.Address || e.Node.Address].some((x) => x.toLowerCase().includes(q))));
      matching.sort((a, b) => rank(b.s) - rank(a.s) || a.e.Node.Node.localeCompare(b.e.Node.Node) || a.e.Service.ID.localeCompare(b.e.Service.ID));

      const chip = (s, label, n) => {
        const on = st.status === s;
        return h('button', { type: 'button', class: `chip filter ${s || 'all'}${on ? ' on' : ''}`, 'aria-pressed': String(on), dataset: { status: s || 'all' },
          onclick: () => { st.status = s; sync(); } }, `${label} `, h('span', { class: 'n', text: num(n) }));
      };
      chips.replaceChildren(chip('', 'All', entries.length), chip('critical', 'Critical', by.critical),
        chip('warning', 'Warning', by.warning), chip('passing', 'Passing', by.passing));

      if (!entries.length) {
        list.replaceChildren(h('div', { class: 'empty', text: `No instances of ${name} are registered in this datacenter.` }));
      } else if (!matching.length) {
        list.replaceChildren(h('div', { class: 'empty', text: 'No instances match these filters.' }));
      } else {
        list.replaceChildren(...matching.slice(0, st.shown).map(({ e, s }) => instance(e, s, q)));
      }
      more.replaceChildren();
      if (matching.length > st.shown) {
        more.append(h('button', { type: 'button', onclick: () => { st.shown += SHOW; render(); } },
          `Show ${num(Math.min(SHOW, matching.length - st.shown))} more (${num(matching.length - st.shown)} not shown)`));
      }
    };

    const instance = (e, s, q) => {
      const svc = e.Service;
      const addr = `${svc.Address || e.Node.Address}:${svc.Port}`;
      return h('article', { class: `instance ${s}${changedIDs.has(key(e)) ? ' changed' : ''}`, dataset: { id: svc.ID, node: e.Node.Node, status: s } },
        h('header', {},
          badge(e.Checks.length ? s : 'none', e.Checks.length ? undefined : 'no checks'),
          h('h2', { class: 'mono' }, highlight(svc.ID, q)),
          h('span', { class: 'on' }, 'on ', h('a', { href: link(`nodes/${encodeURIComponent(e.Node.Node)}`), dataset: { row: '' } }, highlight(e.Node.Node, q))),
          h('span', { class: 'addr mono' }, highlight(addr, q)), copyButton(addr, 'address')),
        h('dl', { class: 'props' },
          h('dt', { text: 'Tags' }), h('dd', {}, (svc.Tags || []).length ? h('span', { class: 'chips' }, svc.Tags.map((t) => h('span', { class: 'chip tag', text: t }))) : h('span', { class: 'muted', text: '—' })),
          h('dt', { text: 'Meta' }), h('dd', {}, metaChips(svc.Meta)),
          h('dt', { text: 'Node address' }), h('dd', { class: 'mono', text: e.Node.Address })),
        checksTable(e.Checks, { seen }));
    };

    const key = (e) => `${e.Node.Node}/${e.Service.ID}`;

    const sync = () => {
      nav.setQuery({ filter: st.search || null, status: st.status || null });
      st.shown = SHOW;
      render();
    };

    const watch = new Watch(`health/service/${encodeURIComponent(name)}`, {}, (res) => {
      const index = Number(res.headers.get('X-Consul-Index')) || 0;
      entries = res.data || [];
      changedIDs = new Set();
      if (prevIndex) {
        for (const e of entries) {
          if (e.Service.ModifyIndex > prevIndex || e.Checks.some((c) => c.ModifyIndex > prevIndex)) changedIDs.add(key(e));
        }
      }
      prevIndex = index;
      seen.note(entries.flatMap((e) => e.Checks));
      render();
      main.querySelector('section')?.setAttribute('data-loaded', 'true');
    }, (e) => {
      if (!entries) summary.textContent = describe(e);
    }).start();

    search.addEventListener('input', debounce(() => { st.search = search.value.trim(); sync(); }, 120));
    return { unmount: () => watch.stop() };
  },
};
