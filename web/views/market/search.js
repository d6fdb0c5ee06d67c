// The market's search (used by #/cho-cong-nghe): a box that searches while
// one types (the last word may be unfinished, marks optional), facets as
// chips with their counts, results with the matched words marked, each a
// link to its listing; a signed-in person saves the search and is told in
// the inbox when a new listing matches it. The text, the chosen facets and
// the page live in the hash (#/cho-cong-nghe?linh-vuc=ai&trl=7), so that a
// link opens that search and the browser's back button undoes a filter.
import { html, useEffect, useRef, useState } from '../../ui.js';
import { apiGet } from '../../api.js';
import { formatNumber } from '../../format.js';

const PAGE = 20;
const DELAY_MS = 200;
// The facets shown, in this order; kind is left out when the page fixes it.
const FACETS = ['kind', 'sector', 'trl', 'transfer_type', 'organisation', 'commune'];
const FACET_PARAM = { organisation: 'organisation_id', commune: 'unit_id' };
const FACET_SHOWN = 8;   // values of a facet before "more"
// A facet's name in the hash.
const HASH_PARAM = { kind: 'loai', sector: 'linh-vuc', trl: 'trl', transfer_type: 'chuyen-giao', organisation: 'to-chuc', commune: 'dia-ban' };
const HASH_OFFSET = 'tu';

// "#/cho-cong-nghe/bai-toan?q=...&linh-vuc=ai,iot&tu=20" -> { q, chosen, offset }
export function searchFromHash(hash) {
  const p = new URLSearchParams((hash || '').split('?')[1] || '');
  const chosen = {};
  for (const [facet, name] of Object.entries(HASH_PARAM)) {
    const v = p.get(name);
    if (v) chosen[facet] = v.split(',').filter(Boolean);
  }
  return { q: p.get('q') || '', chosen, offset: Math.max(0, Math.floor(Number(p.get(HASH_OFFSET)) || 0)) };
}

// The hash of a search on the page base ("#/cho-cong-nghe").
export function searchHref(base, { q = '', chosen = {}, offset = 0 }) {
  const p = new URLSearchParams();
  if (q.trim()) p.set('q', q.trim());
  for (const [facet, values] of Object.entries(chosen)) if (values?.length && HASH_PARAM[facet]) p.set(HASH_PARAM[facet], values.join(','));
  if (offset) p.set(HASH_OFFSET, String(offset));
  const query = p.toString().replace(/%2C/g, ',');
  return query ? `${base}?${query}` : base;
}

export const listingHref = (id) => `#/cho-cong-nghe/${id}`;
export const orgHref = (id) => `#/to-chuc/${id}`;
const isEnglish = () => globalThis.document?.documentElement.lang === 'en';
// Facets open beside the results on a wide screen, folded above them on a phone.
const wide = () => globalThis.matchMedia?.('(min-width: 721px)').matches ?? true;

// Parts alternate plain and matched text (the server's highlight); shown
// as text, the matched ones marked.
export function Marked({ parts, text }) {
  if (!parts?.length) return text || '';
  return parts.map((p, i) => (i % 2 ? html`<mark>${p}</mark>` : p));
}

// What a facet value is called: its name from the server, a word from the
// dictionary, or the value.
function valueLabel(t, facet, v) {
  if (facet === 'sector') return (isEnglish() && v.name_en) || v.name || v.value;
  if (facet === 'kind') return t(`mm.kind.${v.value}`);
  if (facet === 'transfer_type') return t(`mm.transfer.${v.value}`);
  if (facet === 'trl') return `TRL ${v.value}`;
  return v.name || v.value;
}

// The query string of a search: text, chosen facet values, page.
function queryOf(q, chosen, fixedKind, offset) {
  const p = new URLSearchParams();
  if (q.trim()) p.set('q', q.trim());
  if (fixedKind) p.set('kind', fixedKind);
  for (const [facet, values] of Object.entries(chosen)) {
    if (values.length) p.set(FACET_PARAM[facet] || facet, values.join(','));
  }
  p.set('limit', String(PAGE));
  if (offset) p.set('offset', String(offset));
  return p.toString();
}

function Facet({ t, facet, values, chosen, toggle }) {
  const [all, setAll] = useState(false);
  if (!values?.length) return null;
  const shown = all ? values : values.slice(0, FACET_SHOWN);
  return html`
    <fieldset class="mm-facet">
      <legend>${t(`mm.facet.${facet}`)}</legend>
      <div class="chips">
        ${shown.map((v) => {
          const on = chosen.includes(v.value);
          return html`<button type="button" class="chip" aria-pressed=${on ? 'true' : 'false'} key=${v.value}
            onClick=${() => toggle(facet, v.value)}>${valueLabel(t, facet, v)} <span class="mm-count">${formatNumber(v.count)}</span></button>`;
        })}
        ${values.length > FACET_SHOWN && html`<button type="button" class="link-button" onClick=${() => setAll(!all)}>
          ${all ? t('mm.fewer') : t('mm.more', formatNumber(values.length - FACET_SHOWN))}</button>`}
      </div>
    </fieldset>`;
}

