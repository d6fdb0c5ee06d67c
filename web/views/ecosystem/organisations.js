// Organisations of the ecosystem registry: #/to-chuc (search as you type,
// filters with counts by kind, import with a preview, export, duplicates
// and their merge) and #/to-chuc/<id> (the profile, its edit form for who
// may edit, the review of an editor's proposal and the history).
import { html, useEffect, useRef, useState } from '../../ui.js';
import { sayMessage } from '../../api.js';
import { formatDateTime, formatNumber } from '../../format.js';
import { LinkedText, useDocumentNumbers } from '../programme/linked.js';
import { useLoad } from '../../load.js';

// A description, its document numbers and task codes as links.
function Prose({ text }) {
  const ids = useDocumentNumbers();
  return html`<p><${LinkedText} text=${text} ids=${ids} /></p>`;
}

const KINDS = ['university', 'institute', 'enterprise', 'st_enterprise', 'startup', 'innovation_centre', 'fund', 'agency', 'foreign_partner'];
const SIZES = ['micro', 'small', 'medium', 'large'];
const STATUSES = ['active', 'inactive', 'dissolved'];
const PAGE = 25;
const SEARCH_DELAY_MS = 200;
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

const orgHref = (id) => `#/to-chuc/${id}`;
const unitHref = (id) => `#/tong-quan/don-vi/${id}`;
const networkHref = (code) => `#/mang-luoi/${encodeURIComponent(code)}`;
const isEnglish = () => globalThis.document?.documentElement.lang === 'en';
// "2026-11-10" -> "10/11/2026"
const viDay = (s) => {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(s || '');
  return m ? `${m[3]}/${m[2]}/${m[1]}` : '';
};
const when = (iso) => (iso ? formatDateTime(new Date(iso)) : '');
const registryWriter = (session) => !!session.me?.registry_writer;


function useSectors() {
  const [data] = useLoad('/api/v1/sectors');
  return data?.sectors || [];
}

function useCommunes() {
  const [data] = useLoad('/api/v1/units?kind=commune&limit=1000');
  return data?.units || [];
}

function sectorNames(sectors, codes) {
  const by = new Map(sectors.map((s) => [s.code, isEnglish() ? s.name_en : s.name_vi]));
  return codes.map((c) => by.get(c) || c).join(', ');
}

function Problems({ t, details }) {
  if (!details?.length) return null;
  return html`
    <div class="table-scroll">
      <table class="table bad-rows">
        <thead><tr><th scope="col">${t('org.line')}</th><th scope="col">${t('org.column')}</th><th scope="col">${t('org.problem')}</th></tr></thead>
        <tbody>${details.map((d) => html`
          <tr><td>${d.line ?? ''}</td><td>${d.column ? `${d.column}${d.title ? ` (${d.title})` : ''}` : ''}</td><td>${sayMessage(d) || d.message}</td></tr>`)}</tbody>
      </table>
    </div>`;
}

// ------------------------------------------------------------ the list

function Results({ t, data, sectors, offset, setOffset }) {
  if (!data) return html`<p class="muted">${t('org.loading')}</p>`;
  if (data.total === 0) return html`<p>${t('org.none')}</p>`;
  const last = offset + data.organisations.length;
  return html`
    <div class="table-scroll">
      <table class="table org-table">
        <thead><tr>
          <th scope="col">${t('org.col.name')}</th><th scope="col">${t('org.col.kind')}</th><th scope="col">${t('org.col.unit')}</th>
          <th scope="col">${t('org.col.sectors')}</th><th scope="col">${t('org.col.status')}</th>
        </tr></thead>
        <tbody>${data.organisations.map((o) => html`
          <tr key=${o.id}>
            <td><a href=${orgHref(o.id)}>${o.name}</a>${o.short_name && html` <span class="muted">(${o.short_name})</span>`}
              ${!o.published && html` <span class="badge">${t('org.unpublished')}</span>`}</td>
            <td>${t(`org.kind.${o.kind}`)}</td>
            <td>${o.unit_id ? html`<a href=${unitHref(o.unit_id)}>${o.unit_name}</a>` : ''}</td>
            <td>${sectorNames(sectors, o.sectors)}</td>
            <td>${t(`org.status.${o.status}`)}</td>
          </tr>`)}</tbody>
      </table>
    </div>
    <p class="pager">
      <span class="muted">${t('org.page', formatNumber(offset + 1), formatNumber(last), formatNumber(data.total))}</span>
      ${offset > 0 && html` <button type="button" class="button" onClick=${() => setOffset(Math.max(0, offset - PAGE))}>${t('org.prev')}</button>`}
      ${last < data.total && html` <button type="button" class="button" onClick=${() => setOffset(offset + PAGE)}>${t('org.next')}</button>`}
    </p>`;
}

