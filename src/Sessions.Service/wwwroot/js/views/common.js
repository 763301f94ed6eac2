// Building blocks shared by the views: page headers, sections, fact lists, tables, timelines, filters.

import { ApiError, entityPath, get } from '../api.js';
import { h } from '../dom.js';
import { ago, clockWithDay, shortId, stamp } from '../format.js';
import { href, listHref } from '../router.js';
import { badge } from '../status.js';

/** The page's h1 (focused after navigation) with optional breadcrumbs, a subtitle and badges. */
export function pageHeader({ title, crumbs = [], subtitle, badges = [], titleClass }) {
  return h('header', { class: 'page-header' },
    crumbs.length > 0 && h('nav', { class: 'crumbs', 'aria-label': 'Breadcrumb' },
      h('ol', null, crumbs.map((c) => h('li', null, h('a', { href: c.href }, c.label))))),
    h('div', { class: 'page-title-row' },
      h('h1', { id: 'page-title', tabindex: '-1', class: titleClass }, title),
      badges.length > 0 && h('div', { class: 'badges' }, badges)),
    subtitle && h('p', { class: 'page-subtitle' }, subtitle));
}

let sectionIds = 0;

/** A titled region: <section aria-labelledby> with an h2 (and an optional count beside it). */
export function section(title, { count, id, className, actions } = {}, ...children) {
  const headingId = id ?? `section-${++sectionIds}`;
  return h('section', { class: ['card', className], 'aria-labelledby': headingId },
    h('div', { class: 'card-head' },
      h('h2', { id: headingId }, title, count !== undefined && h('span', { class: 'count' }, String(count))),
      actions),
    children);
}

/** A definition list of [label, value] pairs; pairs without a value (null, undefined, '', false) are left out. */
export function facts(pairs) {
  const known = pairs.filter((pair) => pair && pair[1] !== null && pair[1] !== undefined && pair[1] !== '' && pair[1] !== false);
  return h('dl', { class: 'facts' },
    known.map(([label, value]) => h('div', { class: 'fact' }, h('dt', null, label), h('dd', null, value))));
}

/** A time cell: the local timestamp, with the ISO instant machine-readable. */
export function when(iso) {
  return iso ? h('time', { datetime: iso }, stamp(iso)) : h('span', { class: 'muted' }, '—');
}

/**
 * A table that becomes a stack of cards at phone width (each cell labelled by its column, via data-label).
 * columns: [{ label, cell: (row) => Node | string, className }]; rowClass(row) adds a class per row.
 */
export function table({ caption, columns, rows, rowClass, empty = 'Nothing to show.', className }) {
  if (rows.length === 0) {
    return h('p', { class: 'empty' }, empty);
  }
  return h('div', { class: 'table-wrap' },
    h('table', { class: ['data', className] },
      caption && h('caption', { class: 'visually-hidden' }, caption),
      h('thead', null, h('tr', null, columns.map((c) => h('th', { scope: 'col', class: c.className }, c.label)))),
      h('tbody', null, rows.map((row) => h('tr', { class: rowClass?.(row) },
        columns.map((c) => h('td', { 'data-label': c.label, class: c.className }, c.cell(row))))))));
}

/** An entity's timeline, oldest first, as the API keeps it: the date where it is not today, and what each entry concerns. */
export function timeline(entries) {
  if (!entries || entries.length === 0) {
    return h('p', { class: 'empty' }, 'No events yet.');
  }
  return h('ol', { class: 'timeline' },
    entries.map((e) => h('li', { class: ['timeline-entry', e.outcome !== 'applied' && 'is-muted'] },
      h('time', { datetime: e.at, title: stamp(e.at) }, clockWithDay(e.at)),
      h('code', { class: 'event-type' }, e.type),
      e.subject && subject(e.subject),
      e.outcome !== 'applied' && badge('outcome', e.outcome))));
}

const SUBJECT_WORDS = { simulcastTarget: 'simulcast target' };

/** "participant Grace Hopper", "connection 3f2a9c1b… of p-7", "recording rec-9". */
function subject({ kind, id, name }) {
  const word = SUBJECT_WORDS[kind] ?? kind;
  return h('span', { class: 'timeline-subject', 'data-subject': kind },
    h('span', { class: 'muted' }, `${word} `),
    kind === 'participant' && name ? h('span', { title: id }, name) : h('code', { class: 'id', title: id }, shortId(id)),
    kind === 'connection' && name && h('span', { class: 'muted' }, ' of ', h('code', { class: 'id', title: name }, shortId(name))));
}

/** A link to an entity page, showing `text` (the id by default; the full id on hover when the text is another). */
export function entityLink(sectionName, provider, id, text) {
  return h('a', { href: href(sectionName, provider, id), class: 'entity-link', title: text && text !== id ? id : null }, text ?? id);
}

/** A link to a session: its title when it has one, else its id shortened. */
export function sessionLink(providerName, id, title) {
  return title ? entityLink('sessions', providerName, id, title) : h('span', { class: 'id-cell' }, entityLink('sessions', providerName, id, shortId(id)));
}

