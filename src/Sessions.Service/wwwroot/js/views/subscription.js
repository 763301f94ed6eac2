// #/notifications/{id}: one subscription, its health, and its deliveries with every attempt; retry and test buttons.

import { get, send } from '../api.js';
import { h } from '../dom.js';
import { ago } from '../format.js';
import { badge } from '../status.js';
import { facts, filterBar, health, pageHeader, section, showMore, table, when } from './common.js';

const PAGE = 50;
const MAX_LIMIT = 500; // the API's cap on limit
const STATUSES = ['pending', 'succeeded', 'failed'];

/** The hash of a subscription's page. */
export function subscriptionHref(id, query = {}) {
  const search = new URLSearchParams(Object.entries(query).filter(([, v]) => v));
  const text = search.toString();
  return `#/notifications/${encodeURIComponent(id)}${text ? `?${text}` : ''}`;
}

/**
 * "Send test": asks the service to send a ping now, then says so (or what went wrong) beside the button. What it
 * said is kept in the page's state, so the refresh that follows (and the ones after) still show it.
 */
export function testButton(subscription, post, ctx) {
  ctx.state.said ??= {};
  const said = h('span', { class: 'small muted', role: 'status' }, ctx.state.said[subscription.id] ?? '');
  const button = h('button', {
    type: 'button',
    class: 'button subtle',
    'aria-label': `Send a test to ${subscription.name}`,
    onclick: async () => {
      button.disabled = true;
      try {
        await post('POST', `/api/subscriptions/${encodeURIComponent(subscription.id)}/test`);
        ctx.state.said[subscription.id] = 'Test queued.';
      } catch (error) {
        ctx.state.said[subscription.id] = `Not sent: ${error.message}`;
      }
      said.textContent = ctx.state.said[subscription.id];
      button.disabled = false;
      ctx.refresh();
    },
  }, 'Send test');
  return h('span', { class: 'actions' }, button, ' ', said);
}

function attempts(list) {
  if (!list || list.length === 0) {
    return h('span', { class: 'muted' }, 'none yet');
  }
  return h('ol', { class: 'attempts' }, list.map((a) => h('li', null,
    ago(a.at), ' ',
    h('span', { class: a.statusCode >= 200 && a.statusCode < 300 ? 'tally-ok' : 'tally-bad' }, a.statusCode ? String(a.statusCode) : 'no answer'),
    ` in ${a.durationMs} ms`,
    a.error && h('span', { class: 'failure' }, ` — ${a.error}`))));
}

export default {
  title: ({ params }) => `Subscription ${params.id}`,

  pollMs: 5_000,

  async load(route, { signal, state }) {
    const id = encodeURIComponent(route.params.id);
    const status = STATUSES.includes(route.query.status) ? route.query.status : null;
    const query = new URLSearchParams({ limit: String(Math.min(state.want ?? PAGE, MAX_LIMIT)) });
    if (status) query.set('status', status);
    const [subscription, deliveries] = await Promise.all([
      get(`/api/subscriptions/${id}`, { signal }),
      get(`/api/subscriptions/${id}/deliveries?${query}`, { signal }),
    ]);
    return { subscription, deliveries, status };
  },

  relevant: () => false,

  render({ subscription: s, deliveries, status }, route, ctx) {
    const state = health(s);
    const retry = (d) => h('button', {
      type: 'button',
      class: 'button subtle',
      'aria-label': `Retry delivery ${d.id}`,
      onclick: async (event) => {
        event.currentTarget.disabled = true;
        await send('POST', `/api/subscriptions/${encodeURIComponent(s.id)}/deliveries/${encodeURIComponent(d.id)}/retry`).catch(() => {});
        ctx.refresh();
      },
    }, 'Retry');
    return h('div', { class: 'view view-subscription' },
      pageHeader({
        title: s.name,
        crumbs: [{ label: 'Notifications', href: '#/notifications' }],
        badges: [state.node],
      }),
      section('Subscription', { actions: testButton(s, send, ctx) },
        facts([
          ['Id', h('code', null, s.id)],
          ['URL', h('code', { class: 'url' }, s.url)],
          ['Category', s.category],
          ['Events', s.events.length > 0 ? s.events.join(', ') : 'every event of the category'],
          ['Providers', s.providers?.length ? s.providers.join(', ') : 'all'],
          ['Batch', s.batch ? 'yes' : 'no'],
          ['Created', when(s.createdAt)],
          ['Last success', s.lastSuccessAt && when(s.lastSuccessAt)],
          ['Failing since', s.failingSince && when(s.failingSince)],
          ['Disabled because', s.disabled && (s.disabledReason ?? 'disabled by a user')],
          ['Previous secret signs until', s.previousSecretExpiresAt && when(s.previousSecretExpiresAt)],
        ])),
      section('Deliveries', { count: deliveries.items.length },
        filterBar('Delivery status', [
          { value: null, label: 'All', href: subscriptionHref(s.id) },
          ...STATUSES.map((w) => ({ value: w, label: w, href: subscriptionHref(s.id, { status: w }) })),
        ], status),
        table({
          caption: 'Deliveries, newest first',
          className: 'deliveries-table',
          rows: deliveries.items,
          empty: status ? `No ${status} deliveries.` : 'No deliveries yet.',
          rowClass: (d) => (d.status === 'failed' ? 'is-failed' : null),
          columns: [
            { label: 'Delivery', cell: (d) => h('code', { title: d.id }, d.id) },
            { label: 'Events', cell: (d) => (d.eventIds.length > 0 ? d.eventIds.join(', ') : h('span', { class: 'muted' }, 'ping')) },
            { label: 'Status', cell: (d) => badge('delivery', d.status) },
            { label: 'Created', className: 'nowrap', cell: (d) => when(d.createdAt) },
            { label: 'Attempts', cell: (d) => attempts(d.attempts) },
            { label: 'Next attempt', className: 'nowrap', cell: (d) => (d.nextAttemptAt ? when(d.nextAttemptAt) : h('span', { class: 'muted' }, '—')) },
            { label: '', cell: (d) => (d.status === 'failed' ? retry(d) : '') },
          ],
        }),
        showMore(deliveries.items.length, Boolean(deliveries.nextCursor), () => {
          ctx.state.want = deliveries.items.length + PAGE;
          ctx.refresh();
        })));
  },
};