function Import({ t, session, onDone }) {
  const [state, setState] = useState(null);
  const file = useRef(null);
  const send = async (dryRun) => {
    const f = file.current?.files?.[0];
    if (!f) return;
    setState({ busy: true, preview: state?.preview });
    try {
      const isXlsx = /\.xlsx$/i.test(f.name);
      const body = isXlsx ? new Uint8Array(await f.arrayBuffer()) : await f.text();
      const r = await session.send('POST', `/api/v1/organisations/import${dryRun ? '?dry_run=1' : ''}`, body,
        { contentType: isXlsx ? XLSX : 'text/csv' });
      setState(dryRun ? { preview: r } : { saved: r });
      if (!dryRun) onDone();
    } catch (err) {
      setState({ error: err.message, details: err.details || [] });
    }
  };
  const changes = state?.preview?.rows.filter((r) => r.action !== 'unchanged') || [];
  return html`
    <form class="card form import-form" onSubmit=${(e) => { e.preventDefault(); send(true); }}>
      <h2>${t('org.import')}</h2>
      <p class="muted">${t('org.importHelp')}</p>
      <label for="org-file">${t('org.file')}</label>
      <input id="org-file" type="file" accept=".csv,text/csv,.xlsx" ref=${file} required onChange=${() => setState(null)} />
      <p class="actions">
        <button type="submit" class="button" disabled=${state?.busy}>${t('org.check')}</button>
        ${state?.preview && html` <button type="button" class="button primary" disabled=${state?.busy} onClick=${() => send(false)}>${t('org.importSave')}</button>`}
      </p>
      ${state?.preview && html`
        <p role="status">${t('org.preview', formatNumber(state.preview.created), formatNumber(state.preview.updated), formatNumber(state.preview.unchanged))}</p>
        ${changes.length > 0 && html`<div class="table-scroll"><table class="table">
          <thead><tr><th scope="col">${t('org.line')}</th><th scope="col">${t('org.col.name')}</th><th scope="col">${t('org.change.field')}</th></tr></thead>
          <tbody>${changes.map((r) => html`<tr><td>${r.line}</td><td>${r.name}</td><td>${t(`org.rowAction.${r.action}`)}</td></tr>`)}</tbody>
        </table></div>`}`}
      ${state?.saved && html`<p class="form-ok" role="status">${t('org.imported', formatNumber(state.saved.created), formatNumber(state.saved.updated), formatNumber(state.saved.unchanged))}</p>`}
      ${state?.error && html`<div role="alert"><p class="form-error">${state.error}</p><${Problems} t=${t} details=${state.details} /></div>`}
    </form>`;
}

function Duplicates({ t, session, version, onMerged }) {
  const [data, error, reload] = useLoad('/api/v1/organisations/duplicates', [version]);
  const [note, setNote] = useState(null);
  const merge = async (kept, dup) => {
    if (!confirm(t('org.duplicates.confirm', dup.name, kept.name))) return;
    try {
      await session.send('POST', `/api/v1/organisations/${kept.id}/merge`, { duplicate_id: dup.id });
      setNote({ ok: t('org.duplicates.merged', dup.name, kept.name) });
      reload();
      onMerged();
    } catch (e) {
      setNote({ error: e.message });
    }
  };
  const side = (o) => html`<a href=${orgHref(o.id)}>${o.name}</a>
    ${o.unit_name && html` <span class="muted">· ${o.unit_name}</span>`}${o.tax_code && html` <span class="muted">· ${o.tax_code}</span>`}`;
  return html`
    <div class="card">
      <h2>${t('org.duplicates')}</h2>
      ${error && html`<p class="form-error">${error}</p>`}
      ${note?.ok && html`<p class="form-ok" role="status">${note.ok}</p>`}
      ${note?.error && html`<p class="form-error" role="alert">${note.error}</p>`}
      ${data && data.duplicates.length === 0 && html`<p class="muted">${t('org.duplicates.none')}</p>`}
      ${data && data.duplicates.length > 0 && html`<div class="table-scroll"><table class="table dup-table">
        <tbody>${data.duplicates.map((p) => html`
          <tr key=${`${p.a.id}-${p.b.id}`}>
            <td>${t(`org.duplicates.reason.${p.reason}`)}</td><td>${side(p.a)}</td><td>${side(p.b)}</td>
            <td><button type="button" class="button" aria-label=${t('org.duplicates.mergeLabel', p.b.name, p.a.name)}
              onClick=${() => merge(p.a, p.b)}>${t('org.duplicates.merge')}</button></td>
          </tr>`)}</tbody>
      </table></div>`}
    </div>`;
}

