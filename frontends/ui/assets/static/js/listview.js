// listView is the services and nodes overviews: a server-side filtered,
// sorted and paged list over one aggregated endpoint, kept live by one
// blocking query. Search, health and tag filters, sort and page live in
// the URL query, so a view can be shared or reloaded as it is.
import { Watch, describe } from './api.js';
import { h, num, debounce } from './dom.js';

const PER_PAGE = 100;
const STATUSES = ['critical', 'warning', 'passing'];

// cfg: id, title, endpoint, noun, plural, placeholder, tags (whether rows
// have tags to filter by), key(row), columns [{label, cls, cell(row, ctx)}]
// where ctx has q (search), addTag(tag) and changed (row changed since the
// last answer).
export function listView(cfg) {
  return {
    title: cfg.title,
    mount(main, nav) {
      const q = nav.query;
      nav.setCrumbs([[cfg.title]]);
      const st = {
        search: q.get('filter') || '',
        status: q.getAll('status').filter((s) => STATUSES.includes(s)),
        tags: cfg.tags ? q.getAll('tag') : [],
        sort: q.get('sort') === 'name' ? 'name' : 'health',
        page: Math.max(1, parseInt(q.get('page') || '1', 10) || 1),
      };
      let prevIndex = 0; // the index of the last answer for the same parameters
      let loaded = false;

      const search = h('input', { type: 'search', id: 'search', class: 'search', value: st.search, placeholder: cfg.placeholder,
        'aria-label': cfg.placeholder, autocomplete: 'off', spellcheck: 'false' });
      const chips = h('div', { class: 'filters', role: 'group', 'aria-label': 'Filter by health' });
      const tagChips = h('div', { class: 'active-tags', 'aria-label': 'Tag filters' });
      const sort = h('select', { id: 'sort', 'aria-label': 'Sort' },
        h('option', { value: 'health', text: 'Unhealthy first' }), h('option', { value: 'name', text: 'Name A–Z' }));
      sort.value = st.sort;
      const summary = h('p', { class: 'summary', id: 'list-summary', 'aria-live': 'polite', text: 'Loading…' });
      const tbody = h('tbody');
      const table = h('table', { class: `grid ${cfg.id}`, id: `${cfg.id}-table` },
        h('thead', {}, h('tr', {}, cfg.columns.map((c) => h('th', { scope: 'col', class: c.cls, text: c.label })))), tbody);
      const empty = h('div', { class: 'empty', hidden: true });
      const pager = h('nav', { class: 'pager', 'aria-label': 'Pages' });
      main.append(h('section', { class: `view list ${cfg.id}`, id: `${cfg.id}-view` },
        h('div', { class: 'head' }, h('h1', { text: cfg.title }), summary),
        h('div', { class: 'toolbar' }, search, chips, h('label', { class: 'sortby' }, 'Sort ', sort), tagChips),
        table, empty, pager));

      // sync writes the state to the URL and starts a new query.
      const sync = () => {
        nav.setQuery({ filter: st.search || null, status: st.status, tag: st.tags, sort: st.sort === 'name' ? 'name' : null,
          page: st.page > 1 ? String(st.page) : null });
        prevIndex = 0;
        watch.refresh();
      };
      const addTag = (t) => {
        if (!st.tags.includes(t)) st.tags.push(t);
        st.page = 1;
        sync();
      };

      const renderChips = (hdr) => {
        const counts = {};
        let all = 0;
        for (const s of STATUSES) {
          counts[s] = Number(hdr.get(`X-Consuld-${s[0].toUpperCase()}${s.slice(1)}`)) || 0;
          all += counts[s];
        }
        const chip = (s, label, n) => {
          const on = s ? st.status.includes(s) : st.status.length === 0;
          return h('button', { type: 'button', class: `chip filter ${s || 'all'}${on ? ' on' : ''}`, 'aria-pressed': String(on),
            dataset: { status: s || 'all' },
            onclick: () => {
              if (!s) st.status = [];
              else st.status = on ? st.status.filter((x) => x !== s) : [...st.status, s];
              st.page = 1;
              sync();
            } }, `${label} `, h('span', { class: 'n', text: num(n) }));
        };
        chips.replaceChildren(chip(null, 'All', all), chip('critical', 'Critical', counts.critical),
          chip('warning', 'Warning', counts.warning), chip('passing', 'Passing', counts.passing));
        tagChips.replaceChildren(...st.tags.map((t) => h('button', { type: 'button', class: 'chip tag on', title: `Remove tag filter ${t}`,
          onclick: () => { st.tags = st.tags.filter((x) => x !== t); st.page = 1; sync(); } }, `tag: ${t} `, h('span', { 'aria-hidden': 'true', text: '✕' }))));
      };

      const renderPager = (total) => {
        const pages = Math.max(1, Math.ceil(total / PER_PAGE));
        pager.replaceChildren();
        if (pages <= 1) return;
        const go = (p) => () => { st.page = p; sync(); main.querySelector('h1')?.scrollIntoView(); };
        pager.append(
          h('button', { type: 'button', class: 'prev', disabled: st.page <= 1, onclick: go(st.page - 1) }, '‹ Previous'),
          h('span', { class: 'pos', text: `Page ${num(st.page)} of ${num(pages)}` }),
          h('button', { type: 'button', class: 'next', disabled: st.page >= pages, onclick: go(st.page + 1) }, 'Next ›'));
      };

      const onData = (res) => {
        const rows = res.data || [];
        const hdr = res.headers;
        const total = Number(hdr.get('X-Consuld-Total')) || 0;
        const unfiltered = Number(hdr.get('X-Consuld-Unfiltered')) || 0;
        const index = Number(hdr.get('X-Consul-Index')) || 0;
        const pages = Math.max(1, Math.ceil(total / PER_PAGE));
        if (st.page > pages) {
          st.page = pages;
          sync();
          return;
        }
        const focused = document.activeElement?.closest?.('tr[data-key]')?.dataset.key;
        const ctx = { q: st.search, addTag, changed: false };
        const trs = rows.map((row) => {
          ctx.changed = prevIndex > 0 && row.ModifyIndex > prevIndex;
          const tr = h('tr', { dataset: { key: cfg.key(row), status: row.Status }, class: ctx.changed ? 'changed' : null },
            cfg.columns.map((c) => h('td', { class: c.cls }, c.cell(row, ctx))));
          return tr;
        });
        tbody.replaceChildren(...trs);
        if (focused) tbody.querySelector(`tr[data-key="${CSS.escape(focused)}"] a`)?.focus();
        prevIndex = index;
        renderChips(hdr);
        renderPager(total);
        const first = total ? (st.page - 1) * PER_PAGE + 1 : 0;
        const filtered = st.search || st.status.length || st.tags.length;
        summary.textContent = total
          ? `${num(first)}–${num(first + rows.length - 1)} of ${num(total)} ${filtered ? 'matching' : ''} ${total === 1 ? cfg.noun : cfg.plural}` +
            (filtered ? ` (${num(unfiltered)} in the catalog)` : '')
          : `No ${cfg.plural} match (${num(unfiltered)} in the catalog)`;
        summary.textContent = summary.textContent.replace(/\s+/g, ' ');
        empty.hidden = rows.length > 0;
        table.hidden = rows.length === 0;
        empty.textContent = unfiltered ? `No ${cfg.plural} match these filters.` : `No ${cfg.plural} are registered.`;
        if (!loaded) {
          loaded = true;
          performance.mark(`consuld:first-render:${cfg.id}`);
        }
        main.querySelector('section')?.setAttribute('data-loaded', 'true');
      };
      const onError = (e) => {
        if (loaded) return; // the banner says it; the last data stays
        summary.textContent = describe(e);
        summary.classList.add('error');
      };
      const watch = new Watch(cfg.endpoint, () => ({
        search: st.search || undefined,
        status: st.status,
        tag: st.tags,
        sort: st.sort === 'name' ? 'name' : undefined,
        page: st.page,
        per_page: PER_PAGE,
      }), onData, onError).start();

      search.addEventListener('input', debounce(() => {
        st.search = search.value.trim();
        st.page = 1;
        sync();
      }, 150));
      search.addEventListener('keydown', (e) => {
        if (e.key === 'ArrowDown') {
          tbody.querySelector('a')?.focus();
          e.preventDefault();
        }
      });
      sort.addEventListener('change', () => {
        st.sort = sort.value;
        st.page = 1;
        sync();
      });
      return { unmount: () => watch.stop() };
    },
  };
}
