// #/clients?status=&application=&provider=&q=: LiveSwitch clients, who they are and which application they belong to.

import { get, getAll } from '../api.js';
import { h } from '../dom.js';
import { ago, plural } from '../format.js';
import { listHref } from '../router.js';
import { badge, words } from '../status.js';
import { emptyText, entityLink, filterBar, idLink, idText, listPath, pageHeader, provider, searchBar, showMore, table } from './common.js';

const PAGE = 100;

export default {
  title: ({ query }) => (query.application ? `Clients of ${query.application}` : 'Clients'),

  async load(route, { signal, state }) {
    const status = words('client').includes(route.query.status) ? route.query.status : null;
    const path = listPath('/api/clients', route.query, { status, application: route.query.application });
    const [list, overview] = await Promise.all([
      getAll(path, { want: state.want ?? PAGE, pageSize: PAGE, signal }),
      get('/api/overview', { signal }),
    ]);
    return { ...list, status, counts: overview.clients };
  },

  relevant: (change) => change.kind === 'client',

  render({ items, more, status, counts }, route, ctx) {
    const { query } = route;
    return h('div', { class: 'view view-clients' },
      pageHeader({
        title: 'Clients',
        crumbs: query.application ? [{ label: 'Applications', href: '#/applications' }] : [],
        subtitle: query.application
          ? h('span', null, 'Of application ', h('a', { href: `#/applications/${encodeURIComponent(query.application)}` }, query.application), '.')
          : `${plural(counts.total, 'client')}, ${counts.byStatus?.registered ?? 0} registered.`,
      }),
      filterBar('Client status', [
        { value: null, label: 'All', count: counts.total, href: listHref('clients', { ...query, status: null }) },
        ...words('client').map((w) => ({ value: w, label: w, count: counts.byStatus?.[w] ?? 0, href: listHref('clients', { ...query, status: w }) })),
      ], status),
      searchBar('clients', query, { items, state: ctx.state, placeholder: 'Id, user, device, tag or application' }),
      h('div', { class: 'card' },
        table({
          caption: 'Clients',
          className: 'clients-table',
          rows: items,
          empty: emptyText(query, status ? `No ${status} clients.` : 'No clients yet.'),
          columns: [
            { label: 'Client', className: 'col-title', cell: (c) => h('span', { class: 'title-cell' }, c.userAlias ? entityLink('clients', c.provider, c.id, c.userAlias) : idLink('clients', c.provider, c.id), c.userAlias && idText(c.id)) },
            { label: 'Application', cell: (c) => (c.applicationId ? h('a', { href: `#/applications/${encodeURIComponent(c.applicationId)}` }, c.applicationId) : h('span', { class: 'muted' }, '—')) },
            { label: 'Provider', cell: (c) => provider(c.provider) },
            { label: 'Status', cell: (c) => badge('client', c.status) },
            { label: 'Device', cell: (c) => c.deviceAlias ?? h('span', { class: 'muted' }, '—') },
            { label: 'Region', cell: (c) => c.region ?? h('span', { class: 'muted' }, '—') },
            { label: 'Last event', className: 'nowrap', cell: (c) => ago(c.lastEventAt) },
          ],
        }),
        showMore(items.length, more, () => {
          ctx.state.want = items.length + PAGE;
          ctx.refresh();
        })));
  },
};