function OrganisationList({ t, session, headingRef }) {
  const sectors = useSectors();
  const communes = useCommunes();
  const [q, setQ] = useState('');
  const [typed, setTyped] = useState('');
  const [kind, setKind] = useState('');
  const [sector, setSector] = useState('');
  const [unit, setUnit] = useState('');
  const [offset, setOffset] = useState(0);
  const [version, setVersion] = useState(0);
  const timer = useRef(null);
  useEffect(() => {
    clearTimeout(timer.current);
    timer.current = setTimeout(() => { setQ(typed.trim()); setOffset(0); }, SEARCH_DELAY_MS);
    return () => clearTimeout(timer.current);
  }, [typed]);
  const query = new URLSearchParams({ limit: String(PAGE), offset: String(offset) });
  if (q) query.set('q', q);
  if (kind) query.set('kind', kind);
  if (sector) query.set('sector', sector);
  if (unit) query.set('unit_id', unit);
  const [data, error] = useLoad(`/api/v1/organisations?${query}`, [version, session.me]);
  const writer = registryWriter(session);
  const pick = (set) => (e) => { set(e.target.value); setOffset(0); };
  const [adding, setAdding] = useState(false);
  const blank = { kind: 'startup', name: '', aliases: [], sectors: [], published: true, status: 'active' };
  const facets = data?.facets?.kind || {};
  const all = Object.values(facets).reduce((a, b) => a + b, 0);
  return html`
    <section class="view view-organisations">
      <h1 tabindex="-1" ref=${headingRef}>${t('view.to-chuc')}</h1>
      <div class="search">
        <label for="org-search">${t('org.search')}</label>
        <input id="org-search" type="search" value=${typed} placeholder=${t('org.searchHint')} autocomplete="off"
          onInput=${(e) => setTyped(e.target.value)} />
      </div>
      <div class="filters">
        <label>${t('org.col.sectors')}
          <select value=${sector} onChange=${pick(setSector)}>
            <option value="">${t('org.allSectors')}</option>
            ${sectors.map((s) => html`<option value=${s.code}>${isEnglish() ? s.name_en : s.name_vi}</option>`)}
          </select></label>
        <label>${t('org.col.unit')}
          <select value=${unit} onChange=${pick(setUnit)}>
            <option value="">${t('org.allUnits')}</option>
            ${communes.map((u) => html`<option value=${u.id}>${u.name}</option>`)}
          </select></label>
      </div>
      <div class="chips" role="group" aria-label=${t('org.facets')}>
        <button type="button" class="chip" aria-pressed=${kind === '' ? 'true' : 'false'} onClick=${() => { setKind(''); setOffset(0); }}>
          ${t('org.allKinds')} (${formatNumber(all)})</button>
        ${KINDS.filter((k) => facets[k] || kind === k).map((k) => html`
          <button type="button" class="chip" aria-pressed=${kind === k ? 'true' : 'false'} onClick=${() => { setKind(k); setOffset(0); }}>
            ${t(`org.kind.${k}`)} (${formatNumber(facets[k] || 0)})</button>`)}
      </div>
      ${error && html`<p class="form-error" role="alert">${error}</p>`}
      ${data && html`<p class="muted" role="status">${t('org.found', formatNumber(data.total))}</p>`}
      <${Results} t=${t} data=${data} sectors=${sectors} offset=${offset} setOffset=${setOffset} />
      ${writer && !adding && html`<p class="actions"><button type="button" class="button primary" onClick=${() => setAdding(true)}>${t('org.add')}</button></p>`}
      ${writer && adding && html`<${EditForm} t=${t} session=${session} o=${blank} sectors=${sectors} communes=${communes} creating=${true}
        onSaved=${(r) => { location.hash = orgHref(r.id); }} onCancel=${() => setAdding(false)} />`}
      ${writer && html`
        <div class="card">
          <h2>${t('org.tools')}</h2>
          <p class="actions"><a class="button" href="/api/v1/organisations/export" download="to-chuc.csv">${t('org.export')}</a>
            <a class="button" href=${`/api/v1/organisations?${new URLSearchParams({ ...Object.fromEntries(query), limit: '1000', offset: '0', format: 'xlsx' })}`}
              download="to-chuc.xlsx">${t('org.exportXlsx')}</a></p>
        </div>
        <${Import} t=${t} session=${session} onDone=${() => setVersion(version + 1)} />
        <${Duplicates} t=${t} session=${session} version=${version} onMerged=${() => setVersion(version + 1)} />`}
    </section>`;
}

