// #/applications: every application a tracked client names, with its registered and tracked clients.

import { get } from '../api.js';
import { h } from '../dom.js';
import { plural } from '../format.js';
import { listHref } from '../router.js';
import { entityLink, pageHeader, section, table } from './common.js';

export default {
  title: () => 'Applications',

  load: (route, { signal }) => get('/api/applications', { signal }),

  relevant: (change) => change.kind === 'client',

  render({ items }) {
    return h('div', { class: 'view view-applications' },
      pageHeader({ title: 'Applications', subtitle: `${plural(items.length, 'application')}, counted from their clients.` }),
      h('div', { class: 'card' },
        table({
          caption: 'Applications',
          rows: items,
          empty: 'No client has named an application yet.',
          columns: [
            { label: 'Application', className: 'col-title', cell: (a) => h('a', { href: `#/applications/${encodeURIComponent(a.id)}`, class: 'entity-link' }, a.id) },
            { label: 'Registered clients', className: 'num', cell: (a) => h('a', { href: listHref('clients', { application: a.id, status: 'registered' }) }, String(a.registeredClients)) },
            { label: 'Clients tracked', className: 'num', cell: (a) => h('a', { href: listHref('clients', { application: a.id }) }, String(a.clients)) },
          ],
        })));
  },
};

/** The application page: its counts and its registered clients. */
export const application = {
  title: ({ params }) => `Application ${params.id}`,

  async load({ params }, { signal }) {
    const [app, clients] = await Promise.all([
      get(`/api/applications/${encodeURIComponent(params.id)}`, { signal }),
      get(`/api/clients?application=${encodeURIComponent(params.id)}&status=registered&limit=100`, { signal }),
    ]);
    return { app, clients };
  },

  relevant: (change) => change.kind === 'client',

  render({ app, clients }) {
    return h('div', { class: 'view view-application' },
      pageHeader({ title: app.id, crumbs: [{ label: 'Applications', href: '#/applications' }] }),
      h('div', { class: 'stat-row compact' },
        h('div', { class: 'stat', 'data-testid': 'application-registered' }, h('span', { class: 'stat-label' }, 'Registered now'), h('span', { class: 'stat-value' }, String(app.registeredClients))),
        h('div', { class: 'stat', 'data-testid': 'application-clients' }, h('span', { class: 'stat-label' }, 'Clients tracked'), h('span', { class: 'stat-value' }, String(app.clients)))),
      section('Registered clients', { count: app.registeredClients, id: 'registered-clients',
        actions: h('a', { href: listHref('clients', { application: app.id }) }, 'All clients of this application') },
      table({
        caption: 'Registered clients',
        rows: clients.items,
        empty: 'No client of this application is registered now.',
        columns: [
          { label: 'Client', cell: (c) => entityLink('clients', c.provider, c.id, c.userAlias ?? c.id) },
          { label: 'Device', cell: (c) => c.deviceAlias ?? h('span', { class: 'muted' }, '—') },
          { label: 'Region', cell: (c) => c.region ?? h('span', { class: 'muted' }, '—') },
        ],
      })));
  },
};
