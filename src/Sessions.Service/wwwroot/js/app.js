// The dashboard shell: sign-in state, hash routing, rendering, and refresh on live changes.

import { ApiError, followChanges, forgetKey, onUnauthorized, storedKey, storeKey } from './api.js';
import { h } from './dom.js';
import { clock, refreshRelativeTimes } from './format.js';
import { DEFAULT_HASH, parse } from './router.js';
import applications, { application } from './views/applications.js';
import client from './views/client.js';
import clients from './views/clients.js';
import fleet from './views/fleet.js';
import livestream from './views/livestream.js';
import livestreams from './views/livestreams.js';
import notifications from './views/notifications.js';
import recording from './views/recording.js';
import recordings from './views/recordings.js';
import server from './views/server.js';
import session from './views/session.js';
import sessions from './views/sessions.js';
import subscription from './views/subscription.js';
import { errorView, notFoundView } from './views/notfound.js';
import { signInView } from './views/signin.js';

const VIEWS = {
  fleet, server, sessions, session, recordings, recording, livestreams, livestream, clients, client, applications, application, notifications, subscription,
};

const REFRESH_QUIET_MS = 200; // a burst of changes becomes one refresh…
const REFRESH_MAX_WAIT_MS = 700; // …but a steady stream still refreshes within a second
const POLL_MS = 30_000; // the fleet chart's samples arrive without a change event

const main = document.getElementById('main');
const banner = document.getElementById('banner');
const indicator = document.getElementById('live');
const indicatorText = indicator.querySelector('.live-text');
const signOutButton = document.getElementById('sign-out');

/** The page on screen: its route, view, per-page state, loading flags and clean-ups. */
let current = null;
let live = null;
const pageStates = new Map();

function setLiveState({ state, retryInMs, error }) {
  indicator.dataset.state = state;
  const text = { connecting: 'Connecting…', live: 'Live', reconnecting: 'Reconnecting…' }[state] ?? state;
  if (indicatorText.textContent !== text) indicatorText.textContent = text;
  indicator.title = state === 'reconnecting'
    ? `Live updates interrupted${error?.message ? ` (${error.message})` : ''}; retrying in ${Math.ceil((retryInMs ?? 0) / 1000)} s.`
    : state === 'live' ? 'Following changes as they happen.' : 'Connecting to the live change stream.';
}

function showBanner(text) {
  if (!text) {
    banner.hidden = true;
    banner.replaceChildren();
    return;
  }
  banner.replaceChildren(h('span', null, text), ' ', h('button', { type: 'button', class: 'link-button', onclick: () => refresh() }, 'Retry now'));
  banner.hidden = false;
}

function disposePage(page) {
  if (!page) return;
  page.controller?.abort();
  clearInterval(page.poll);
  for (const dispose of page.disposers.splice(0)) dispose();
}