// ------------------------------------------------------ one organisation

const EDIT_FIELDS = ['name', 'short_name', 'aliases', 'kind', 'tax_code', 'ror', 'openalex_id', 'unit_id', 'address', 'lat', 'lon',
  'sectors', 'size', 'employees', 'founded_on', 'status', 'ended_on', 'website', 'email', 'phone', 'description', 'published'];
const WRITER_ONLY = new Set(['status', 'ended_on', 'published']);

// The form's text of a field of the record.
function formValue(o, k) {
  const v = o[k];
  if (k === 'aliases') return (v || []).join('\n');
  if (k === 'sectors') return [...(v || [])];
  if (k === 'published') return !!v;
  return v === null || v === undefined ? '' : String(v);
}

// The body of a change: the fields whose value differs from the record.
function changedFields(o, f, writer) {
  const body = {};
  for (const k of EDIT_FIELDS) {
    if (!writer && WRITER_ONLY.has(k)) continue;
    const before = formValue(o, k), now = f[k];
    if (JSON.stringify(before) === JSON.stringify(now)) continue;
    if (k === 'aliases') body[k] = now.split('\n').map((s) => s.trim()).filter(Boolean);
    else if (k === 'sectors' || k === 'published') body[k] = now;
    else if (['lat', 'lon'].includes(k)) body[k] = now.trim() === '' ? null : Number(now.replace(',', '.'));
    else if (['employees', 'unit_id'].includes(k)) body[k] = now.trim() === '' ? null : Number(now);
    else body[k] = now.trim() === '' ? null : now.trim();
  }
  return body;
}

