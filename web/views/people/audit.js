// The audit page (#/nhat-ky), for administrators and the steering office:
// the hash chain's state (`audit verify` and its head), the entries newest
// first filtered by entity, person and days, each with who, when, what and
// the fields it changed (old → new).
import { html, useEffect, useState } from '../../ui.js';
import { apiGet } from '../../api.js';
import { formatDateTime, formatNumber } from '../../format.js';
import { LinkedText, useDocumentNumbers } from '../programme/linked.js';

const PAGE = 50;

// The kinds of record the trail names, in the order the filter offers them.
const ENTITIES = ['person', 'unit', 'document', 'indicator', 'indicator_value', 'task', 'task_comment',
  'task_extension', 'attachment', 'api_token', 'index_definition', 'index_uncertainty', 'report'];

// A word from the dictionary, or the code itself when it has none.
function word(t, key, code) {
  const said = t(key);
  return said === key ? code : said;
}
const entityName = (t, e) => word(t, `audit.e.${e}`, e);
const actionName = (t, a) => word(t, `audit.a.${a}`, a);

// ---------------------------------------------------------------- differences

// A value as one line of text: lists and records by their readable parts.
function show(v) {
  if (v === null || v === undefined || v === '') return '';
  if (Array.isArray(v)) return v.map(show).join('; ');
  if (typeof v === 'object') {
    const parts = Object.entries(v).filter(([k]) => !/(^|_)id$/.test(k)).map(([, x]) => show(x)).filter(Boolean);
    return parts.join(' · ');
  }
  return String(v);
}

// A field's value as the reader says it (yes/no for a flag; a password
// is only ever recorded as "changed" or "reset").
function say(t, field, text) {
  if (text === 'true') return t('audit.yes');
  if (text === 'false') return t('audit.no');
  if (field === 'password' && text) return word(t, `audit.password.${text}`, text);
  if (/^\d{4}-\d{2}-\d{2}$/.test(text)) return text.split('-').reverse().join('/');
  if (/^\d{4}-\d{2}-\d{2}T[\d:.]+Z$/.test(text)) return formatDateTime(new Date(text));
  return text || t('audit.empty');
}

// Fields of a record as path → text, one level of nesting spelled out
// ("chain", "grants" and other lists stay whole).
function flatten(o, prefix = '', out = {}) {
  if (o === null || o === undefined) return out;
  if (typeof o !== 'object' || Array.isArray(o)) {
    out[prefix || '·'] = show(o);
    return out;
  }
  for (const [k, v] of Object.entries(o)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (v && typeof v === 'object' && !Array.isArray(v) && !prefix) flatten(v, key, out);
    else out[key] = show(v);
  }
  return out;
}

// Fields a reader learns nothing from: internal ids and what is derived
// from other records (a document's chain).
const HIDDEN = /(^|[._])id$|^(chain|implemented_by)$/;

// The fields that differ: [{field, before, after}].
export function differences(before, after) {
  const a = flatten(before), b = flatten(after);
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].filter((k) => !HIDDEN.test(k));
  return keys.filter((k) => (a[k] ?? '') !== (b[k] ?? '')).map((k) => ({ field: k, before: a[k] ?? '', after: b[k] ?? '' }));
}

function Diff({ t, entry }) {
  const ids = useDocumentNumbers();
  const rows = differences(entry.before, entry.after);
  if (!entry.before && !entry.after) return null;
  if (!rows.length) return html`<p class="muted small">${t('audit.noChange')}</p>`;
  return html`
    <dl class="audit-diff">
      ${rows.map((r) => html`
        <div class="diff-row">
          <dt title=${r.field}>${word(t, `audit.f.${r.field}`, r.field)}</dt>
          <dd>
            ${entry.before ? html`<del><${LinkedText} text=${say(t, r.field, r.before)} ids=${ids} /></del>` : ''}
            ${entry.before && entry.after ? html` <span aria-hidden="true">→</span> ` : ''}
            ${entry.after ? html`<ins><${LinkedText} text=${say(t, r.field, r.after)} ids=${ids} /></ins>` : ''}
          </dd>
        </div>`)}
    </dl>`;
}

// ---------------------------------------------------------------- entries

// Where the entry's record has a page, a link to it.
function entityHref(e) {
  const rec = e.after || e.before || {};
  switch (e.entity) {
    case 'document': return `#/van-ban/${e.entity_id}`;
    case 'task': return rec.code ? `#/nhiem-vu/${encodeURIComponent(rec.code)}` : null;
    case 'task_comment': case 'task_extension':
      return rec.task_code ? `#/nhiem-vu/${encodeURIComponent(rec.task_code)}` : null;
    case 'unit': return e.entity_id ? `#/tong-quan/don-vi/${e.entity_id}` : null;
    case 'indicator': return e.entity_id ? `#/tong-quan/chi-tieu/${e.entity_id}` : null;
    case 'indicator_value': return rec.indicator_id ? `#/tong-quan/chi-tieu/${rec.indicator_id}` : null;
    default: return null;
  }
}

function entityLabel(e) {
  const rec = e.after || e.before || {};
  const name = rec.number || rec.code || rec.login || rec.name || rec.indicator_code || '';
  return [name, e.entity_id ? `#${e.entity_id}` : ''].filter(Boolean).join(' ');
}