function Hit({ t, hit, sectors }) {
  const sector = sectors.get(hit.sector);
  return html`
    <li class="mm-hit card" key=${hit.id}>
      <p class="mm-hit-head">
        <span class="badge">${t(`mm.kind.${hit.kind}`)}</span>
        ${hit.trl && html` <span class="badge">TRL ${hit.trl}</span>`}
      </p>
      <h3 class="mm-hit-title"><a href=${listingHref(hit.id)}><${Marked} parts=${hit.highlight?.title} text=${hit.title} /></a></h3>
      ${(hit.highlight?.summary || hit.summary) && html`<p class="mm-hit-summary"><${Marked} parts=${hit.highlight?.summary} text=${hit.summary} /></p>`}
      <p class="muted mm-hit-meta">
        ${hit.organisation && html`<a href=${orgHref(hit.organisation.id)}>${hit.organisation.name}</a>`}
        ${hit.unit && html` · <a href=${`#/tong-quan/don-vi/${hit.unit.id}`}>${hit.unit.name}</a>`}
        ${sector && html` · ${sector}`}
        ${hit.transfer_types?.length > 0 && html` · ${hit.transfer_types.map((x) => t(`mm.transfer.${x}`)).join(', ')}`}
      </p>
    </li>`;
}

// The person's saved searches, with a form to save the current one.
function Saved({ t, session, query, current, onPick }) {
  const [list, setList] = useState(null);
  const [name, setName] = useState('');
  const [msg, setMsg] = useState('');
  const load = () => session.send('GET', '/api/v1/market/saved-searches').then((d) => setList(d.saved_searches), (e) => setMsg(e.message));
  useEffect(() => { load(); }, []);
  const shown = JSON.stringify(query);
  useEffect(() => { setMsg(''); }, [shown]);   // a word about the last save, until the search changes
  const save = async (e) => {
    e.preventDefault();
    try {
      await session.send('POST', '/api/v1/market/saved-searches', { ...query, name: name.trim() || query.q || t('mm.allListings') });
      setName('');
      setMsg(t('mm.saved'));
      load();
    } catch (err) {
      setMsg(err.message);
    }
  };
  const remove = async (id) => {
    try {
      const d = await session.send('DELETE', `/api/v1/market/saved-searches/${id}`);
      setList(d.saved_searches);
      setMsg(t('mm.deleted'));
    } catch (err) {
      setMsg(err.message);
    }
  };
  return html`
    <details class="mm-saved card">
      <summary>${t('mm.savedTitle', formatNumber(list?.length || 0))}</summary>
      <form class="mm-save" onSubmit=${save}>
        <label for="mm-save-name">${t('mm.saveName')}</label>
        <input id="mm-save-name" value=${name} placeholder=${current || t('mm.allListings')} onInput=${(e) => setName(e.target.value)} maxlength="200" />
        <button type="submit" class="button">${t('mm.save')}</button>
      </form>
      <p class="muted">${t('mm.saveHelp')}</p>
      ${msg && html`<p role="status">${msg}</p>`}
      ${list?.length > 0 && html`<ul class="mm-saved-list">${list.map((s) => html`
        <li key=${s.id}>
          <button type="button" class="link-button" onClick=${() => onPick(s)}>${s.name || s.q || t('mm.allListings')}</button>
          <span class="muted"> · ${t('mm.savedFinds', formatNumber(s.total))}</span>
          <button type="button" class="button mm-delete" aria-label=${t('mm.deleteNamed', s.name || s.q || '')} onClick=${() => remove(s.id)}>${t('mm.delete')}</button>
        </li>`)}</ul>`}
    </details>`;
}

function useSectorNames() {
  const [names, setNames] = useState(new Map());
  useEffect(() => {
    apiGet('/api/v1/sectors').then((d) => setNames(new Map((d.sectors || []).map((s) => [s.code, isEnglish() ? s.name_en : s.name_vi]))), () => {});
  }, []);
  return names;
}

