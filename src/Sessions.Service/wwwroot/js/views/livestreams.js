// #/livestreams?status=…: livestreams with the provider's own status and each simulcast target's state.

import { get, getAll } from '../api.js';
import { h } from '../dom.js';
import { ago, plural } from '../format.js';
import { listHref } from '../router.js';
import { badge, words } from '../status.js';
import { emptyText, filterBar, idLink, listPath, pageHeader, provider, searchBar, sessionLink, showMore, table } from './common.js';

const PAGE = 100;
const PLACEHOLDER = 'Id, session id or simulcast target id';

export default {
  title: ({ query }) => (query.status ? `Livestreams: ${query.status}` : 'Livestreams'),

  async load(route, { signal, state }) {
    const status = words('livestream').includes(route.query.status) ? route.query.status : null;
    const [list, overview] = await Promise.all([
      getAll(listPath('/api/livestreams', route.query, { status }), { want: state.want ?? PAGE, pageSize: PAGE, signal }),
      get('/api/overview', { signal }),
    ]);
    return { ...list, status, counts: overview.livestreams };
  },

  relevant: (change) => change.kind === 'livestream',

  render({ items, more, status, counts }, route, ctx) {
    return h('div', { class: 'view view-livestreams' },
      pageHeader({ title: 'Livestreams', subtitle: `${plural(counts.total, 'livestream')}, ${counts.byStatus?.live ?? 0} live.` }),
      filterBar('Livestream status', [
        { value: null, label: 'All', count: counts.total, href: listHref('livestreams', { ...route.query, status: null }) },
        ...words('livestream').map((w) => ({ value: w, label: w, count: counts.byStatus?.[w] ?? 0, href: listHref('livestreams', { ...route.query, status: w }) })),
      ], status),
      searchBar('livestreams', route.query, { items, state: ctx.state, placeholder: PLACEHOLDER }),
      h('div', { class: 'card' },
        table({
          caption: status ? `Livestreams with status ${status}` : 'Livestreams',
          rows: items,
          empty: emptyText(route.query, status ? `No ${status} livestreams.` : 'No livestreams yet.'),
          columns: [
            { label: 'Livestream', className: 'col-title', cell: (l) => idLink('livestreams', l.provider, l.id) },
            { label: 'Provider', cell: (l) => provider(l.provider) },
            { label: 'Status', cell: (l) => badge('livestream', l.status) },
            { label: 'Provider status', cell: (l) => (l.providerStatus ? h('code', null, l.providerStatus) : h('span', { class: 'muted' }, '—')) },
            { label: 'Simulcast targets', cell: (l) => targets(l.simulcastTargets) },
            { label: 'Session', cell: (l) => (l.sessionId ? sessionLink(l.provider, l.sessionId) : h('span', { class: 'muted' }, '—')) },
            { label: 'Last event', className: 'nowrap', cell: (l) => ago(l.lastEventAt) },
          ],
        }),
        showMore(items.length, more, () => {
          ctx.state.want = items.length + PAGE;
          ctx.refresh();
        })));
  },
};

/** Each target as "id: state" chips. */
export function targets(list) {
  if (!list || list.length === 0) return h('span', { class: 'muted' }, 'none');
  return h('ul', { class: 'target-list' }, list.map((t) => h('li', null,
    h('code', { class: 'id', title: t.url ?? t.id }, t.id.length > 12 ? `${t.id.slice(0, 8)}…` : t.id), ' ', badge('target', t.status))));
}
