// The sign-in form: checks the key against the service before keeping it.

import { ApiError, checkKey } from '../api.js';
import { h } from '../dom.js';

/** Renders the form; calls onSignedIn(key) once the service accepts the key. */
export function signInView({ message, onSignedIn }) {
  const input = h('input', {
    id: 'api-key', name: 'key', type: 'password', required: true, autocomplete: 'off', spellcheck: 'false',
    autocapitalize: 'off', 'aria-describedby': 'api-key-help',
  });
  const error = h('p', { id: 'signin-error', class: 'form-error', role: 'alert' });
  const notice = message ? h('p', { class: 'callout tone-warn', role: 'status' }, message) : null;
  const button = h('button', { type: 'submit', class: 'button primary' }, 'Sign in');

  function showError(text, detail) {
    error.replaceChildren(h('strong', null, text), detail ? h('span', { class: 'detail' }, ` ${detail}`) : null);
    input.setAttribute('aria-invalid', 'true');
    input.setAttribute('aria-describedby', 'signin-error api-key-help');
    input.focus();
    input.select();
  }

  async function submit(event) {
    event.preventDefault();
    const key = input.value.trim();
    if (!key) {
      showError('Enter an API key.');
      return;
    }
    button.disabled = true;
    button.textContent = 'Checking…';
    error.replaceChildren();
    try {
      await checkKey(key);
      onSignedIn(key);
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) {
        showError('This API key was not accepted.', 'Check it for typos, or ask whoever runs the service for a current key.');
      } else if (e instanceof ApiError && e.status === 0) {
        showError('The service could not be reached.', 'Is it running? Try again in a moment.');
      } else {
        showError('Signing in failed.', e instanceof ApiError ? e.message : String(e));
      }
    } finally {
      button.disabled = false;
      button.textContent = 'Sign in';
    }
  }

  return h('div', { class: 'view view-signin' },
    h('section', { class: 'card signin', 'aria-labelledby': 'page-title' },
      h('h1', { id: 'page-title', tabindex: '-1' }, 'Sign in'),
      notice,
      h('form', { onsubmit: submit, novalidate: true },
        h('label', { for: 'api-key' }, 'API key'),
        input,
        h('p', { id: 'api-key-help', class: 'help' },
          'One of the service\'s ', h('code', null, 'Api:Keys'), '. With none configured, the service generates a key at first start, prints it in its log and keeps it in ',
          h('code', null, 'data/api-key'), '. The key stays in this browser tab only.'),
        error,
        button)));
}