function EditForm({ t, session, o, sectors, communes, onSaved, onCancel, creating = false }) {
  const writer = registryWriter(session);
  const [f, setF] = useState(() => Object.fromEntries(EDIT_FIELDS.map((k) => [k, formValue(o, k)])));
  const [state, setState] = useState(null);
  const set = (k) => (e) => setF({ ...f, [k]: e.target.type === 'checkbox' ? e.target.checked : e.target.value });
  const toggleSector = (code) => setF({ ...f, sectors: f.sectors.includes(code) ? f.sectors.filter((c) => c !== code) : [...f.sectors, code] });
  const submit = async (e) => {
    e.preventDefault();
    const body = changedFields(o, f, writer);
    if (creating) body.kind = f.kind;
    if (Object.keys(body).length === 0) { setState({ error: t('org.nothingChanged') }); return; }
    setState({ busy: true });
    try {
      const r = creating ? await session.send('POST', '/api/v1/organisations', body)
        : await session.send('PATCH', `/api/v1/organisations/${o.id}`, body);
      onSaved(r, creating ? t('org.created') : writer ? t('org.saved') : t('org.sent'));
    } catch (err) {
      setState({ error: err.message });
    }
  };
  const text = (k, type = 'text', extra = {}) => html`
    <label for=${`org-${k}`}>${t(`org.field.${k}`)}</label>
    <input id=${`org-${k}`} type=${type} value=${f[k]} onInput=${set(k)} ...${extra} />`;
  return html`
    <form class="card form org-edit" onSubmit=${submit}>
      <h2>${creating ? t('org.add') : writer ? t('org.edit') : t('org.editPropose')}</h2>
      ${!writer && html`<p class="muted">${t('org.editHelp')}</p>`}
      ${text('name', 'text', { required: true })}
      ${text('short_name')}
      <label for="org-aliases">${t('org.field.aliases')}</label>
      <textarea id="org-aliases" rows="3" value=${f.aliases} onInput=${set('aliases')} aria-describedby="org-aliases-hint"></textarea>
      <span id="org-aliases-hint" class="muted small">${t('org.field.aliasesHint')}</span>
      <label for="org-kind">${t('org.field.kind')}</label>
      <select id="org-kind" value=${f.kind} onChange=${set('kind')}>${KINDS.map((k) => html`<option value=${k}>${t(`org.kind.${k}`)}</option>`)}</select>
      ${text('tax_code', 'text', { inputmode: 'numeric' })}
      ${text('ror')}
      ${text('openalex_id')}
      <label for="org-unit_id">${t('org.field.unit_id')}</label>
      <select id="org-unit_id" value=${f.unit_id} onChange=${set('unit_id')}>
        <option value="">—</option>
        ${o.unit_id && !communes.some((u) => u.id === o.unit_id) && html`<option value=${String(o.unit_id)}>${o.unit_name}</option>`}
        ${communes.map((u) => html`<option value=${String(u.id)}>${u.name}</option>`)}
      </select>
      ${text('address')}
      ${text('lat', 'text', { inputmode: 'decimal' })}
      ${text('lon', 'text', { inputmode: 'decimal' })}
      <fieldset class="org-sectors"><legend>${t('org.field.sectors')}</legend>
        ${sectors.map((s) => html`<label class="check"><input type="checkbox" checked=${f.sectors.includes(s.code)}
          onChange=${() => toggleSector(s.code)} /> ${isEnglish() ? s.name_en : s.name_vi}</label>`)}
      </fieldset>
      <label for="org-size">${t('org.field.size')}</label>
      <select id="org-size" value=${f.size} onChange=${set('size')}>
        <option value="">—</option>${SIZES.map((k) => html`<option value=${k}>${t(`org.size.${k}`)}</option>`)}</select>
      ${text('employees', 'number', { min: 0 })}
      ${text('founded_on', 'date')}
      ${writer && html`
        <label for="org-status">${t('org.field.status')}</label>
        <select id="org-status" value=${f.status} onChange=${set('status')}>${STATUSES.map((k) => html`<option value=${k}>${t(`org.status.${k}`)}</option>`)}</select>
        ${text('ended_on', 'date')}`}
      ${text('website', 'url')}
      ${text('email', 'email')}
      ${text('phone', 'tel')}
      <label for="org-description">${t('org.field.description')}</label>
      <textarea id="org-description" rows="4" value=${f.description} onInput=${set('description')}></textarea>
      ${writer && html`<label class="check"><input type="checkbox" checked=${f.published} onChange=${set('published')} /> ${t('org.field.published')}</label>`}
      ${state?.error && html`<p class="form-error" role="alert">${state.error}</p>`}
      <p class="actions">
        <button type="submit" class="button primary" disabled=${state?.busy}>${writer || creating ? t('org.save') : t('org.send')}</button>
        <button type="button" class="button" onClick=${onCancel}>${t('org.cancel')}</button>
      </p>
    </form>`;
}

// A field's value in words, for the profile and the review.
function shown(t, o, k, sectors) {
  const v = o[k];
  if (v === null || v === undefined || v === '' || (Array.isArray(v) && v.length === 0)) return t('org.none.value');
  if (k === 'kind') return t(`org.kind.${v}`);
  if (k === 'size') return t(`org.size.${v}`);
  if (k === 'status') return t(`org.status.${v}`);
  if (k === 'sectors') return sectorNames(sectors, v);
  if (k === 'aliases') return v.join('; ');
  if (k === 'founded_on' || k === 'ended_on') return viDay(v);
  if (k === 'published') return v ? '✓' : '✗';
  if (k === 'employees' || k === 'lat' || k === 'lon') return formatNumber(v, 6);
  if (k === 'unit_id') return o.unit_name || String(v);
  if (k === 'people') return v.map((p) => `${p.name} (${p.role})`).join('; ');
  return String(v);
}

