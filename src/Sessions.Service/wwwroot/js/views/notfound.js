// Pages that do not exist, and entities the service has not seen.

import { h } from '../dom.js';

export function notFoundView(detail) {
  return h('div', { class: 'view view-notfound' },
    h('header', { class: 'page-header' }, h('h1', { id: 'page-title', tabindex: '-1' }, 'Not found')),
    h('div', { class: 'card' },
      h('p', null, detail ?? 'There is no such page.'),
      h('p', null, h('a', { href: '#/fleet' }, 'Go to the fleet'), ' · ', h('a', { href: '#/sessions' }, 'Sessions'))));
}

export function errorView(title, detail) {
  return h('div', { class: 'view view-error' },
    h('header', { class: 'page-header' }, h('h1', { id: 'page-title', tabindex: '-1' }, title)),
    h('div', { class: 'callout tone-bad', role: 'alert' }, detail));
}
