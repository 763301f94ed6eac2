// Building blocks shared by the views: page headers, sections, fact lists, tables, timelines, filters.

import { h } from '../dom.js';
import { ago, clock, stamp } from '../format.js';
import { href } from '../router.js';
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

/** An entity's timeline, oldest first, as the API keeps it. */
export function timeline(entries) {
  if (!entries || entries.length === 0) {
    return h('p', { class: 'empty' }, 'No events yet.');
  }
  return h('ol', { class: 'timeline' },
    entries.map((e) => h('li', { class: ['timeline-entry', e.outcome !== 'applied' && 'is-muted'] },
      h('time', { datetime: e.at, title: stamp(e.at) }, clock(e.at)),
      h('code', { class: 'event-type' }, e.type),
      e.outcome !== 'applied' && badge('outcome', e.outcome))));
}

/** A link to an entity page, showing `text` (the id by default). */
export function entityLink(sectionName, provider, id, text) {
  return h('a', { href: href(sectionName, provider, id), class: 'entity-link' }, text ?? id);
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