function Review({ t, session, o, sectors, onDone }) {
  const c = o.change;
  const [reason, setReason] = useState('');
  const [state, setState] = useState(null);
  const decide = async (approve) => {
    setState({ busy: true });
    try {
      const r = await session.send('POST', `/api/v1/organisations/${o.id}/changes/${c.id}/${approve ? 'approve' : 'refuse'}`,
        approve ? undefined : { reason });
      onDone(r);
    } catch (e) {
      setState({ error: e.message });
    }
  };
  const proposed = { ...o, ...c.fields, unit_name: o.unit_name };
  return html`
    <div class="card org-review">
      <h2>${t('org.change.title')}</h2>
      <p>${t('org.change.submitted', c.proposed_by_name, when(c.proposed_at))}</p>
      <div class="table-scroll"><table class="table">
        <thead><tr><th scope="col">${t('org.change.field')}</th><th scope="col">${t('org.change.now')}</th><th scope="col">${t('org.change.proposed')}</th></tr></thead>
        <tbody>${Object.keys(c.fields).map((k) => html`
          <tr><th scope="row">${t(`org.field.${k === 'unit_code' ? 'unit_id' : k}`)}</th><td>${shown(t, o, k, sectors)}</td>
            <td>${k === 'unit_id' || k === 'unit_code' ? String(c.fields[k] ?? '') : shown(t, proposed, k, sectors)}</td></tr>`)}</tbody>
      </table></div>
      <form class="form" onSubmit=${(e) => { e.preventDefault(); decide(false); }}>
        <p class="actions"><button type="button" class="button primary" disabled=${state?.busy} onClick=${() => decide(true)}>${t('org.change.approve')}</button></p>
        <label for="org-refuse">${t('org.change.reason')}</label>
        <textarea id="org-refuse" rows="2" required value=${reason} onInput=${(e) => setReason(e.target.value)}></textarea>
        <p class="actions"><button type="submit" class="button" disabled=${state?.busy}>${t('org.change.refuse')}</button></p>
        ${state?.error && html`<p class="form-error" role="alert">${state.error}</p>`}
      </form>
    </div>`;
}

function History({ t, id, version }) {
  const [data, error] = useLoad(`/api/v1/organisations/${id}/history?limit=50`, [version]);
  const changed = (e) => {
    if (e.action !== 'update' || !e.before || !e.after) return '';
    return [...EDIT_FIELDS, 'people', 'logo_id'].filter((k) => JSON.stringify(e.before[k]) !== JSON.stringify(e.after[k]))
      .map((k) => t(`org.field.${k}`)).join(', ');
  };
  return html`
    <div class="card">
      <h2>${t('org.history')}</h2>
      ${error && html`<p class="form-error">${error}</p>`}
      ${data && html`<div class="table-scroll"><table class="table org-history">
        <thead><tr><th scope="col">${t('org.history.when')}</th><th scope="col">${t('org.history.who')}</th>
          <th scope="col">${t('org.history.what')}</th><th scope="col">${t('org.history.fields')}</th></tr></thead>
        <tbody>${data.entries.map((e) => html`<tr key=${e.seq}><td>${when(e.at)}</td><td>${e.actor || ''}</td>
          <td>${t(`org.action.${e.action}`)}</td><td>${changed(e)}</td></tr>`)}</tbody>
      </table></div>`}
    </div>`;
}

function Editors({ t, session, o, onChange }) {
  const [login, setLogin] = useState('');
  const [error, setError] = useState('');
  const call = async (method, path, body) => {
    setError('');
    try {
      await session.send(method, path, body);
      setLogin('');
      onChange();
    } catch (e) {
      setError(e.message);
    }
  };
  return html`
    <div class="card">
      <h2>${t('org.editors')}</h2>
      ${o.editors.length === 0 && html`<p class="muted">${t('org.editors.none')}</p>`}
      <ul>${o.editors.map((e) => html`<li key=${e.id}>${e.name} <span class="muted">(${e.login})</span>
        <button type="button" class="button small" aria-label=${t('org.editors.remove', e.name)}
          onClick=${() => call('DELETE', `/api/v1/organisations/${o.id}/editors/${e.id}`)}>✕</button></li>`)}</ul>
      <form class="form" onSubmit=${(e) => { e.preventDefault(); call('POST', `/api/v1/organisations/${o.id}/editors`, { login: login.trim() }); }}>
        <label for="org-editor-login">${t('org.editors.login')}</label>
        <input id="org-editor-login" value=${login} required onInput=${(e) => setLogin(e.target.value)} />
        <p class="actions"><button type="submit" class="button">${t('org.editors.add')}</button></p>
        ${error && html`<p class="form-error" role="alert">${error}</p>`}
      </form>
    </div>`;
}

const LOGO_TYPES = 'image/png,image/jpeg,image/webp,image/svg+xml';

