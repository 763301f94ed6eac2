// #/fleet: counts on top, the health chart, the servers that need attention, then every server by role and region.

import { get, getAll } from '../api.js';
import { h } from '../dom.js';
import { ago, plural } from '../format.js';
import { href } from '../router.js';
import { HEALTH_REASONS, badge, dot, severity } from '../status.js';
import { activityChart } from './activity-chart.js';
import { fleetChart } from './fleet-chart.js';
import { emptyText, listPath, pageHeader, provider, searchBar, section } from './common.js';

const NO_REGION = 'no region';
const NO_ROLE = 'no role yet';

export default {
  title: () => 'Fleet',

  async load(route, { signal }) {
    const [fleet, servers, history, activity] = await Promise.all([
      get('/api/fleet', { signal }),
      getAll(listPath('/api/servers', route.query), { pageSize: 500, signal }),
      get('/api/fleet/history', { signal }),
      get('/api/overview/history', { signal }),
    ]);
    return { fleet, servers: servers.items, history, activity };
  },

  relevant: (change) => change.kind === 'server',

  render({ fleet, servers, history, activity }, route, ctx) {
    const chart = fleetChart(history);
    const ingest = activityChart(activity, { key: 'eventsPerSecond', label: 'Events per second', format: (v) => v.toFixed(1) });
    const sessions = activityChart(activity, { key: 'activeSessions', label: 'Active sessions' });
    for (const c of [chart, ingest, sessions]) ctx.onDispose(c.dispose);
    const regions = Object.keys(fleet.byRegion ?? {}).length;
    return h('div', { class: 'view view-fleet' },
      pageHeader({
        title: 'Fleet',
        subtitle: fleet.total === 0
          ? 'No server has reported yet.'
          : `${plural(fleet.total, 'server')} in ${plural(regions, 'region')}, ${plural(Object.keys(fleet.byRole ?? {}).length, 'role')}.`,
      }),
      counts(fleet),
      h('div', { class: 'charts' },
        section('Health over time', { id: 'fleet-history' }, chart.node),
        section('Ingest rate', { id: 'ingest-history' }, ingest.node),
        section('Active sessions', { id: 'sessions-history' }, sessions.node)),
      attention(fleet),
      groups(servers, route.query, ctx.state));
  },
};

function counts(fleet) {
  const tile = (label, value, tone, testId) => h('div', { class: ['stat', tone && `tone-${tone}`], 'data-testid': testId },
    h('span', { class: 'stat-label' }, label),
    h('span', { class: 'stat-value' }, String(value ?? 0)));
  const byState = Object.entries(fleet.byState ?? {}).sort(([a], [b]) => a.localeCompare(b));
  return h('section', { class: 'stats', 'aria-label': 'Fleet counts' },
    h('div', { class: 'stat-row' },
      tile('Servers', fleet.total, null, 'count-total'),
      tile('Healthy', fleet.byHealth?.healthy, 'ok', 'count-healthy'),
      tile('Degraded', fleet.byHealth?.degraded, 'warn', 'count-degraded'),
      tile('Down', fleet.byHealth?.down, 'bad', 'count-down'),
      tile('Offline', fleet.byHealth?.offline, null, 'count-offline')),
    byState.length > 0 && h('p', { class: 'by-state' },
      h('span', { class: 'muted' }, 'By state: '),
      byState.map(([state, n]) => h('span', { class: 'chip', 'data-testid': `state-${state}` }, badge('server', state), ` ${n}`))));
}

function attention(fleet) {
  const list = [...(fleet.unhealthy ?? [])].sort(bySeverityThenRecent);
  if (list.length === 0) {
    const offline = fleet.byHealth?.offline ?? 0;
    return h('p', { class: 'all-good', role: 'status' }, fleet.total === 0
      ? 'No servers yet.'
      : offline === 0 ? `All ${plural(fleet.total, 'server')} are healthy.` : `No server is down or degraded (${offline} offline).`);
  }
  return section('Needs attention', { count: list.length, className: 'attention', id: 'needs-attention' },
    h('ul', { class: 'server-list' }, list.map((server) => serverRow(server, { showGroup: true }))));
}

