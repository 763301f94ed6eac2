// #/recordings/{provider}/{id}: one recording.

import { entityPath, get } from '../api.js';
import { h } from '../dom.js';
import { ago, bytes, duration } from '../format.js';
import { badge } from '../status.js';
import { facts, pageHeader, provider, section, sessionLink, sessionTitle, timeline, when } from './common.js';
import { safeLink } from './session.js';

export default {
  title: ({ params }) => `Recording ${params.id}`,

  async load({ params }, { signal }) {
    const recording = await get(entityPath('recordings', params.provider, params.id), { signal });
    return { ...recording, sessionTitle: await sessionTitle(recording.provider, recording.sessionId, signal) };
  },

  relevant: (change, { params }) => change.kind === 'recording' && change.provider === params.provider && change.id === params.id,

  render(r) {
    return h('div', { class: 'view view-recording' },
      pageHeader({
        title: r.id,
        titleClass: 'is-id',
        crumbs: [{ label: 'Recordings', href: '#/recordings' }],
        subtitle: h('span', null, provider(r.provider), r.providerStatus && h('span', { class: 'muted' }, ` provider status: ${r.providerStatus}`)),
        badges: [badge('recording', r.status)],
      }),
      r.status === 'failed' && h('div', { class: 'callout tone-bad', role: 'note' },
        h('strong', null, 'Failed: '), r.failureReason ?? 'the provider gave no reason.'),
      section('Details', {},
        facts([
          ['Session', r.sessionId && sessionLink(r.provider, r.sessionId, r.sessionTitle)],
          ['Started', when(r.startedAt)],
          ['Stopped', when(r.stoppedAt)],
          ['Length', r.durationMs === null ? null : duration(r.durationMs)],
          ['Size', r.sizeBytes === null ? null : bytes(r.sizeBytes)],
          ['Download', r.downloadUrl && safeLink(r.downloadUrl)],
          ['Link expires', r.downloadUrlExpiresAt && when(r.downloadUrlExpiresAt)],
          ['Last event', ago(r.lastEventAt)],
        ])),
      section('Timeline', { count: r.timeline?.length ?? 0 }, timeline(r.timeline)));
  },
};
