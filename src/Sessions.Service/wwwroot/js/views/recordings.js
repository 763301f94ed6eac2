// #/recordings?status=…: recordings by status; failed ones stand out with their reason.

import { get, getAll } from '../api.js';
import { h } from '../dom.js';
import { ago, bytes, duration, plural } from '../format.js';
import { listHref } from '../router.js';
import { badge, words } from '../status.js';
import { emptyText, filterBar, idLink, listPath, pageHeader, provider, searchBar, sessionLink, showMore, table } from './common.js';

const PAGE = 100;
const PLACEHOLDER = 'Id or session id';

export default {
  title: ({ query }) => (query.status ? `Recordings: ${query.status}` : 'Recordings'),

  async load(route, { signal, state }) {
    const status = words('recording').includes(route.query.status) ? route.query.status : null;
    const [list, overview] = await Promise.all([
      getAll(listPath('/api/recordings', route.query, { status }), { want: state.want ?? PAGE, pageSize: PAGE, signal }),
      get('/api/overview', { signal }),
    ]);
    return { ...list, status, counts: overview.recordings };
  },

  relevant: (change) => change.kind === 'recording',

  render({ items, more, status, counts }, route, ctx) {
    const failed = counts.byStatus?.failed ?? 0;
    return h('div', { class: 'view view-recordings' },
      pageHeader({
        title: 'Recordings',
        subtitle: h('span', null, `${plural(counts.total, 'recording')}`, failed > 0 && h('span', { class: 'tally-bad' }, `, ${failed} failed`), '.'),
      }),
      filterBar('Recording status', [
        { value: null, label: 'All', count: counts.total, href: listHref('recordings', { ...route.query, status: null }) },
        ...words('recording').map((w) => ({ value: w, label: w, count: counts.byStatus?.[w] ?? 0, href: listHref('recordings', { ...route.query, status: w }) })),
      ], status),
      searchBar('recordings', route.query, { items, state: ctx.state, placeholder: PLACEHOLDER }),
      h('div', { class: 'card' },
        table({
          caption: status ? `Recordings with status ${status}` : 'Recordings',
          className: 'recordings-table',
          rows: items,
          empty: emptyText(route.query, status ? `No ${status} recordings.` : 'No recordings yet.'),
          rowClass: (r) => (r.status === 'failed' ? 'is-failed' : null),
          columns: [
            { label: 'Recording', className: 'col-title', cell: (r) => idLink('recordings', r.provider, r.id) },
            { label: 'Provider', cell: (r) => provider(r.provider) },
            { label: 'Status', cell: (r) => h('span', { class: 'status-cell' }, badge('recording', r.status), r.providerStatus && h('span', { class: 'muted small' }, r.providerStatus)) },
            { label: 'Session', cell: (r) => (r.sessionId ? sessionLink(r.provider, r.sessionId) : h('span', { class: 'muted' }, '—')) },
            { label: 'Length', className: 'nowrap', cell: (r) => duration(r.durationMs) },
            { label: 'Size', className: 'nowrap', cell: (r) => bytes(r.sizeBytes) },
            { label: 'Last event', className: 'nowrap', cell: (r) => ago(r.lastEventAt) },
            { label: 'Failure', className: 'col-failure', cell: (r) => (r.status === 'failed' ? h('span', { class: 'failure' }, r.failureReason ?? 'no reason given') : '') },
          ],
        }),
        showMore(items.length, more, () => {
          ctx.state.want = items.length + PAGE;
          ctx.refresh();
        })));
  },
};
