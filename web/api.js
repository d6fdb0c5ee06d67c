// Reading the nq57 JSON API. Failures become an ApiError whose `kind` says
// what went wrong: 'network' (no answer), 'http' (an error status; `status`
// and the server's `code`/`message` from its error shape), or 'invalid'
// (an answer that is not the JSON expected).

import { MESSAGES, loadLang, translator } from './i18n.js';
import { fields as FIELDS } from './i18n/errors.js';

// A server message {template, params} in the reader's language: the
// catalogue's text for the template with {0}, {1}, ... replaced by the
// parameters (an inner message is said the same way). null when the
// catalogue does not know the template.
export function sayMessage(m, lang = loadLang()) {
  const entry = m && MESSAGES[m.template];
  if (!entry || !entry[lang]) return null;
  const label = (p) => FIELDS[lang]?.[p] ?? String(p);
  const params = (m.params || []).map((p) => (p && typeof p === 'object' ? sayMessage(p, lang) ?? '…' : label(p)));
  return entry[lang].replace(/\{(\d+)\}/g, (_, i) => params[Number(i)] ?? '');
}

// What a person reads for an error answer: the catalogue's text in the
// reader's language, else (in English) the server's own message, else a
// sentence for the error's code.
function errorText(err, status) {
  const lang = loadLang();
  const said = sayMessage(err, lang);
  if (said) return said;
  if (lang === 'en' && err.message && status < 500) return err.message;
  const t = translator(lang);
  const key = `error.code.${err.code || (status >= 500 ? 'internal' : 'invalid')}`;
  const text = t(key);
  return text === key ? t('error.code.invalid') : text;
}

export class ApiError extends Error {
  constructor(kind, message, { status = 0, code = '' } = {}) {
    super(message);
    this.name = 'ApiError';
    this.kind = kind;
    this.status = status;
    this.code = code;
  }
}

export async function apiGet(path, { signal } = {}) {
  let res;
  try {
    res = await fetch(path, { headers: { Accept: 'application/json' }, signal, cache: 'no-store' });
  } catch (e) {
    if (e.name === 'AbortError') throw e;
    throw new ApiError('network', e.message);
  }
  let body = null;
  try {
    body = await res.json();
  } catch {
    body = null;
  }
  if (!res.ok) {
    const err = body && body.error ? body.error : {};
    throw new ApiError('http', errorText(err, res.status), { status: res.status, code: err.code || '' });
  }
  if (body === null || typeof body !== 'object') throw new ApiError('invalid', 'response is not a JSON object');
  return body;
}

// Writes (and reads that may be refused): sends JSON or text, the session's
// CSRF token on anything but GET, and turns the error shape into an
// ApiError carrying `details` (e.g. the bad rows of an import) and
// `retryAfter` (seconds, on 429).
export async function apiSend(method, path, body, { csrf, contentType = 'application/json' } = {}) {
  const headers = { Accept: 'application/json' };
  if (csrf && method !== 'GET') headers['X-CSRF-Token'] = csrf;
  let payload;
  if (body !== undefined) {
    headers['Content-Type'] = contentType;
    payload = contentType === 'application/json' ? JSON.stringify(body) : body;
  }
  let res;
  try {
    res = await fetch(path, { method, headers, body: payload, credentials: 'same-origin', cache: 'no-store' });
  } catch (e) {
    throw new ApiError('network', e.message);
  }
  let data = null;
  try {
    data = await res.json();
  } catch {
    data = null;
  }
  if (!res.ok) {
    const err = data && data.error ? data.error : {};
    const e = new ApiError('http', errorText(err, res.status), { status: res.status, code: err.code || '' });
    e.details = err.details || [];
    e.retryAfter = Number(res.headers.get('retry-after')) || 0;
    throw e;
  }
  return data;
}
