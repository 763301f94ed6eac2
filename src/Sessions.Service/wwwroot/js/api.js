// The service's HTTP API: the key (kept in sessionStorage), JSON requests, and the live change stream.

import { createSseParser } from './sse.js';

const KEY_NAME = 'sessions.apiKey';

// The key for this page when sessionStorage is unavailable (and a cache of it when it is).
let memoryKey = null;

/** An API answer that was not 2xx; status 0 when the service could not be reached at all. */
export class ApiError extends Error {
  constructor(status, title, detail) {
    super(detail ? `${title}: ${detail}` : title);
    this.name = 'ApiError';
    this.status = status;
    this.title = title;
    this.detail = detail;
  }
}

let unauthorizedHandler = () => {};

/** Called when the service refuses the stored key (401) on any request after sign-in. */
export function onUnauthorized(handler) {
  unauthorizedHandler = handler;
}

export function storedKey() {
  try {
    return sessionStorage.getItem(KEY_NAME);
  } catch {
    return null; // storage disabled: the user signs in again on each load
  }
}

export function storeKey(key) {
  try {
    sessionStorage.setItem(KEY_NAME, key);
  } catch {
    // Without storage the key lives only in memory, for this page.
  }
  memoryKey = key;
}

export function forgetKey() {
  try {
    sessionStorage.removeItem(KEY_NAME);
  } catch {
    // nothing stored
  }
  memoryKey = null;
}

function currentKey() {
  return memoryKey ?? storedKey();
}

function headers(key, accept = 'application/json') {
  return { Accept: accept, Authorization: `Bearer ${key}` };
}

async function problem(response) {
  const fallback = `${response.status} ${response.statusText || 'error'}`.trim();
  try {
    const type = response.headers.get('content-type') ?? '';
    if (type.includes('json')) {
      const body = await response.json();
      return new ApiError(response.status, body.title ?? fallback, body.detail ?? '');
    }
  } catch {
    // not a problem document: keep the status line
  }
  return new ApiError(response.status, fallback, '');
}

/** Checks a key against the service without storing it; resolves when it is accepted, else throws ApiError. */
export async function checkKey(key, signal) {
  let response;
  try {
    response = await fetch('/api/overview', { headers: headers(key), cache: 'no-store', signal });
  } catch (error) {
    if (error.name === 'AbortError') throw error;
    throw new ApiError(0, 'Could not reach the service', error.message);
  }
  if (!response.ok) throw await problem(response);
}

/** A request to the API with the stored key; the answer's JSON (null when it has no body), else throws ApiError. */
async function request(method, path, { body, signal } = {}) {
  const key = currentKey();
  if (!key) {
    unauthorizedHandler();
    throw new ApiError(401, 'Not signed in', '');
  }
  const init = { method, headers: headers(key), cache: 'no-store', signal };
  if (body !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(path, init);
  } catch (error) {
    if (error.name === 'AbortError') throw error;
    throw new ApiError(0, 'Could not reach the service', error.message);
  }
  if (response.status === 401) {
    const error = await problem(response);
    unauthorizedHandler(error);
    throw error;
  }
  if (!response.ok) throw await problem(response);
  return response.status === 204 ? null : response.json();
}

/** GET a JSON document from the API with the stored key. */
export function get(path, { signal } = {}) {
  return request('GET', path, { signal });
}

/** POST (or another method) to the API with an optional JSON body: post('/api/subscriptions/x/test'). */
export function send(method, path, body) {
  return request(method, path, { body });
}

/** Every item of a paged list ({ items, nextCursor }), following cursors until `want` items or the end. */
export async function getAll(path, { want = Infinity, pageSize = 500, signal } = {}) {
  const items = [];
  let cursor = null;
  do {
    const url = new URL(path, location.origin);
    url.searchParams.set('limit', String(Math.min(pageSize, Math.max(1, want - items.length))));
    if (cursor) url.searchParams.set('cursor', cursor);
    const page = await get(url.pathname + url.search, { signal });
    items.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor && items.length < want);
  return { items, more: Boolean(cursor) };
}

/** "/api/sessions/{provider}/{id}" with both parts escaped. */
export function entityPath(kind, provider, id) {
  return `/api/${kind}/${encodeURIComponent(provider)}/${encodeURIComponent(id)}`;
}

const SILENCE_LIMIT_MS = 45_000; // the service sends a keep-alive comment every 15 s
const BACKOFF_START_MS = 500;
const BACKOFF_MAX_MS = 10_000;

/**
 * Follows GET /api/stream with fetch() and a ReadableStream, and reconnects by itself with exponential backoff
 * (0.5 s doubling to 10 s, with jitter) when the stream ends, fails, or goes silent for 45 s.
 *
 * onState({ state: 'connecting' | 'live' | 'reconnecting', retryInMs?, error? }) reports the connection;
 * onReady() fires on every (re)connection, once the service listens, so the caller can catch up on what it missed;
 * onChange(change) fires per change ({ kind, provider, id, status, at }).
 * Returns { close() }.
 */
export function followChanges({ onState, onReady, onChange }) {
  let closed = false;
  let controller = null;
  let wake = null;

  const sleep = (ms) => new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    wake = () => {
      clearTimeout(timer);
      resolve();
    };
  });

  async function connectOnce() {
    controller = new AbortController();
    const { signal } = controller;
    let silence = null;
    const arm = () => {
      clearTimeout(silence);
      silence = setTimeout(() => controller.abort(new DOMException('no data or keep-alive for 45 s', 'TimeoutError')), SILENCE_LIMIT_MS);
    };
    let ready = false;
    try {
      arm();
      const key = currentKey();
      const response = await fetch('/api/stream', { headers: headers(key ?? '', 'text/event-stream'), cache: 'no-store', signal });
      if (response.status === 401) {
        const error = await problem(response);
        closed = true;
        unauthorizedHandler(error);
        return { ready, error };
      }
      if (!response.ok || !response.body) {
        return { ready, error: await problem(response) };
      }
      const parser = createSseParser({
        onComment: arm,
        onEvent: (event) => {
          arm();
          if (event.type === 'ready') {
            ready = true;
            onState({ state: 'live' });
            onReady();
          } else if (event.type === 'change' || event.type === 'health') {
            // A health change (a server fell silent) moves no status, but the fleet view shows it: refresh as for a change.
            let change;
            try {
              change = JSON.parse(event.data);
            } catch {
              return; // a malformed event is skipped, the stream goes on
            }
            onChange(change);
          }
        },
      });
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        arm();
        parser.push(value);
      }
      return { ready, error: new Error('the service closed the stream') };
    } catch (error) {
      return { ready, error };
    } finally {
      clearTimeout(silence);
      controller.abort();
    }
  }

  (async () => {
    let failures = 0;
    onState({ state: 'connecting' });
    while (!closed) {
      const { ready, error } = await connectOnce();
      if (closed) break;
      failures = ready ? 1 : failures + 1;
      const base = Math.min(BACKOFF_MAX_MS, BACKOFF_START_MS * 2 ** (failures - 1));
      const delay = Math.round(base * (0.75 + Math.random() * 0.5));
      onState({ state: 'reconnecting', retryInMs: delay, error });
      await sleep(delay);
    }
  })().catch((error) => onState({ state: 'reconnecting', error }));

  return {
    close() {
      closed = true;
      controller?.abort();
      wake?.();
    },
    /** Skips the remaining backoff (e.g. when the browser comes back online). */
    retryNow() {
      wake?.();
    },
  };
}
