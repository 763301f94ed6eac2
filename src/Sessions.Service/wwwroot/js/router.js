// Hash routes: #/fleet, #/servers/{provider}/{id}, #/sessions?status=ended, #/sessions/{provider}/{id},
// #/clients/{provider}/{id}, #/applications/{id}, …

const ROUTES = [
  { name: 'fleet', pattern: ['fleet'] },
  { name: 'server', pattern: ['servers', ':provider', ':id'] },
  { name: 'sessions', pattern: ['sessions'] },
  { name: 'session', pattern: ['sessions', ':provider', ':id'] },
  { name: 'recordings', pattern: ['recordings'] },
  { name: 'recording', pattern: ['recordings', ':provider', ':id'] },
  { name: 'livestreams', pattern: ['livestreams'] },
  { name: 'livestream', pattern: ['livestreams', ':provider', ':id'] },
  { name: 'clients', pattern: ['clients'] },
  { name: 'client', pattern: ['clients', ':provider', ':id'] },
  { name: 'applications', pattern: ['applications'] },
  { name: 'application', pattern: ['applications', ':id'] },
  { name: 'notifications', pattern: ['notifications'] },
  { name: 'subscription', pattern: ['notifications', ':id'] },
];

export const DEFAULT_HASH = '#/fleet';

/** The route of a location hash: { name, params, query, section } (section: the top-level nav item). */
export function parse(hash) {
  const raw = hash.replace(/^#\/?/, '');
  const [path, search = ''] = raw.split('?');
  const parts = path.split('/').filter(Boolean);
  const query = Object.fromEntries(new URLSearchParams(search));
  for (const route of ROUTES) {
    if (route.pattern.length !== parts.length) continue;
    const params = {};
    let match = true;
    route.pattern.forEach((segment, i) => {
      let value;
      try {
        value = decodeURIComponent(parts[i]);
      } catch {
        value = parts[i];
      }
      if (segment.startsWith(':')) params[segment.slice(1)] = value;
      else if (segment !== value) match = false;
    });
    if (match) return { name: route.name, params, query, section: route.pattern[0] };
  }
  return { name: parts.length === 0 ? 'home' : 'notfound', params: {}, query, section: null };
}

/** The hash of an entity page: href('sessions', 'dyte', 'a7e3…'). */
export function href(section, provider, id) {
  return `#/${section}/${encodeURIComponent(provider)}/${encodeURIComponent(id)}`;
}

/** The hash of a list with a query: listHref('sessions', { status: 'ended' }). */
export function listHref(section, query = {}) {
  const search = new URLSearchParams(Object.entries(query).filter(([, v]) => v !== undefined && v !== null && v !== ''));
  const text = search.toString();
  return text ? `#/${section}?${text}` : `#/${section}`;
}
