// #/notifications: the outbound subscriptions, each with its health and a test button (README "Notifications").

import { get, send } from '../api.js';
import { h } from '../dom.js';
import { plural } from '../format.js';
import { health, pageHeader, table } from './common.js';
import { subscriptionHref, testButton } from './subscription.js';

export default {
  title: () => 'Notifications',

  pollMs: 5_000, // deliveries move on their own (retries), not through the change stream

  async load(route, { signal }) {
    return { subscriptions: await get('/api/subscriptions', { signal }) };
  },

  relevant: () => false,

  render({ subscriptions }, route, ctx) {
    const failing = subscriptions.filter((s) => health(s).word !== 'healthy' && health(s).word !== 'new').length;
    return h('div', { class: 'view view-notifications' },
      pageHeader({
        title: 'Notifications',
        subtitle: h('span', null, plural(subscriptions.length, 'subscription'),
          failing > 0 && h('span', { class: 'tally-bad' }, `, ${failing} failing or disabled`), '.'),
      }),
      h('div', { class: 'card' },
        table({
          caption: 'Subscriptions',
          className: 'subscriptions-table',
          rows: subscriptions,
          empty: 'No subscriptions yet. Create one with POST /api/subscriptions (README "Notifications").',
          rowClass: (s) => (health(s).word === 'disabled' ? 'is-failed' : null),
          columns: [
            { label: 'Name', className: 'col-title', cell: (s) => h('a', { href: subscriptionHref(s.id), class: 'entity-link' }, s.name) },
            { label: 'Category', cell: (s) => s.category },
            { label: 'Events', cell: (s) => (s.events.length > 0 ? s.events.join(', ') : h('span', { class: 'muted' }, 'every event')) },
            { label: 'Providers', cell: (s) => (s.providers?.length ? s.providers.join(', ') : h('span', { class: 'muted' }, 'all')) },
            { label: 'URL', className: 'col-url', cell: (s) => h('code', { class: 'url' }, s.url) },
            { label: 'Health', cell: (s) => health(s).node },
            { label: '', className: 'nowrap', cell: (s) => testButton(s, send, ctx) },
          ],
        })));
  },
};