// The logo's upload field, for those who may change the organisation: the
// file is sent as it is and becomes the logo at once (no review).
function LogoUpload({ t, session, o, onDone }) {
  const [state, setState] = useState(null);
  const file = useRef(null);
  const send = async () => {
    const f = file.current?.files?.[0];
    if (!f) return;
    setState({ busy: true });
    try {
      await session.send('POST', `/api/v1/attachments?entity=organisation_logo&entity_id=${o.id}&name=${encodeURIComponent(f.name)}`,
        new Uint8Array(await f.arrayBuffer()), { contentType: 'application/octet-stream' });
      setState({ ok: true });
      file.current.value = '';
      onDone();
    } catch (err) {
      setState({ error: err.message });
    }
  };
  return html`
    <form class="form org-logo-form" onSubmit=${(e) => { e.preventDefault(); send(); }}>
      <label for="org-logo-file">${t('org.logo')}</label>
      <input id="org-logo-file" type="file" accept=${LOGO_TYPES} ref=${file} required aria-describedby="org-logo-help" />
      <p id="org-logo-help" class="muted">${t('org.logo.help')}</p>
      <p class="actions"><button type="submit" class="button" disabled=${state?.busy}>${t('org.logo.upload')}</button></p>
      ${state?.ok && html`<p class="form-ok" role="status">${t('org.logo.saved')}</p>`}
      ${state?.error && html`<p class="form-error" role="alert">${state.error}</p>`}
    </form>`;
}

function Fact({ label, children }) {
  return html`<dt>${label}</dt><dd>${children}</dd>`;
}

function ChangeNote({ t, change }) {
  if (!change) return null;
  if (change.status === 'submitted') return html`<p class="notice">${t('org.change.submitted', change.proposed_by_name, when(change.proposed_at))}</p>`;
  if (change.status === 'refused') return html`<p class="notice form-error">${t('org.change.refused', change.reason || '')}</p>`;
  return html`<p class="muted">${t('org.change.approved', when(change.decided_at))}</p>`;
}

