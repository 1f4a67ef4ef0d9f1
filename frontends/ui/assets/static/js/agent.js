// The agent's own view: version, datacenter, leader and LAN members.
// These endpoints do not block, so the page re-reads them every 5 s while open.
import { request, describe } from './api.js';
import { h, num, clock } from './dom.js';

const MEMBER = ['none', 'alive', 'leaving', 'left', 'failed'];
const EVERY = 5000;

export const agent = {
  title: 'Agent',
  mount(main, nav) {
    nav.setCrumbs([['Agent']]);
    const body = h('div', { class: 'agent-body', text: 'Loading…' });
    main.append(h('section', { class: 'view agent', id: 'agent-view' }, h('div', { class: 'head' }, h('h1', { text: 'Agent' })), body));
    let timer = 0;
    let stopped = false;

    const load = async () => {
      try {
        const [self, leader, members] = await Promise.all([
          request('GET', 'agent/self'), request('GET', 'status/leader'), request('GET', 'agent/members')]);
        if (stopped) return;
        const cfg = self.data.Config || {};
        const ms = members.data || [];
        body.replaceChildren(
          h('dl', { class: 'props' },
            h('dt', { text: 'Node' }), h('dd', { text: cfg.NodeName }),
            h('dt', { text: 'Version' }), h('dd', { class: 'mono', id: 'agent-version', text: cfg.Version }),
            h('dt', { text: 'Datacenter' }), h('dd', { text: cfg.Datacenter }),
            h('dt', { text: 'Role' }), h('dd', { text: cfg.Server ? 'server' : 'client' }),
            h('dt', { text: 'Leader' }), h('dd', { class: 'mono', id: 'agent-leader' }, leader.data || h('span', { class: 'badge critical', text: 'no leader' })),
            h('dt', { text: 'Checked' }), h('dd', { class: 'muted', text: clock(new Date()) })),
          h('h2', { text: `LAN members (${num(ms.length)})` }),
          h('table', { class: 'grid members', id: 'members' },
            h('thead', {}, h('tr', {}, ['Name', 'Address', 'Status', 'Role', 'Datacenter', 'Build'].map((t) => h('th', { scope: 'col', text: t })))),
            h('tbody', {}, ms.map((m) => h('tr', {},
              h('td', { text: m.Name }), h('td', { class: 'mono', text: `${m.Addr}:${m.Port}` }),
              h('td', {}, h('span', { class: `badge ${m.Status === 1 ? 'passing' : 'critical'}`, text: MEMBER[m.Status] || String(m.Status) })),
              h('td', { text: m.Tags?.role === 'consul' ? 'server' : 'client' }), h('td', { text: m.Tags?.dc || '' }),
              h('td', { class: 'mono', text: (m.Tags?.build || '').replace(/:$/, '') }))))));
        main.querySelector('section')?.setAttribute('data-loaded', 'true');
      } catch (e) {
        if (!stopped) body.replaceChildren(h('p', { class: 'error', text: describe(e) }));
      }
      if (!stopped) timer = setTimeout(load, EVERY);
    };
    load();
    return { unmount: () => { stopped = true; clearTimeout(timer); } };
  },
};