// kind: the page's tab ('offer', 'problem', 'expert'), fixed; or none.
// hash: the page's hash, whose query is the search (searchFromHash).
export function MarketSearch({ t, session, kind, hash = '#/cho-cong-nghe' }) {
  const base = hash.split('?')[0];
  const { q, chosen, offset } = searchFromHash(hash);
  if (kind) delete chosen.kind;
  const chosenKey = JSON.stringify(chosen);
  const [typed, setTyped] = useState(q);
  const [state, setState] = useState({ data: null, error: '', busy: true });
  const sectors = useSectorNames();
  const timer = useRef(0);
  // a new search in the hash (a link, the back button) shows its text in the box
  useEffect(() => { setTyped((now) => (now.trim() === q ? now : q)); }, [q]);
  useEffect(() => () => clearTimeout(timer.current), []);
  // a filter or a page is a step back can undo; the text typed replaces the
  // step. What is not changed is read from the live hash: a late timer must
  // not undo a filter chosen meanwhile.
  const go = (next, replace = false) => {
    const live = location.hash.split('?')[0] === base ? searchFromHash(location.hash) : { q, chosen, offset };
    if (kind) delete live.chosen.kind;
    const href = searchHref(base, { ...live, ...next });
    if (href === location.hash) return;
    if (replace) location.replace(href);
    else location.hash = href;
  };
  useEffect(() => {
    const ctl = new AbortController();
    setState((s) => ({ ...s, busy: true }));
    apiGet(`/api/v1/market/search?${queryOf(q, chosen, kind, offset)}`, { signal: ctl.signal })
      .then((data) => setState({ data, error: '', busy: false }),
        (e) => { if (e.name !== 'AbortError') setState({ data: null, error: e.message, busy: false }); });
    return () => ctl.abort();
  }, [q, chosenKey, kind, offset]);
  const onInput = (e) => {
    const v = e.target.value;
    setTyped(v);
    clearTimeout(timer.current);
    timer.current = setTimeout(() => go({ q: v, offset: 0 }, true), DELAY_MS);
  };
  const toggle = (facet, value) => {
    const now = chosen[facet] || [];
    // one commune at a time (a unit and its subtree)
    const next = now.includes(value) ? now.filter((x) => x !== value) : facet === 'commune' ? [value] : [...now, value];
    clearTimeout(timer.current);   // the text being typed goes with the filter
    go({ q: typed, chosen: { ...chosen, [facet]: next }, offset: 0 });
  };
  const pick = (s) => {
    setTyped(s.q || '');
    const c = {};
    for (const f of ['kind', 'sector', 'trl', 'transfer_type']) if (s[f] && !(f === 'kind' && kind)) c[f] = String(s[f]).split(',');
    if (s.organisation_id) c.organisation = String(s.organisation_id).split(',');
    if (s.unit_id) c.commune = [String(s.unit_id)];
    go({ q: s.q || '', chosen: c, offset: 0 });
  };
  // what a saved search keeps: the text and the filters as the API takes them
  const saved = { q: q.trim() };
  if (kind) saved.kind = kind;
  for (const [facet, values] of Object.entries(chosen)) {
    if (!values.length) continue;
    if (facet === 'commune') saved.unit_id = Number(values[0]);
    else saved[FACET_PARAM[facet] || facet] = values.join(',');
  }
  const { data, error, busy } = state;
  const facets = FACETS.filter((f) => !(f === 'kind' && kind));
  const last = data ? offset + data.hits.length : 0;
  return html`
    <section class="mm-search" aria-label=${t('mm.searchLabel')}>
      <form class="search mm-box" role="search" onSubmit=${(e) => { e.preventDefault(); clearTimeout(timer.current); go({ q: typed, offset: 0 }); }}>
        <label for="mm-q">${t('mm.searchLabel')}</label>
        <input id="mm-q" type="search" value=${typed} onInput=${onInput} placeholder=${t('mm.placeholder')} autocomplete="off" />
        <p class="muted mm-hint">${t('mm.hint')}</p>
      </form>
      <div class="mm-layout">
        <details class="mm-facets" open=${wide()}>
          <summary>${t('mm.filters')}</summary>
          ${facets.map((f) => html`<${Facet} key=${f} t=${t} facet=${f} values=${data?.facets?.[f]} chosen=${chosen[f] || []} toggle=${toggle} />`)}
        </details>
        <div class="mm-results">
          ${session?.me && html`<${Saved} t=${t} session=${session} query=${saved} current=${q.trim()} onPick=${pick} />`}
          <p role="status" class="mm-total">${busy && !data ? t('mm.loading') : data ? t('mm.total', formatNumber(data.total)) : ''}</p>
          ${error && html`<p class="form-error" role="alert">${error}</p>`}
          ${data?.total === 0 && html`<p class="card muted">${t('mm.none')}</p>`}
          ${data?.hits?.length > 0 && html`<ul class="mm-hits">${data.hits.map((h) => html`<${Hit} key=${h.id} t=${t} hit=${h} sectors=${sectors} />`)}</ul>`}
          ${data && data.total > PAGE && html`
            <p class="pager">
              <span class="muted">${t('mm.page', formatNumber(offset + 1), formatNumber(last), formatNumber(data.total))}</span>
              ${offset > 0 && html` <button type="button" class="button" onClick=${() => go({ offset: Math.max(0, offset - PAGE) })}>${t('mm.prev')}</button>`}
              ${last < data.total && html` <button type="button" class="button" onClick=${() => go({ offset: offset + PAGE })}>${t('mm.next')}</button>`}
            </p>`}
        </div>
      </div>
    </section>`;
}
