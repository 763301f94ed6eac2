// #/livestreams/{provider}/{id}: one livestream, its settings and simulcast targets.

import { entityPath, get } from '../api.js';
import { h } from '../dom.js';
import { ago } from '../format.js';
import { badge } from '../status.js';
import { facts, pageHeader, provider, section, sessionLink, sessionTitle, table, timeline, when } from './common.js';

export default {
  title: ({ params }) => `Livestream ${params.id}`,

  async load({ params }, { signal }) {
    const livestream = await get(entityPath('livestreams', params.provider, params.id), { signal });
    return { ...livestream, sessionTitle: await sessionTitle(livestream.provider, livestream.sessionId, signal) };
  },

  relevant: (change, { params }) => change.kind === 'livestream' && change.provider === params.provider && change.id === params.id,

  render(l) {
    const settings = l.settings ?? {};
    return h('div', { class: 'view view-livestream' },
      pageHeader({
        title: l.id,
        titleClass: 'is-id',
        crumbs: [{ label: 'Livestreams', href: '#/livestreams' }],
        subtitle: h('span', null, provider(l.provider), l.providerStatus && h('span', { class: 'muted' }, ' provider status: ', h('code', null, l.providerStatus))),
        badges: [badge('livestream', l.status)],
      }),
      section('Details', {},
        facts([
          ['Session', l.sessionId && sessionLink(l.provider, l.sessionId, l.sessionTitle)],
          ['Max resolution', settings.maxResolution],
          ['Reconnect window', settings.reconnectWindowSeconds !== null && settings.reconnectWindowSeconds !== undefined ? `${settings.reconnectWindowSeconds} s` : null],
          ['Recorded', settings.recording === null || settings.recording === undefined ? null : (settings.recording ? 'yes' : 'no')],
          ['Assets', l.assets?.length > 0 ? l.assets.join(', ') : null],
          ['Last event', ago(l.lastEventAt)],
        ])),
      section('Simulcast targets', { count: l.simulcastTargets?.length ?? 0, id: 'targets' },
        table({
          caption: 'Simulcast targets',
          rows: l.simulcastTargets ?? [],
          empty: 'No simulcast target.',
          rowClass: (t) => (t.status === 'errored' ? 'is-failed' : null),
          columns: [
            { label: 'Target', cell: (t) => h('code', { class: 'id' }, t.id) },
            { label: 'State', cell: (t) => badge('target', t.status) },
            { label: 'Pushes to', cell: (t) => (t.url ? h('code', { class: 'id' }, t.url) : h('span', { class: 'muted' }, '—')) },
            { label: 'Since', cell: (t) => when(t.since) },
          ],
        })),
      section('Timeline', { count: l.timeline?.length ?? 0 }, timeline(l.timeline)));
  },
};
