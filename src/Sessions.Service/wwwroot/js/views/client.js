// #/clients/{provider}/{id}: one client, its user, device and software, and its timeline.

import { entityPath, get } from '../api.js';
import { h } from '../dom.js';
import { ago } from '../format.js';
import { badge } from '../status.js';
import { facts, idText, pageHeader, provider, section, timeline, when } from './common.js';

export default {
  title: ({ params }) => `Client ${params.id}`,

  load: ({ params }, { signal }) => get(entityPath('clients', params.provider, params.id), { signal }),

  relevant: (change, { params }) => change.kind === 'client' && change.provider === params.provider && change.id === params.id,

  render(c) {
    return h('div', { class: 'view view-client' },
      pageHeader({
        title: c.userAlias ?? c.id,
        crumbs: [{ label: 'Clients', href: '#/clients' }],
        subtitle: h('span', null, provider(c.provider), ' ', idText(c.id)),
        badges: [badge('client', c.status)],
      }),
      section('Details', {},
        facts([
          ['Application', c.applicationId && h('a', { href: `#/applications/${encodeURIComponent(c.applicationId)}` }, c.applicationId)],
          ['Status since', c.since && h('span', null, ago(c.since), ' · ', when(c.since))],
          ['Unregistered by', c.unregisterReason === 'silent' ? 'silence: not heard from for Silence:ClientUnregistersAfter' : c.unregisterReason],
          ['Last event', h('span', null, ago(c.lastEventAt), ' · ', when(c.lastEventAt))],
          ['First seen', when(c.firstSeenAt)],
          ['User', [c.userAlias, c.userId && `(${c.userId})`].filter(Boolean).join(' ') || null],
          ['Device', [c.deviceAlias, c.deviceId && `(${c.deviceId})`].filter(Boolean).join(' ') || null],
          ['Tag', c.tag],
          ['Region', c.region],
          ['Roles', c.roles?.length > 0 && c.roles.join(', ')],
          ['Protocol', c.protocol],
          ['Version', c.version],
          ['Operating system', c.operatingSystem],
        ])),
      section('Timeline', { count: c.timeline?.length ?? 0 }, timeline(c.timeline)));
  },
};
