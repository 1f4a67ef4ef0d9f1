// One node: address, gossip status, node checks and the services on it,
// from /v1/internal/ui/node/:node.
import { Watch, request, describe } from './api.js';
import { h, num, copyButton, metaChips } from './dom.js';
import { badge, counts, worst } from './health.js';
import { checksTable, Seen } from './checks.js';
import { link } from './nav.js';

// Serf member statuses (/v1/agent/members).
const MEMBER = ['none', 'alive', 'leaving', 'left', 'failed'];

export const node = {
  title: 'Node',
  mount(main, nav) {
    const name = nav.params[0] || '';
    nav.setTitle(name);
    nav.setCrumbs([['Nodes', link('nodes')], [name]]);
    const seen = new Seen();
    let info;
    let gossip = 'unknown';

    const summary = h('div', { class: 'summary', id: 'node-summary', text: 'Loading…' });
    const body = h('div', { class: 'node-body' });
    main.append(h('section', { class: 'view node', id: 'node-view' }, h('div', { class: 'head' }, h('h1', {}, name), summary), body));

    const render = () => {
      if (info === undefined) return;
      if (info === null) {
        summary.replaceChildren(badge('none', 'not registered'));
        body.replaceChildren(h('div', { class: 'empty', text: `Node ${name} is not in the catalog of this datacenter.` }));
        return;
      }
      const checks = info.Checks || [];
      const nodeChecks = checks.filter((c) => !c.ServiceID);
      const by = { passing: 0, warning: 0, critical: 0 };
      checks.forEach((c) => { by[c.Status in by ? c.Status : 'critical']++; });
      const top = checks.reduce((s, c) => worst(s, c.Status), 'passing');
      summary.replaceChildren(checks.length ? badge(top) : badge('none', 'no checks'),
        counts(by.passing, by.warning, by.critical),
        h('span', { class: 'mono' }, info.Address), copyButton(info.Address, 'address'),
        h('span', { class: `gossip ${gossip}`, title: 'gossip (LAN member) status as this agent sees it', text: `gossip: ${gossip}` }));
      const tagged = Object.entries(info.TaggedAddresses || {}).sort();
      body.replaceChildren(
        h('dl', { class: 'props' },
          h('dt', { text: 'Node ID' }), h('dd', { class: 'mono', text: info.ID || '—' }),
          h('dt', { text: 'Datacenter' }), h('dd', { text: info.Datacenter }),
          h('dt', { text: 'Tagged addresses' }), h('dd', {}, tagged.length ? h('span', { class: 'chips' }, tagged.map(([k, v]) => h('span', { class: 'chip meta' }, h('span', { class: 'k', text: k }), '=', v))) : h('span', { class: 'muted', text: '—' })),
          h('dt', { text: 'Meta' }), h('dd', {}, metaChips(info.Meta))),
        h('h2', { text: `Node checks (${num(nodeChecks.length)})` }),
        checksTable(nodeChecks, { seen }),
        h('h2', { text: `Services (${num((info.Services || []).length)})` }),
        services(info, checks));
    };

    const services = (info, checks) => {
      const list = info.Services || [];
      if (!list.length) return h('p', { class: 'muted', text: 'No services on this node.' });
      return h('div', { class: 'instances' }, list.map((s) => {
        const own = checks.filter((c) => c.ServiceID === s.ID);
        const st = checks.filter((c) => !c.ServiceID || c.ServiceID === s.ID).reduce((x, c) => worst(x, c.Status), 'passing');
        const addr = `${s.Address || info.Address}:${s.Port}`;
        return h('article', { class: `instance ${st}`, dataset: { id: s.ID, status: st } },
          h('header', {}, badge(st),
            h('h3', {}, h('a', { href: link(`services/${encodeURIComponent(s.Service)}`), dataset: { row: '' }, text: s.Service })),
            h('span', { class: 'mono muted', text: s.ID }), h('span', { class: 'addr mono', text: addr }),
            (s.Tags || []).length ? h('span', { class: 'chips' }, s.Tags.map((t) => h('span', { class: 'chip tag', text: t }))) : null),
          checksTable(own, { seen }));
      }));
    };

    request('GET', 'agent/members').then((res) => {
      const m = (res.data || []).find((x) => x.Name === name);
      gossip = m ? MEMBER[m.Status] || String(m.Status) : 'not a member';
      render();
    }).catch(() => {});

    const watch = new Watch(`internal/ui/node/${encodeURIComponent(name)}`, {}, (res) => {
      info = res.data;
      if (info) seen.note(info.Checks || []);
      render();
      main.querySelector('section')?.setAttribute('data-loaded', 'true');
    }, (e) => {
      if (info === undefined) summary.textContent = describe(e);
    }).start();
    return { unmount: () => watch.stop() };
  },
};
