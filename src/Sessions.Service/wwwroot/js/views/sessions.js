// #/sessions?status=active|ended: sessions with who is present, the peak, age, and recording / livestream badges.

import { get, getAll } from '../api.js';
import { h } from '../dom.js';
import { ago, between, duration, plural } from '../format.js';
import { listHref } from '../router.js';
import { emptyText, entityLink, filterBar, idLink, idText, listPath, pageHeader, provider, searchBar, showMore, table } from './common.js';

const PAGE = 100;
const STATUSES = ['active', 'ended'];

export default {
  title: ({ query }) => `${status(query) === 'ended' ? 'Ended' : 'Active'} sessions`,

  async load(route, { signal, state }) {
    const want = state.want ?? PAGE;
    const [list, overview] = await Promise.all([
      getAll(listPath('/api/sessions', route.query, { status: status(route.query) }), { want, pageSize: PAGE, signal }),
      get('/api/overview', { signal }),
    ]);
    return { ...list, counts: overview.sessions.byStatus ?? {} };
  },

  relevant: (change) => change.kind === 'session' || change.kind === 'recording' || change.kind === 'livestream',

  render({ items, more, counts }, route, ctx) {
    const current = status(route.query);
    return h('div', { class: 'view view-sessions' },
      pageHeader({ title: 'Sessions', subtitle: `${plural(counts[current] ?? 0, `${current} session`)}.` }),
      filterBar('Session status', STATUSES.map((s) => ({
        value: s, label: s === 'active' ? 'Active' : 'Ended', count: counts[s] ?? 0, href: listHref('sessions', { ...route.query, status: s === 'active' ? null : s }),
      })), current),
      searchBar('sessions', route.query, { items, state: ctx.state, placeholder: 'Id, title, participant name or id' }),
      h('div', { class: 'card' },
        table({
          caption: `${current} sessions`,
          className: 'sessions-table',
          empty: emptyText(route.query, current === 'active' ? 'No active sessions right now.' : 'No ended sessions.'),
          rows: items,
          columns: [
            { label: 'Session', className: 'col-title', cell: (x) => (x.title ? h('span', { class: 'title-cell' }, entityLink('sessions', x.provider, x.id, x.title), idText(x.id)) : idLink('sessions', x.provider, x.id)) },
            { label: 'Provider', cell: (x) => provider(x.provider) },
            { label: 'Present', className: 'num', cell: (x) => String(x.participantCount) },
            { label: 'Peak', className: 'num', cell: (x) => String(x.peakParticipants) },
            current === 'active'
              ? { label: 'Age', className: 'nowrap', cell: (x) => (x.startedAt ? h('span', { title: `started ${x.startedAt}` }, duration(between(x.startedAt))) : h('span', { class: 'muted' }, '—')) }
              : { label: 'Ended', className: 'nowrap', cell: (x) => ago(x.endedAt ?? x.lastEventAt) },
            current === 'ended' && { label: 'Lasted', className: 'nowrap', cell: (x) => duration(between(x.startedAt, x.endedAt)) },
            { label: 'Media', cell: mediaBadges },
          ].filter(Boolean),
        }),
        showMore(items.length, more, () => {
          ctx.state.want = items.length + PAGE;
          ctx.refresh();
        })));
  },
};

function status(query) {
  return query.status === 'ended' ? 'ended' : 'active';
}

/** REC and LIVE badges with how many of each the session has. */
export function mediaBadges(session) {
  const recordings = session.recordings?.length ?? 0;
  const livestreams = session.livestreams?.length ?? 0;
  if (recordings === 0 && livestreams === 0) {
    return h('span', { class: 'muted' }, '—');
  }
  return h('span', { class: 'media-badges' },
    recordings > 0 && h('span', { class: 'badge tone-rec' }, h('span', { 'aria-hidden': 'true' }, '● '), plural(recordings, 'recording')),
    livestreams > 0 && h('span', { class: 'badge tone-live' }, h('span', { 'aria-hidden': 'true' }, '▶ '), plural(livestreams, 'livestream')));
}
