// Reading the nq57 JSON API. Failures become an ApiError whose `kind` says
// what went wrong: 'network' (no answer), 'http' (an error status; `status`
// and the server's `code`/`message` from its error shape), or 'invalid'
// (an answer that is not the JSON expected).

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
    throw new ApiError('http', err.message || `HTTP ${res.status}`, { status: res.status, code: err.code || '' });
  }
  if (body === null || typeof body !== 'object') throw new ApiError('invalid', 'response is not a JSON object');
  return body;
}
