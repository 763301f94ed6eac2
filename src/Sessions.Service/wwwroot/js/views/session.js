// #/sessions/{provider}/{id}: participants, connections, linked recordings and livestreams, artefacts, timeline.

import { ApiError, entityPath, get } from '../api.js';
import { h } from '../dom.js';
import { ago, between, duration, plural } from '../format.js';
import { badge } from '../status.js';
import { entityLink, facts, pageHeader, provider, section, table, timeline, when } from './common.js';

export default {
  title: ({ params }) => `Session ${params.id}`,

  async load({ params }, { signal }) {
    const session = await get(entityPath('sessions', params.provider, params.id), { signal });
    // The linked entities are few; their status makes the links worth following.
    const linked = (kind, ids) => Promise.all(ids.map((id) => get(entityPath(kind, session.provider, id), { signal })
      .catch((error) => {
        if (error instanceof ApiError && error.status === 404) return { id, missing: true };
        throw error;
      })));
    const [recordings, livestreams] = await Promise.all([linked('recordings', session.recordings ?? []), linked('livestreams', session.livestreams ?? [])]);
    return { session, recordings, livestreams };
  },

  relevant: (change, { params }) => change.provider === params.provider,

  render({ session, recordings, livestreams }) {
    const names = new Map((session.participants ?? []).map((p) => [p.id, p.name]));
    const participants = [...(session.participants ?? [])].sort((a, b) => Number(b.present) - Number(a.present) || (a.name ?? a.id).localeCompare(b.name ?? b.id));
    return h('div', { class: 'view view-session' },
      pageHeader({
        title: session.title ?? session.id,
        crumbs: [{ label: 'Sessions', href: session.status === 'ended' ? '#/sessions?status=ended' : '#/sessions' }],
        subtitle: h('span', null, provider(session.provider), ' ', h('code', { class: 'id' }, session.id)),
        badges: [badge('session', session.status)],
      }),
      h('div', { class: 'stat-row compact' },
        stat('Present', session.participantCount, 'present'),
        stat('Peak', session.peakParticipants, 'peak'),
        stat(session.status === 'ended' ? 'Lasted' : 'Age', duration(between(session.startedAt, session.endedAt)), 'age')),
      section('Details', {},
        facts([
          ['Started', when(session.startedAt)],
          ['Ended', session.endedAt && when(session.endedAt)],
          ['End reason', session.endReason === 'silent' ? 'silent: not heard from for Silence:SessionEndsAfter' : session.endReason],
          ['Organizer', session.organizer],
          ['Last event', ago(session.lastEventAt)],
          session.linkedSessions?.length > 0 && ['Linked sessions', h('span', { class: 'link-list' },
            session.linkedSessions.map((id) => entityLink('sessions', session.provider, id)))],
        ])),
      section('Participants', { count: participants.length, id: 'participants' },
        table({
          caption: 'Participants',
          rows: participants,
          empty: 'No participant has joined.',
          rowClass: (p) => (p.present ? null : 'is-muted'),
          columns: [
            { label: 'Name', cell: (p) => h('span', { class: 'title-cell' }, h('strong', null, p.name ?? 'unnamed'), h('code', { class: 'id' }, p.id)) },
            { label: 'Status', cell: (p) => h('span', { class: ['badge', p.present ? 'tone-ok' : 'tone-neutral'] }, p.present ? 'present' : 'left') },
            { label: 'Joined', cell: (p) => when(p.joinedAt) },
            { label: 'Left', cell: (p) => when(p.leftAt) },
          ],
        })),
      (session.connections?.length ?? 0) > 0 && section('Connections', { count: session.connections.length, id: 'connections' },
        table({
          caption: 'Connections',
          rows: session.connections,
          columns: [
            { label: 'Connection', cell: (c) => h('code', { class: 'id' }, c.id) },
            { label: 'Participant', cell: (c) => (c.participantId ? (names.get(c.participantId) ?? h('code', { class: 'id' }, c.participantId)) : h('span', { class: 'muted' }, '—')) },
            { label: 'State', cell: (c) => badge('connection', c.state) },
            { label: 'Since', cell: (c) => when(c.since) },
          ],
        })),
      section('Recordings', { count: recordings.length, id: 'recordings' },
        table({
          caption: 'Recordings of this session',
          rows: recordings,
          empty: 'No recording.',
          rowClass: (r) => (r.status === 'failed' ? 'is-failed' : null),
          columns: [
            { label: 'Recording', cell: (r) => entityLink('recordings', session.provider, r.id) },
            { label: 'Status', cell: (r) => (r.missing ? h('span', { class: 'muted' }, 'not seen yet') : badge('recording', r.status)) },
            { label: 'Length', cell: (r) => duration(r.durationMs) },
            { label: 'Note', cell: (r) => r.failureReason ?? (r.providerStatus ? h('span', { class: 'muted' }, r.providerStatus) : '') },
          ],
        })),
      section('Livestreams', { count: livestreams.length, id: 'livestreams' },
        table({
          caption: 'Livestreams of this session',
          rows: livestreams,
          empty: 'No livestream.',
          columns: [
            { label: 'Livestream', cell: (l) => entityLink('livestreams', session.provider, l.id) },
            { label: 'Status', cell: (l) => (l.missing ? h('span', { class: 'muted' }, 'not seen yet') : badge('livestream', l.status)) },
            { label: 'Targets', cell: (l) => plural(l.simulcastTargets?.length ?? 0, 'target') },
          ],
        })),
      (session.artefacts?.length ?? 0) > 0 && section('Artefacts', { count: session.artefacts.length },
        h('ul', { class: 'artefacts' }, session.artefacts.map((a) => h('li', null,
          h('span', { class: 'badge tone-neutral' }, a.kind), ' ',
          safeLink(a.url), ' ', h('span', { class: 'muted' }, ago(a.at)))))),
      section('Timeline', { count: session.timeline?.length ?? 0, id: 'timeline' }, timeline(session.timeline)));
  },
};

function stat(label, value, testId) {
  return h('div', { class: 'stat', 'data-testid': `session-${testId}` },
    h('span', { class: 'stat-label' }, label),
    h('span', { class: 'stat-value' }, String(value)));
}

/** An external link, only for http(s) URLs; anything else is shown as text. */
export function safeLink(url) {
  if (!url) return h('span', { class: 'muted' }, 'no link');
  let parsed;
  try {
    parsed = new URL(url);
  } catch {
    return h('code', null, url);
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return h('code', null, url);
  return h('a', { href: parsed.href, rel: 'noopener noreferrer', target: '_blank', class: 'external' }, `${parsed.host}${parsed.pathname}`);
}