/** The title of a session (a recording's or livestream's page names its session by it); null when none or never seen. */
export async function sessionTitle(providerName, id, signal) {
  if (!id) return null;
  try {
    return (await get(entityPath('sessions', providerName, id), { signal })).title ?? null;
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) return null;
    throw error;
  }
}

/** A row of filter links (aria-current on the chosen one), each with an optional count. */
export function filterBar(label, options, current) {
  return h('nav', { class: 'filters', 'aria-label': label },
    h('ul', null, options.map((o) => h('li', null,
      h('a', { href: o.href, class: 'filter', 'aria-current': o.value === current ? 'true' : null },
        o.label, o.count !== undefined && h('span', { class: 'count' }, String(o.count)))))));
}

/** "Showing 100 of more" with a button that asks for the next page. */
export function showMore(shown, more, onMore) {
  if (!more) {
    return null;
  }
  return h('div', { class: 'show-more' },
    h('button', { type: 'button', class: 'button', onclick: onMore }, `Show more (${shown} shown)`));
}

/** The provider as a small label. */
export function provider(name) {
  return h('span', { class: 'provider' }, name);
}

/** The providers built into the service; a list also offers every other provider it shows (standard-webhook senders). */
const PROVIDERS = ['dyte', 'eyeson', 'fastpix', 'liveswitch'];

/** The API path of a list: `base` with the route's provider and search text, and `filters` (unset values left out). */
export function listPath(base, query, filters = {}) {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries({ ...filters, provider: query.provider, q: query.q })) {
    if (value) params.set(name, value);
  }
  const text = params.toString();
  return text ? `${base}?${text}` : base;
}

/**
 * A search box (the API's `q`) and a provider filter above a list. Submitting, or choosing a provider, moves to the
 * list's hash with them, keeping the route's other filters. What is typed but not submitted survives live refreshes.
 */
export function searchBar(sectionName, query, { items = [], state, placeholder }) {
  const providers = [...new Set([...PROVIDERS, ...items.map((x) => x.provider), query.provider].filter(Boolean))].sort();
  const input = h('input', {
    type: 'search', id: 'list-q', name: 'q', value: state.draft ?? query.q ?? '', placeholder, autocomplete: 'off',
    oninput: (e) => { state.draft = e.target.value; },
  });
  const select = h('select', { id: 'list-provider', name: 'provider' },
    h('option', { value: '' }, 'All providers'),
    providers.map((p) => h('option', { value: p, selected: p === query.provider }, p)));
  const go = () => {
    state.draft = undefined;
    location.hash = listHref(sectionName, { ...query, q: input.value.trim(), provider: select.value });
  };
  select.addEventListener('change', go);
  return h('form', { class: 'list-search', role: 'search', 'aria-label': 'Search this list', onsubmit: (e) => { e.preventDefault(); go(); } },
    h('label', { for: 'list-q', class: 'visually-hidden' }, 'Search'),
    input,
    h('label', { for: 'list-provider', class: 'visually-hidden' }, 'Provider'),
    select,
    h('button', { type: 'submit', class: 'button' }, 'Search'),
    (query.q || query.provider) && h('a', { class: 'filter-clear', href: listHref(sectionName, { ...query, q: null, provider: null }) }, 'Clear'));
}

/** What a filtered list says when it is empty, or `empty` when nothing narrows it. */
export function emptyText(query, empty) {
  return query.q || query.provider ? 'Nothing matches this search.' : empty;
}

/** A long id shortened, the full id on hover, and a button that copies it. */
export function idText(id) {
  return h('span', { class: 'id-cell' },
    h('code', { class: 'id', title: id }, shortId(id)),
    copyButton(id));
}

/** A link to an entity in a list: the id shortened (the full id on hover) and a copy button. */
export function idLink(sectionName, providerName, id) {
  return h('span', { class: 'id-cell' }, entityLink(sectionName, providerName, id, shortId(id)), copyButton(id));
}

/** A small button that puts `text` on the clipboard and says so. */
export function copyButton(text) {
  const button = h('button', { type: 'button', class: 'copy', title: 'Copy the full id', 'aria-label': `Copy ${text}` }, 'Copy');
  button.addEventListener('click', async () => {
    try {
      await navigator.clipboard.writeText(text);
      button.textContent = 'Copied';
    } catch {
      button.textContent = 'Press Ctrl+C';
      getSelection()?.selectAllChildren(button.previousElementSibling);
    }
    setTimeout(() => { button.textContent = 'Copy'; }, 1500);
  });
  return button;
}

/**
 * A subscription's health: disabled (and why), failing (since when), healthy (last success) or new (nothing delivered
 * yet); { word, node } with the node a badge and its detail.
 */
export function health(subscription) {
  const [word, detail] = subscription.disabled
    ? ['disabled', subscription.disabledReason ?? 'disabled by a user']
    : subscription.failingSince
      ? ['failing', ['failing since ', ago(subscription.failingSince)]]
      : subscription.lastSuccessAt
        ? ['healthy', ['last success ', ago(subscription.lastSuccessAt)]]
        : ['new', 'nothing delivered yet'];
  return { word, node: h('span', { class: 'status-cell' }, badge('subscription', word), h('span', { class: 'muted small' }, detail)) };
}
