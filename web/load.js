// Loading what a view shows: useLoad(path, deps) GETs path (again when a
// dep changes, or when the returned reload() is called) and answers
// [data, error message, reload, HTTP status]; a request the view no longer
// needs is aborted. A null path loads nothing.
import { useEffect, useState } from './ui.js';
import { apiGet } from './api.js';

export function useLoad(path, deps = []) {
  const [state, setState] = useState({ data: null, error: '' });
  const [tick, setTick] = useState(0);
  useEffect(() => {
    if (!path) return undefined;
    const ctl = new AbortController();
    apiGet(path, { signal: ctl.signal }).then((data) => setState({ data, error: '', status: 200 }),
      (e) => { if (e.name !== 'AbortError') setState({ data: null, error: e.message, status: e.status }); });
    return () => ctl.abort();
  }, [path, tick, ...deps]);
  return [state.data, state.error, () => setTick((n) => n + 1), state.status];
}