function Entry({ t, entry }) {
  const ids = useDocumentNumbers();
  const href = entityHref(entry);
  const label = entityLabel(entry);
  return html`
    <li class="card audit-entry">
      <p class="audit-head">
        <span class="nowrap">${formatDateTime(new Date(entry.at))}</span>
        <strong class="audit-actor">${entry.actor === 'system' ? t('audit.system') : entry.actor}</strong>
        <span class="badge">${actionName(t, entry.action)}</span>
        <span>${entityName(t, entry.entity)}${label ? ' ' : ''}${href ? html`<a href=${href}>${label}</a>` : html`<${LinkedText} text=${label} ids=${ids} />`}</span>
        <span class="muted small">#${entry.seq}</span>
      </p>
      <${Diff} t=${t} entry=${entry} />
    </li>`;
}

// ---------------------------------------------------------------- the chain

function ChainState({ t }) {
  const [state, setState] = useState(null);
  const [error, setError] = useState('');
  const check = () => { setState(null); apiGet('/api/v1/audit/verify').then(setState, (e) => setError(e.message)); };
  useEffect(check, []);
  return html`
    <section class="card audit-chain" aria-live="polite">
      <h2>${t('audit.chain')}</h2>
      ${error && html`<p class="form-error">${error}</p>`}
      ${!state && !error && html`<p class="muted">${t('doc.loading')}</p>`}
      ${state && (state.ok ? html`<p class="chain-ok">✓ ${t('audit.intact', formatNumber(state.entries))}</p>`
        : html`<p class="chain-bad" role="alert">✗ ${t('audit.broken', state.first_bad.seq, formatNumber(state.entries))}
            ${t(`audit.why.${state.first_bad.why}`)}</p>`)}
      ${state && html`<p class="muted small">${t('audit.head', state.head_seq)} <code class="hash">${state.head}</code></p>`}
      <button type="button" class="button" onClick=${check}>${t('audit.verify')}</button>
    </section>`;
}

// ---------------------------------------------------------------- the page

function Filters({ t, f, setF }) {
  const [people, setPeople] = useState([]);
  useEffect(() => { apiGet('/api/v1/people?limit=1000').then((d) => setPeople(d.people), () => setPeople([])); }, []);
  const set = (k) => (e) => setF({ ...f, [k]: e.target.value });
  return html`
    <div class="filters audit-filters">
      <label>${t('audit.entity')}
        <select id="audit-entity" value=${f.entity} onChange=${set('entity')}>
          <option value="">${t('audit.any')}</option>
          ${ENTITIES.map((e) => html`<option value=${e}>${entityName(t, e)}</option>`)}
        </select></label>
      <label>${t('audit.person')}
        <select id="audit-person" value=${f.person_id} onChange=${set('person_id')}>
          <option value="">${t('audit.any')}</option>
          ${people.map((p) => html`<option value=${p.id}>${p.name} (${p.login})</option>`)}
        </select></label>
      <label>${t('audit.from')} <input id="audit-from" type="date" value=${f.from} onInput=${set('from')} /></label>
      <label>${t('audit.to')} <input id="audit-to" type="date" value=${f.to} onInput=${set('to')} /></label>
    </div>`;
}

export function AuditView({ t, session, headingRef }) {
  const [f, setF] = useState({ entity: '', person_id: '', from: '', to: '' });
  const [data, setData] = useState(null);
  const [limit, setLimit] = useState(PAGE);
  const [error, setError] = useState('');
  const allowed = !!session.me?.grants?.some((g) => g.role === 'admin' || g.role === 'steering');
  const params = new URLSearchParams(Object.entries(f).filter(([, v]) => v));
  useEffect(() => { setLimit(PAGE); }, [params.toString()]);
  useEffect(() => {
    if (!allowed) return;
    apiGet(`/api/v1/audit?${params}&limit=${limit}`).then((d) => { setData(d); setError(''); }, (e) => setError(e.message));
  }, [params.toString(), limit, allowed]);
  if (!allowed) {
    return html`
      <section class="view view-audit">
        <h1 tabindex="-1" ref=${headingRef}>${t('view.nhat-ky')}</h1>
        <p>${t('audit.adminsOnly')}</p>
      </section>`;
  }
  return html`
    <section class="view view-audit">
      <h1 tabindex="-1" ref=${headingRef}>${t('view.nhat-ky')}</h1>
      <p class="lead">${t('audit.intro')}</p>
      <${ChainState} t=${t} />
      <${Filters} t=${t} f=${f} setF=${setF} />
      ${error && html`<p class="form-error" role="alert">${error}</p>`}
      ${data && html`<p class="muted" role="status">${t('audit.total', formatNumber(data.total))}</p>`}
      ${data && data.entries.length === 0 && html`<p>${t('audit.none')}</p>`}
      ${data && html`<ol class="audit-list">${data.entries.map((e) => html`<${Entry} key=${e.seq} t=${t} entry=${e} />`)}</ol>`}
      ${data && data.entries.length < data.total && html`
        <button type="button" class="button" onClick=${() => setLimit(limit + PAGE)}>${t('audit.more')}</button>`}
    </section>`;
}
