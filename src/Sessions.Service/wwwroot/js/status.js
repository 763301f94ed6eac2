// Status words → a tone (ok / warn / bad / info / neutral). Badges always carry the word, so colour is never the only cue.

import { h } from './dom.js';

const TONES = {
  health: { healthy: 'ok', degraded: 'warn', down: 'bad', offline: 'neutral' },
  server: { registered: 'ok', started: 'info', unregistered: 'warn', stopped: 'bad' },
  session: { active: 'ok', ended: 'neutral' },
  recording: { pending: 'neutral', recording: 'info', stopped: 'neutral', uploading: 'info', ready: 'ok', failed: 'bad', expired: 'neutral' },
  livestream: { idle: 'neutral', preparing: 'info', connected: 'info', live: 'ok', disconnected: 'warn', disabled: 'neutral', deleted: 'neutral' },
  target: { idle: 'neutral', starting: 'info', broadcasting: 'ok', errored: 'bad', deleted: 'neutral' },
  connection: { initializing: 'info', connecting: 'info', connected: 'ok', failing: 'warn', closing: 'neutral', failed: 'bad', closed: 'neutral' },
  client: { registered: 'ok', unregistered: 'neutral' },
  outcome: { applied: 'ok', duplicate: 'neutral', stale: 'warn', ignored: 'neutral' },
  delivery: { pending: 'info', succeeded: 'ok', failed: 'bad' },
  subscription: { healthy: 'ok', new: 'neutral', failing: 'warn', disabled: 'bad' },
};

/** Every status word of a kind, in lifecycle order (for filters). */
export function words(kind) {
  return Object.keys(TONES[kind] ?? {});
}

export function tone(kind, word) {
  return TONES[kind]?.[word] ?? 'neutral';
}

/** <span class="badge tone-bad">failed</span> */
export function badge(kind, word, extra) {
  return h('span', { class: ['badge', `tone-${tone(kind, word)}`, extra] }, word ?? 'unknown');
}

/** A health dot with the word for screen readers and a tooltip. */
export function dot(kind, word) {
  return h('span', { class: ['dot', `tone-${tone(kind, word)}`], title: word, role: 'img', 'aria-label': word ?? 'unknown' });
}

/** Sort weight: the worst first (down, degraded, healthy, then offline: stopped cleanly, nothing to do). */
export function severity(healthWord) {
  return { down: 0, degraded: 1, healthy: 2, offline: 3 }[healthWord] ?? 4;
}

/** What a health reason means, for people: the words of the README. */
export const HEALTH_REASONS = {
  silent: 'not heard from for Fleet:SilentAfter',
  unregistered: 'left its gateway without stopping',
  notRegistered: 'started, not registered yet',
  stopped: 'stopped cleanly',
};
