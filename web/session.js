// Who is signed in. The session cookie is HttpOnly, so the page keeps only
// a hint that it signed in (to ask the server on reload without a 401 for
// everyone else) and the CSRF token it must send with every write.
import { useCallback, useEffect, useState } from './ui.js';
import { apiSend } from './api.js';

const HINT_KEY = 'nq57.signedIn';

function hint(on) {
  try {
    if (on) localStorage.setItem(HINT_KEY, '1');
    else localStorage.removeItem(HINT_KEY);
  } catch { /* storage disabled: the session lasts for this page only */ }
}

function hinted() {
  try { return localStorage.getItem(HINT_KEY) === '1'; } catch { return false; }
}

// Returns { me, ready, signIn(login, password), signOut(), send(method, path, body, opts), reload(), isAdmin }.
// `me` is { person, grants, must_change_password, csrf_token } or null.
export function useSession() {
  const [me, setMe] = useState(null);
  const [ready, setReady] = useState(!hinted());

  useEffect(() => {
    if (!hinted()) return;
    apiSend('GET', '/api/v1/session')
      .then((data) => setMe(data))
      .catch(() => { hint(false); setMe(null); })
      .finally(() => setReady(true));
  }, []);

  const signIn = useCallback(async (login, password) => {
    const data = await apiSend('POST', '/api/v1/session', { login, password });
    hint(true);
    setMe(data);
    return data;
  }, []);

  const signOut = useCallback(async () => {
    try {
      await apiSend('DELETE', '/api/v1/session', undefined, { csrf: me?.csrf_token });
    } finally {
      hint(false);
      setMe(null);
    }
  }, [me]);

  // A write as the signed-in person; a 401 means the session ended.
  const send = useCallback(async (method, path, body, opts = {}) => {
    try {
      return await apiSend(method, path, body, { ...opts, csrf: me?.csrf_token });
    } catch (e) {
      if (e.status === 401) { hint(false); setMe(null); }
      throw e;
    }
  }, [me]);

  // Reads the session again (after the person changed something about it,
  // such as a password they had to change).
  const reload = useCallback(async () => {
    const data = await apiSend('GET', '/api/v1/session');
    setMe(data);
    return data;
  }, []);

  const isAdmin = !!me?.grants?.some((g) => g.role === 'admin');
  return { me, ready, signIn, signOut, send, reload, isAdmin };
}