function groups(servers, query, state) {
  const byGroup = new Map();
  for (const server of servers) {
    const key = `${server.role ?? NO_ROLE}\u0000${server.region ?? NO_REGION}`;
    if (!byGroup.has(key)) byGroup.set(key, { role: server.role ?? NO_ROLE, region: server.region ?? NO_REGION, servers: [] });
    byGroup.get(key).servers.push(server);
  }
  const list = [...byGroup.values()];
  for (const group of list) {
    group.servers.sort(bySeverityThenRecent);
    group.worst = severity(group.servers[0]?.health);
  }
  list.sort((a, b) => a.worst - b.worst || a.role.localeCompare(b.role) || a.region.localeCompare(b.region));

  return h('section', { class: 'groups-section', 'aria-labelledby': 'by-group' },
    h('h2', { id: 'by-group' }, 'By role and region'),
    searchBar('fleet', query, { items: servers, state, placeholder: 'Server id or machine name' }),
    list.length === 0
      ? h('p', { class: 'empty' }, emptyText(query, 'Servers appear here with their first webhook.'))
      : h('div', { class: 'groups' }, list.map(groupCard)));
}

function groupCard(group) {
  const tally = { down: 0, degraded: 0, healthy: 0, offline: 0 };
  for (const server of group.servers) tally[server.health] = (tally[server.health] ?? 0) + 1;
  const headingId = `group-${group.role}-${group.region}`.replace(/[^a-z0-9-]/gi, '_');
  return h('section', { class: ['card', 'group', group.worst === 0 && 'has-down', group.worst === 1 && 'has-degraded'], 'aria-labelledby': headingId },
    h('div', { class: 'card-head' },
      h('h3', { id: headingId }, group.role, h('span', { class: 'region' }, ` · ${group.region}`)),
      h('p', { class: 'tally' },
        plural(group.servers.length, 'server'),
        tally.down > 0 && h('span', { class: 'tally-bad' }, `, ${tally.down} down`),
        tally.degraded > 0 && h('span', { class: 'tally-warn' }, `, ${tally.degraded} degraded`),
        tally.offline > 0 && h('span', { class: 'muted' }, `, ${tally.offline} offline`))),
    h('ul', { class: 'server-list' }, group.servers.map((server) => serverRow(server, { showGroup: false }))));
}

function serverRow(server, { showGroup }) {
  const name = server.machineName ?? server.id;
  return h('li', { class: ['server', `health-${server.health}`], 'data-server': `${server.provider}/${server.id}` },
    dot('health', server.health),
    h('div', { class: 'server-main' },
      h('a', { href: href('servers', server.provider, server.id), class: 'server-name' }, name),
      h('span', { class: 'server-meta' },
        showGroup && `${server.role ?? NO_ROLE} · ${server.region ?? NO_REGION} · `,
        provider(server.provider))),
    h('div', { class: 'server-state' },
      badge('server', server.state),
      server.healthReason && server.health !== 'offline'
        && h('span', { class: 'reason', title: HEALTH_REASONS[server.healthReason] ?? server.healthReason }, server.healthReason),
      h('span', { class: 'since' }, server.healthReason === 'silent' ? 'last heard ' : 'changed ',
        ago(server.healthReason === 'silent' ? server.lastEventAt : server.since ?? server.lastEventAt))));
}

function bySeverityThenRecent(a, b) {
  return severity(a.health) - severity(b.health)
    || Date.parse(b.since ?? b.lastEventAt) - Date.parse(a.since ?? a.lastEventAt)
    || (a.machineName ?? a.id).localeCompare(b.machineName ?? b.id);
}
