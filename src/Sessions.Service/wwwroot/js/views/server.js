// #/servers/{provider}/{id}: one server, its facts and its timeline.

import { entityPath, get } from '../api.js';
import { h } from '../dom.js';
import { ago } from '../format.js';
import { badge } from '../status.js';
import { facts, pageHeader, provider, section, timeline, when } from './common.js';

export default {
  title: ({ params }) => `Server ${params.id}`,

  load: ({ params }, { signal }) => get(entityPath('servers', params.provider, params.id), { signal }),

  relevant: (change, { params }) => change.kind === 'server' && change.provider === params.provider && change.id === params.id,

  render(server) {
    return h('div', { class: 'view view-server' },
      pageHeader({
        title: server.machineName ?? server.id,
        crumbs: [{ label: 'Fleet', href: '#/fleet' }],
        subtitle: h('span', null, provider(server.provider), ' ', h('code', { class: 'id' }, server.id)),
        badges: [badge('health', server.health), badge('server', server.state)],
      }),
      section('Details', {},
        facts([
          ['Role', server.role],
          ['Region', server.region],
          ['State since', server.since && h('span', null, ago(server.since), ' · ', when(server.since))],
          ['Last event', h('span', null, ago(server.lastEventAt), ' · ', when(server.lastEventAt))],
          ['First seen', when(server.firstSeenAt)],
          ['Starts seen', String(server.incarnation)],
          ['Version', server.version],
          ['Deployment', server.deploymentId],
          ['Cores', server.coreCount],
          ['Operating system', [server.operatingSystem, server.operatingSystemVersion].filter(Boolean).join(' ') || null],
        ])),
      section('Timeline', { count: server.timeline?.length ?? 0 }, timeline(server.timeline)));
  },
};