function updateNav(route) {
  for (const link of document.querySelectorAll('.main-nav a')) {
    const section = link.getAttribute('href').slice(2);
    if (section === route.section || (route.name === 'server' && section === 'fleet')) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
}

function navigate() {
  const route = parse(location.hash);
  if (route.name === 'home') {
    location.replace(DEFAULT_HASH);
    return;
  }
  const sameRoute = current && current.route.name === route.name && JSON.stringify(current.route.params) === JSON.stringify(route.params);
  disposePage(current);
  showBanner(null);
  updateNav(route);
  delete main.dataset.view;
  if (!sameRoute) window.scrollTo(0, 0);
  const view = VIEWS[route.name];
  if (!view) {
    current = null;
    document.title = 'Not found · Sessions';
    main.replaceChildren(notFoundView());
    main.dataset.view = 'notfound';
    focusTitle();
    return;
  }
  const key = location.hash;
  if (!pageStates.has(key)) pageStates.set(key, {});
  current = { route, view, state: pageStates.get(key), disposers: [], rendered: false, loading: false, again: false, focusOnRender: true };
  document.title = `${view.title(route)} · Sessions`;
  // Pages whose data moves without a change event poll: the fleet chart's samples, deliveries and their retries.
  const every = view === fleet ? POLL_MS : view.pollMs;
  if (every) current.poll = setInterval(() => refresh(), every);
  // A placeholder only when loading is slow enough to notice.
  const page = current;
  setTimeout(() => {
    if (current === page && !page.rendered && !page.failed) main.replaceChildren(h('p', { class: 'loading', role: 'status' }, 'Loading…'));
  }, 150);
  refresh();
}

/** Loads the current page's data and renders it; concurrent calls coalesce into one more load afterwards. */
async function refresh() {
  const page = current;
  if (!page) return;
  if (page.loading) {
    page.again = true;
    return;
  }
  page.loading = true;
  page.controller = new AbortController();
  main.setAttribute('aria-busy', 'true');
  try {
    const data = await page.view.load(page.route, { signal: page.controller.signal, state: page.state });
    if (page !== current) return;
    render(page, data);
    showBanner(null);
  } catch (error) {
    if (page !== current || error?.name === 'AbortError') return;
    if (error instanceof ApiError && error.status === 401) return; // signing out takes over
    if (!page.rendered) {
      // An answer faster than the placeholder's delay must not be covered by it afterwards.
      page.failed = true;
      main.replaceChildren(error instanceof ApiError && error.status === 404
        ? notFoundView(error.detail || error.message)
        : errorView('Could not load this page', error.message));
      main.dataset.view = error instanceof ApiError && error.status === 404 ? 'notfound' : 'error';
      focusTitle();
      page.focusOnRender = false;
    } else {
      showBanner(`Could not refresh (${error.message}). Showing what was loaded at ${clock(page.loadedAt)}.`);
    }
  } finally {
    page.loading = false;
    if (page === current) main.removeAttribute('aria-busy');
    if (page.again && page === current) {
      page.again = false;
      refresh();
    }
  }
}

function render(page, data) {
  // Keep keyboard focus on the same link or button across a refresh.
  const focused = main.contains(document.activeElement) ? focusKey(document.activeElement) : null;
  for (const dispose of page.disposers.splice(0)) dispose();
  const ctx = { state: page.state, refresh: () => refresh(), onDispose: (fn) => page.disposers.push(fn) };
  const node = page.view.render(data, page.route, ctx);
  main.replaceChildren(node);
  page.rendered = true;
  page.loadedAt = new Date().toISOString();
  // Tests (and anyone curious) can tell which view is on screen and when its data was loaded.
  main.dataset.view = page.route.name;
  main.dataset.loadedAt = page.loadedAt;
  if (page.focusOnRender) {
    page.focusOnRender = false;
    focusTitle();
  } else if (focused) {
    const again = [...main.querySelectorAll('a, button, input, select')].find((el) => focusKey(el) === focused);
    again?.focus({ preventScroll: true });
  }
}

function focusKey(el) {
  return `${el.tagName}|${el.getAttribute('href') ?? ''}|${el.id}|${el.textContent?.slice(0, 40)}`;
}

function focusTitle() {
  document.getElementById('page-title')?.focus({ preventScroll: false });
}

let refreshTimer = null;
let firstPendingAt = 0;

function scheduleRefresh() {
  const now = performance.now();
  if (refreshTimer === null) firstPendingAt = now;
  clearTimeout(refreshTimer);
  const wait = Math.max(0, Math.min(REFRESH_QUIET_MS, firstPendingAt + REFRESH_MAX_WAIT_MS - now));
  refreshTimer = setTimeout(() => {
    refreshTimer = null;
    refresh();
  }, wait);
}

function onChange(change) {
  if (!current) return;
  if (current.view.relevant && !current.view.relevant(change, current.route)) return;
  scheduleRefresh();
}

function signedIn() {
  document.body.classList.add('signed-in');
  signOutButton.hidden = false;
  indicator.hidden = false;
  live?.close();
  // Every (re)connection refreshes: what changed while the stream was down is on screen once it is back.
  live = followChanges({ onState: setLiveState, onReady: scheduleRefresh, onChange });
  window.addEventListener('hashchange', navigate);
  navigate();
}

function signOut(message) {
  live?.close();
  live = null;
  forgetKey();
  pageStates.clear();
  window.removeEventListener('hashchange', navigate);
  disposePage(current);
  current = null;
  document.body.classList.remove('signed-in');
  signOutButton.hidden = true;
  indicator.hidden = true;
  showBanner(null);
  updateNav({ section: null });
  document.title = 'Sign in · Sessions';
  main.dataset.view = 'signin';
  main.replaceChildren(signInView({
    message,
    onSignedIn: (key) => {
      storeKey(key);
      signedIn();
    },
  }));
  main.querySelector('#api-key')?.focus();
}

onUnauthorized(() => {
  if (current || live) signOut('The service no longer accepts this API key. Sign in again.');
});
signOutButton.addEventListener('click', () => signOut());
window.addEventListener('online', () => live?.retryNow());
setInterval(() => refreshRelativeTimes(main), 10_000);

if (storedKey()) {
  signedIn();
} else {
  signOut();
}