function Profile({ t, session, id, headingRef }) {
  const sectors = useSectors();
  const communes = useCommunes();
  const [version, setVersion] = useState(0);
  const [data, error, , status] = useLoad(`/api/v1/organisations/${id}`, [version, session.me]);
  const [o, setO] = useState(null);
  const [editing, setEditing] = useState(false);
  const [note, setNote] = useState('');
  useEffect(() => { setO(data); }, [data]);
  useEffect(() => { setEditing(false); setNote(''); }, [id]);
  useEffect(() => {
    if (o?.status === 'merged' && o.merged_into) location.replace(orgHref(o.merged_into));
  }, [o]);
  const writer = registryWriter(session);
  const back = html`<p><a href="#/to-chuc">${t('org.back')}</a></p>`;
  if (error) {
    return html`<section class="view view-organisation">${back}
      <h1 tabindex="-1" ref=${headingRef}>${t('view.to-chuc')}</h1>
      <p class="form-error" role="alert">${status === 404 ? t('org.notFound') : error}</p></section>`;
  }
  if (!o) return html`<section class="view view-organisation">${back}<p class="muted">${t('org.loading')}</p></section>`;
  const signedIn = !!session.me?.person;
  const saved = (r, message) => { setO(r); setEditing(false); setNote(message); setVersion(version + 1); };
  return html`
    <section class="view view-organisation">
      ${back}
      ${o.logo && html`<p class="org-logo"><img src=${o.logo.url} alt=${o.name}
        style=${{ display: 'block', maxWidth: '10rem', maxHeight: '6rem', objectFit: 'contain' }} /></p>`}
      <h1 tabindex="-1" ref=${headingRef}>${o.name}</h1>
      <p class="lead">${t(`org.kind.${o.kind}`)}${o.short_name ? ` · ${o.short_name}` : ''}
        ${o.status !== 'active' && html` · <span class="badge">${t(`org.status.${o.status}`)}</span>`}
        ${!o.published && html` <span class="badge">${t('org.unpublished')}</span>`}</p>
      ${note && html`<p class="form-ok" role="status">${note}</p>`}
      ${o.description && html`<${Prose} text=${o.description} />`}
      <dl class="facts card">
        ${o.aliases.length > 0 && html`<${Fact} label=${t('org.field.aliases')}>${o.aliases.join('; ')}</${Fact}>`}
        <${Fact} label=${t('org.field.unit_id')}>${o.unit ? html`<a href=${unitHref(o.unit.id)}>${o.unit.name}</a>` : t('org.none.value')}</${Fact}>
        ${o.address && html`<${Fact} label=${t('org.field.address')}>${o.address}</${Fact}>`}
        <${Fact} label=${t('org.field.sectors')}>${shown(t, o, 'sectors', sectors)}</${Fact}>
        ${o.founded_on && html`<${Fact} label=${t('org.field.founded_on')}>${viDay(o.founded_on)}</${Fact}>`}
        ${o.ended_on && html`<${Fact} label=${t('org.field.ended_on')}>${viDay(o.ended_on)}</${Fact}>`}
        ${o.size && html`<${Fact} label=${t('org.field.size')}>${t(`org.size.${o.size}`)}</${Fact}>`}
        ${o.employees !== null && html`<${Fact} label=${t('org.field.employees')}>${formatNumber(o.employees)}</${Fact}>`}
        ${o.website && html`<${Fact} label=${t('org.field.website')}><a href=${o.website} rel="noopener noreferrer" target="_blank">${o.website}</a></${Fact}>`}
      </dl>
      <h2>${t('org.identifiers')}</h2>
      <dl class="facts card">
        <${Fact} label=${t('org.field.tax_code')}>${o.tax_code || t('org.none.value')}</${Fact}>
        <${Fact} label=${t('org.field.ror')}>${o.ror ? html`<a href=${`https://ror.org/${o.ror}`} rel="noopener noreferrer" target="_blank">${o.ror}</a>` : t('org.none.value')}</${Fact}>
        <${Fact} label=${t('org.field.openalex_id')}>${o.openalex_id ? html`<a href=${`https://openalex.org/${o.openalex_id}`} rel="noopener noreferrer" target="_blank">${o.openalex_id}</a>` : t('org.none.value')}</${Fact}>
      </dl>
      <h2>${t('org.contacts')}</h2>
      <div class="card">
        ${!signedIn && html`<p class="muted">${t('org.contactsHidden')}</p>`}
        ${signedIn && html`<dl class="facts">
          <${Fact} label=${t('org.field.email')}>${o.email ? html`<a href=${`mailto:${o.email}`}>${o.email}</a>` : t('org.none.value')}</${Fact}>
          <${Fact} label=${t('org.field.phone')}>${o.phone || t('org.none.value')}</${Fact}></dl>`}
        ${o.people.length > 0 && html`<ul class="org-people">${o.people.map((p) => html`<li>${p.name} — ${p.role}
          ${p.email && html` · <a href=${`mailto:${p.email}`}>${p.email}</a>`}${p.phone && html` · ${p.phone}`}</li>`)}</ul>`}
      </div>
      ${o.networks.length > 0 && html`<h2>${t('org.field.networks')}</h2>
        <ul class="card org-networks">${o.networks.map((n) => html`<li><a href=${networkHref(n.code)}>${n.name}</a>
          ${n.joined_on && html` <span class="muted">(${viDay(n.joined_on)})</span>`}</li>`)}</ul>`}
      <h2>${t('org.stmap')}</h2>
      <ul class="card org-stmap">
        <li><a href=${`#/cong-bo?to-chuc=${o.id}`}>${t('org.stmap.outputs')}</a></li>
        <li><a href=${`#/chi-so-khcn/to-chuc/${o.id}`}>${t('org.stmap.indicators')}</a></li>
        ${o.unit_id && html`<li><a href=${`#/ban-do?don-vi=${o.unit_id}`}>${t('org.stmap.map')}</a></li>`}
      </ul>
      ${o.can_edit && !writer && html`<${ChangeNote} t=${t} change=${o.change} />`}
      ${writer && o.change?.status === 'submitted' && html`<${Review} t=${t} session=${session} o=${o} sectors=${sectors}
        onDone=${(r) => saved(r, t('org.saved'))} />`}
      ${o.can_edit && o.status !== 'merged' && !editing && html`<p class="actions">
        <button type="button" class="button primary" onClick=${() => { setEditing(true); setNote(''); }}>${writer ? t('org.edit') : t('org.editPropose')}</button></p>`}
      ${o.can_edit && o.status !== 'merged' && html`<div class="card"><${LogoUpload} t=${t} session=${session} o=${o}
        onDone=${() => setVersion(version + 1)} /></div>`}
      ${editing && html`<${EditForm} t=${t} session=${session} o=${o} sectors=${sectors} communes=${communes}
        onSaved=${saved} onCancel=${() => setEditing(false)} />`}
      ${writer && o.editors && html`<${Editors} t=${t} session=${session} o=${o} onChange=${() => setVersion(version + 1)} />`}
      ${(writer || o.can_edit) && html`<${History} t=${t} id=${o.id} version=${version} />`}
    </section>`;
}

export function OrganisationsView({ t, session, hash, headingRef }) {
  const m = /^#\/to-chuc\/(\d+)/.exec(hash || '');
  if (m) return html`<${Profile} t=${t} session=${session} id=${Number(m[1])} headingRef=${headingRef} />`;
  return html`<${OrganisationList} t=${t} session=${session} headingRef=${headingRef} />`;
}
