// #/cong-bo: the research outputs of the S&T map. Tabs for publications
// (#/cong-bo), patents (#/cong-bo/sang-che), projects (#/cong-bo/de-tai),
// contracts (#/cong-bo/hop-dong) and spin-offs (#/cong-bo/spin-off), each
// with filters, counts, a pager, Excel and CSV downloads and, for registry
// writers, its import with a check first and the bad rows named; a page per
// publication (#/cong-bo/bai/<id>) with its authors and their institutions;
// the review of unmatched institutions (#/cong-bo/chua-khop) where a
// registry writer links one to an organisation or creates it.
// ?to-chuc=<id> in the hash filters by an organisation, ?linh-vuc=<field id>
// the publications by their field.
import { html, useEffect, useRef, useState } from '../../ui.js';
import { sayMessage } from '../../api.js';
import { formatNumber } from '../../format.js';
import { StmapNav } from './stmap_nav.js';
import { useLoad } from '../../load.js';

const PAGE = 25;
const SEARCH_DELAY_MS = 250;
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const TABS = [
  { slug: '', key: 'works', api: 'works', count: (s) => s.works },
  { slug: 'sang-che', key: 'patents', api: 'patents', count: (s) => s.patents + s.utility_solutions, kinds: ['patent', 'utility_solution'] },
  { slug: 'de-tai', key: 'projects', api: 'projects', count: (s) => s.projects },
  { slug: 'hop-dong', key: 'contracts', api: 'contracts', count: (s) => s.contracts, kinds: ['transfer', 'licence', 'service', 'joint_development', 'other'] },
  { slug: 'spin-off', key: 'spinoffs', api: 'spinoffs', count: (s) => s.spinoffs },
];
const ORG_KINDS = ['university', 'institute', 'enterprise', 'st_enterprise', 'startup', 'innovation_centre', 'fund', 'agency', 'foreign_partner'];

const orgHref = (id) => `#/to-chuc/${id}`;
const unitHref = (id) => `#/tong-quan/don-vi/${id}`;
const taskHref = (code) => `#/nhiem-vu/${encodeURIComponent(code)}`;
const workHref = (id) => `#/cong-bo/bai/${id}`;
const viDay = (s) => {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(s || '');
  return m ? `${m[3]}/${m[2]}/${m[1]}` : '';
};
const registryWriter = (session) => !!session.me?.registry_writer;


// OpenAlex's kinds of institution, named in the reader's language.
const INST_TYPES = ['education', 'company', 'government', 'healthcare', 'facility', 'nonprofit', 'archive', 'funder', 'other'];

function hashQuery(hash) {
  const i = (hash || '').indexOf('?');
  return new URLSearchParams(i >= 0 ? hash.slice(i + 1) : '');
}

const OrgLink = ({ id, name }) => (id ? html`<a href=${orgHref(id)}>${name}</a>` : html`${name || ''}`);
const TaskLink = ({ code }) => (code ? html`<a href=${taskHref(code)}>${code}</a>` : '');

// ------------------------------------------------------------ the tables

function WorksTable({ t, rows }) {
  return html`
    <table class="table outputs-table">
      <thead><tr><th scope="col">${t('out.col.title')}</th><th scope="col">${t('out.col.year')}</th><th scope="col">${t('out.col.field')}</th>
        <th scope="col">${t('out.col.orgs')}</th><th scope="col" class="num">${t('out.col.cited')}</th><th scope="col" class="num">${t('out.col.fwci')}</th>
        <th scope="col">${t('out.col.oa')}</th></tr></thead>
      <tbody>${rows.map((w) => html`
        <tr key=${w.id}>
          <td><a href=${workHref(w.id)}>${w.title || w.openalex_id}</a>
            ${w.is_top10 && html` <span class="badge">${t('out.top10')}</span>`}</td>
          <td>${w.year ?? ''}</td>
          <td>${w.field_id ? html`<a href=${`#/cong-bo?linh-vuc=${encodeURIComponent(w.field_id)}`}>${w.field || w.field_id}</a>` : ''}</td>
          <td>${w.organisations.map((o, i) => html`${i ? ', ' : ''}<${OrgLink} id=${o.id} name=${o.name} />`)}</td>
          <td class="num">${formatNumber(w.cited_by_count || 0)}</td>
          <td class="num">${w.fwci === null ? '' : formatNumber(w.fwci)}</td>
          <td>${w.is_oa === null ? '' : t(w.is_oa ? 'out.yes' : 'out.no')}</td>
        </tr>`)}</tbody>
    </table>`;
}

const COLUMNS = {
  patents: (t) => [
    [t('out.col.number'), (p) => p.number],
    [t('out.col.kind'), (p) => t(`out.kind.${p.kind}`)],
    [t('out.col.name'), (p) => p.title],
    [t('out.col.owner'), (p) => html`<${OrgLink} id=${p.organisation_id} name=${p.owner_name} />`],
    [t('out.col.ipc'), (p) => p.ipc || ''],
    [t('out.col.granted'), (p) => viDay(p.granted_on)],
    [t('out.col.task'), (p) => html`<${TaskLink} code=${p.task_code} />`],
  ],
  projects: (t) => [
    [t('out.col.code'), (p) => p.code],
    [t('out.col.name'), (p) => p.title],
    [t('out.col.lead'), (p) => html`<${OrgLink} id=${p.organisation_id} name=${p.lead_name} />`],
    [t('out.col.partners'), (p) => p.partners.map((o, i) => html`${i ? ', ' : ''}<${OrgLink} id=${o.id} name=${o.name} />`)],
    [t('out.col.funder'), (p) => p.funder || ''],
    [t('out.col.budget'), (p) => (p.budget === null ? '' : formatNumber(p.budget)), 'num'],
    [t('out.col.period'), (p) => [viDay(p.started_on), viDay(p.ends_on)].filter(Boolean).join(' – ')],
    [t('out.col.task'), (p) => html`<${TaskLink} code=${p.task_code} />`],
  ],
  contracts: (t) => [
    [t('out.col.number'), (c) => c.number],
    [t('out.col.kind'), (c) => t(`out.kind.${c.kind}`)],
    [t('out.col.name'), (c) => c.title],
    [t('out.col.seller'), (c) => html`<${OrgLink} id=${c.seller_id} name=${c.seller_name} />`],
    [t('out.col.buyer'), (c) => html`<${OrgLink} id=${c.buyer_id} name=${c.buyer_name} />`],
    [t('out.col.value'), (c) => ('value' in c ? (c.value === null ? '' : formatNumber(c.value)) : html`<span class="muted">${t('out.valueHidden')}</span>`), 'num'],
    [t('out.col.signed'), (c) => viDay(c.signed_on)],
    [t('out.col.task'), (c) => html`<${TaskLink} code=${c.task_code} />`],
  ],
  spinoffs: (t) => [
    [t('out.col.name'), (s) => (s.organisation_id ? html`<${OrgLink} id=${s.organisation_id} name=${s.name} />` : s.name)],
    [t('out.col.parent'), (s) => html`<${OrgLink} id=${s.parent_id} name=${s.parent_name} />`],
    [t('out.col.field'), (s) => s.field || ''],
    [t('out.col.founded'), (s) => viDay(s.founded_on)],
    [t('out.col.task'), (s) => html`<${TaskLink} code=${s.task_code} />`],
  ],
};

function KindTable({ t, k, rows }) {
  const cols = COLUMNS[k](t);
  return html`
    <table class="table outputs-table">
      <thead><tr>${cols.map(([h, , cls]) => html`<th scope="col" class=${cls || ''}>${h}</th>`)}</tr></thead>
      <tbody>${rows.map((r) => html`<tr key=${r.id}>${cols.map(([, cell, cls]) => html`<td class=${cls || ''}>${cell(r)}</td>`)}</tr>`)}</tbody>
    </table>`;
}

function Problems({ t, details }) {
  if (!details?.length) return null;
  return html`
    <div class="table-scroll">
      <table class="table bad-rows">
        <thead><tr><th scope="col">${t('out.line')}</th><th scope="col">${t('out.column')}</th><th scope="col">${t('out.problem')}</th></tr></thead>
        <tbody>${details.map((d) => html`<tr><td>${d.line ?? ''}</td><td>${d.column || ''}</td><td>${sayMessage(d) || d.message}</td></tr>`)}</tbody>
      </table>
    </div>`;
}

// ------------------------------------------------------------ the import

function Import({ t, session, tab, onDone }) {
  const [state, setState] = useState(null);
  const file = useRef(null);
  const works = tab.key === 'works';
  const send = async (dryRun) => {
    const f = file.current?.files?.[0];
    if (!f) return;
    setState({ busy: true, checked: state?.checked });
    try {
      const isXlsx = /\.xlsx$/i.test(f.name);
      const body = isXlsx ? new Uint8Array(await f.arrayBuffer()) : await f.text();
      const type = works ? 'application/x-ndjson' : isXlsx ? XLSX : 'text/csv';
      const r = await session.send('POST', `/api/v1/outputs/${tab.api}/import${dryRun ? '?dry_run=1' : ''}`, body, { contentType: type });
      setState(dryRun ? { checked: r } : { saved: r });
      if (!dryRun) onDone();
    } catch (err) {
      setState({ error: err.message, details: err.details || [] });
    }
  };
  const say = (r, dry) => {
    if (works) {
      const matched = r.matched.openalex + r.matched.ror + r.matched.manual + r.matched.name;
      return dry ? t('out.checkedWorks', formatNumber(r.works), formatNumber(r.created), formatNumber(r.updated), formatNumber(matched), formatNumber(r.unmatched))
        : t('out.importedWorks', formatNumber(r.works), formatNumber(r.created), formatNumber(r.updated));
    }
    return t(dry ? 'out.checkedSheet' : 'out.importedSheet', formatNumber(r.total), formatNumber(r.created), formatNumber(r.updated), formatNumber(r.unchanged));
  };
  const id = `out-file-${tab.key}`;
  return html`
    <form class="card form import-form" onSubmit=${(e) => { e.preventDefault(); send(true); }}>
      <h2>${works ? t('out.importWorks') : `${t('out.import')}: ${t(`out.tab.${tab.key}`)}`}</h2>
      <p class="muted">${works ? t('out.importWorksHelp') : t('out.importSheetHelp')}</p>
      <label for=${id}>${t('out.file')}</label>
      <input id=${id} type="file" accept=${works ? '.jsonl,.json,.ndjson,application/x-ndjson' : '.csv,text/csv,.xlsx'} ref=${file} required onChange=${() => setState(null)} />
      <p class="actions">
        <button type="submit" class="button" disabled=${state?.busy}>${t('out.check')}</button>
        ${state?.checked && html` <button type="button" class="button primary" disabled=${state?.busy} onClick=${() => send(false)}>${t('out.save')}</button>`}
      </p>
      ${state?.checked && html`<p role="status">${say(state.checked, true)}</p>`}
      ${state?.saved && html`<p class="form-ok" role="status">${say(state.saved, false)}</p>`}
      ${state?.error && html`<div role="alert"><p class="form-error">${state.error}</p><${Problems} t=${t} details=${state.details} /></div>`}
    </form>`;
}

// ------------------------------------------------------------- the lists

function OutputList({ t, session, hash, tab, reloadSummary }) {
  const params = hashQuery(hash);
  const orgId = params.get('to-chuc') || '';
  const fieldParam = params.get('linh-vuc') || '';
  const [typed, setTyped] = useState('');
  const [q, setQ] = useState('');
  // ?tu-nam=&den-nam= (a count of the collaboration network opens its years)
  const [from, setFrom] = useState(params.get('tu-nam') || '');
  const [to, setTo] = useState(params.get('den-nam') || '');
  const [unit, setUnit] = useState('');
  const [field, setField] = useState(fieldParam);
  const [kind, setKind] = useState('');
  const [offset, setOffset] = useState(0);
  const [version, setVersion] = useState(0);
  const timer = useRef(null);
  useEffect(() => {
    clearTimeout(timer.current);
    timer.current = setTimeout(() => { setQ(typed.trim()); setOffset(0); }, SEARCH_DELAY_MS);
    return () => clearTimeout(timer.current);
  }, [typed]);
  useEffect(() => { setOffset(0); setKind(''); setField(tab.key === 'works' ? fieldParam : ''); }, [tab.key, fieldParam]);
  const [communes] = useLoad('/api/v1/units?kind=commune&limit=1000');
  const [org] = useLoad(orgId ? `/api/v1/organisations/${orgId}` : null);
  const query = new URLSearchParams({ limit: String(PAGE), offset: String(offset) });
  if (q) query.set('q', q);
  if (/^\d{4}$/.test(from)) query.set('year_from', from);
  if (/^\d{4}$/.test(to)) query.set('year_to', to);
  if (unit) query.set('unit_id', unit);
  if (orgId) query.set('organisation_id', orgId);
  if (field && tab.key === 'works') query.set('field', field);
  if (kind && tab.kinds) query.set('kind', kind);
  const [data, error] = useLoad(`/api/v1/outputs/${tab.api}?${query}`, [version, session.me]);
  const rows = data ? data[tab.api] : null;
  const pick = (set) => (e) => { set(e.target.value); setOffset(0); };
  const last = offset + (rows?.length || 0);
  const all = new URLSearchParams(query);
  all.set('limit', '1000');
  all.set('offset', '0');
  all.set('format', 'xlsx');
  const writer = registryWriter(session);
  return html`
    <div class="search">
      <label for="out-search">${t('out.search')}</label>
      <input id="out-search" type="search" value=${typed} placeholder=${t('out.searchHint')} autocomplete="off" onInput=${(e) => setTyped(e.target.value)} />
    </div>
    <div class="filters">
      <label>${t('out.yearFrom')}<input type="number" inputmode="numeric" min="1900" max="2100" value=${from} onInput=${pick(setFrom)} /></label>
      <label>${t('out.yearTo')}<input type="number" inputmode="numeric" min="1900" max="2100" value=${to} onInput=${pick(setTo)} /></label>
      <label>${t('out.unit')}
        <select value=${unit} onChange=${pick(setUnit)}>
          <option value="">${t('out.allUnits')}</option>
          ${(communes?.units || []).map((u) => html`<option value=${u.id}>${u.name}</option>`)}
        </select></label>
      ${tab.key === 'works' && html`<label>${t('out.field')}
        <select value=${field} onChange=${pick(setField)}>
          <option value="">${t('out.allFields')}</option>
          ${(data?.fields || []).map((f) => html`<option value=${f.id}>${f.name || f.id} (${formatNumber(f.works)})</option>`)}
        </select></label>`}
      ${tab.kinds && html`<label>${t('out.kind')}
        <select value=${kind} onChange=${pick(setKind)}>
          <option value="">${t('out.allKinds')}</option>
          ${tab.kinds.map((k) => html`<option value=${k}>${t(`out.kind.${k}`)}</option>`)}
        </select></label>`}
    </div>
    ${orgId && html`<p class="chips"><a class="chip" aria-pressed="true" href=${`#/cong-bo${tab.slug ? `/${tab.slug}` : ''}`}
      title=${t('out.clearOrganisation')}>${t('out.organisation')}: ${org?.name || orgId} ✕</a>
      ${org && html` <a href=${orgHref(org.id)}>${org.name}</a>`}</p>`}
    ${error && html`<p class="form-error" role="alert">${error}</p>`}
    ${data && html`<p class="muted" role="status">${t('out.found', formatNumber(data.total))}</p>`}
    ${!data && !error && html`<p class="muted">${t('out.loading')}</p>`}
    ${data && data.total === 0 && html`<p>${t('out.none')}</p>`}
    ${rows?.length > 0 && html`
      <div class="table-scroll">
        ${tab.key === 'works' ? html`<${WorksTable} t=${t} rows=${rows} />` : html`<${KindTable} t=${t} k=${tab.key} rows=${rows} />`}
      </div>
      <p class="pager">
        <span class="muted">${t('out.page', formatNumber(offset + 1), formatNumber(last), formatNumber(data.total))}</span>
        ${offset > 0 && html` <button type="button" class="button" onClick=${() => setOffset(Math.max(0, offset - PAGE))}>${t('out.prev')}</button>`}
        ${last < data.total && html` <button type="button" class="button" onClick=${() => setOffset(offset + PAGE)}>${t('out.next')}</button>`}
      </p>`}
    <p class="actions">${t('out.exports')}:
      ${tab.key === 'works'
        ? html` <a class="button" href=${`/api/v1/outputs/works?${all}`} download="cong-bo.xlsx">${t('out.exportXlsx')}</a>`
        : html` <a class="button" href=${`/api/v1/outputs/${tab.api}/export?format=xlsx`} download=${`${tab.api}.xlsx`}>${t('out.exportXlsx')}</a>
          <a class="button" href=${`/api/v1/outputs/${tab.api}/export`} download=${`${tab.api}.csv`}>${t('out.exportCsv')}</a>
          ${writer && html`<a class="button" href=${`/api/v1/outputs/${tab.api}/export?format=xlsx&template=1`} download=${`${tab.api}-template.xlsx`}>${t('out.template')}</a>`}`}
    </p>
    ${writer && html`<${Import} t=${t} session=${session} tab=${tab} onDone=${() => { setVersion(version + 1); reloadSummary(); }} />`}`;
}

// --------------------------------------------------------- one publication

function WorkPage({ t, id, headingRef }) {
  const [w, error] = useLoad(`/api/v1/outputs/works/${id}`);
  if (error) return html`<section class="view"><h1 tabindex="-1" ref=${headingRef}>${t('view.cong-bo')}</h1><p class="form-error" role="alert">${error}</p></section>`;
  if (!w) return html`<section class="view"><p class="muted">${t('out.loading')}</p></section>`;
  const facts = [
    [t('out.col.year'), w.year ?? ''],
    [t('out.work.venue'), w.venue || ''],
    [t('out.work.type'), w.type || ''],
    [t('out.col.field'), html`${w.field_id ? html`<a href=${`#/cong-bo?linh-vuc=${encodeURIComponent(w.field_id)}`}>${w.field || w.field_id}</a>` : w.field || ''}${w.subfield ? ` › ${w.subfield}` : ''}`],
    [t('out.col.oa'), w.is_oa === null ? '' : `${t(w.is_oa ? 'out.yes' : 'out.no')}${w.oa_status ? ` (${w.oa_status})` : ''}`],
    [t('out.col.cited'), formatNumber(w.cited_by_count || 0)],
    [t('out.col.fwci'), w.fwci === null ? '' : formatNumber(w.fwci, 3)],
    [t('out.work.percentile'), w.percentile === null ? '' : `${formatNumber(w.percentile * 100, 1)}${w.is_top10 ? ` · ${t('out.top10')}` : ''}`],
    [t('out.work.refs'), formatNumber(w.referenced_works_count || 0)],
    [t('out.work.language'), w.language || ''],
  ].filter(([, v]) => v !== '');
  return html`
    <section class="view view-work">
      <p><a href="#/cong-bo">← ${t('out.work.back')}</a></p>
      <h1 tabindex="-1" ref=${headingRef}>${w.title}</h1>
      ${w.demo && html`<p><span class="badge partial">${t('out.demo')}</span></p>`}
      <dl class="facts">${facts.map(([k, v]) => html`<dt>${k}</dt><dd>${v}</dd>`)}</dl>
      <p>${t('out.work.links')}:
        ${w.doi && html` <a href=${`https://doi.org/${w.doi}`} rel="noopener noreferrer" target="_blank">DOI ${w.doi}</a>`}
        ${w.openalex_id && !w.demo && html` · <a href=${`https://openalex.org/${w.openalex_id}`} rel="noopener noreferrer" target="_blank">OpenAlex ${w.openalex_id}</a>`}
        ${w.openalex_id && w.demo && html` <span class="muted">${w.openalex_id}</span>`}</p>
      <h2>${t('out.work.authors')}</h2>
      <div class="table-scroll">
        <table class="table work-authors">
          <thead><tr><th scope="col">${t('out.work.position')}</th><th scope="col">${t('out.work.author')}</th><th scope="col">${t('out.work.affiliations')}</th></tr></thead>
          <tbody>${w.authors.map((a) => html`
            <tr key=${a.position}>
              <td>${a.position + 1}</td>
              <td>${a.name || ''}${a.is_corresponding && html` <span class="muted">(${t('out.work.corresponding')})</span>`}</td>
              <td>${a.affiliations.map((f, i) => html`${i ? html`<br />` : ''}
                ${f.organisation_id ? html`<a href=${orgHref(f.organisation_id)}>${f.organisation_name}</a> <span class="muted" title=${t(`out.work.match.${f.match}`)}>(${f.name})</span>`
                  : html`${f.name} <span class="badge">${t('out.work.unmatched')}</span>`}
                ${f.country_code && html` <span class="muted">${f.country_code}</span>`}`)}</td>
            </tr>`)}</tbody>
        </table>
      </div>
    </section>`;
}

// ----------------------------------------------- unmatched institutions

const guessKind = (i) => (i.country_code && i.country_code !== 'VN' ? 'foreign_partner'
  : i.type === 'education' ? 'university' : i.type === 'company' ? 'enterprise' : i.type === 'government' ? 'agency' : 'institute');

function LinkForm({ t, session, inst, onLinked, onCancel }) {
  const [typed, setTyped] = useState('');
  const [q, setQ] = useState('');
  const [kind, setKind] = useState(guessKind(inst));
  const [error, setError] = useState('');
  const timer = useRef(null);
  useEffect(() => {
    clearTimeout(timer.current);
    timer.current = setTimeout(() => setQ(typed.trim()), SEARCH_DELAY_MS);
    return () => clearTimeout(timer.current);
  }, [typed]);
  const [found] = useLoad(q ? `/api/v1/organisations?q=${encodeURIComponent(q)}&limit=8` : null);
  const link = async (org) => {
    try {
      const r = await session.send('POST', '/api/v1/outputs/institutions/link', { key: inst.key, organisation_id: org.id });
      onLinked(t('out.review.linked', inst.name, org.name, formatNumber(r.affiliations)));
    } catch (e) {
      setError(e.message);
    }
  };
  const create = async (e) => {
    e.preventDefault();
    try {
      const body = { kind, name: inst.name };
      if (inst.institution_id) body.openalex_id = inst.institution_id;
      if (inst.ror) body.ror = inst.ror;
      const org = await session.send('POST', '/api/v1/organisations', body);
      await link(org);
    } catch (err) {
      setError(err.message);
    }
  };
  const idBase = `link-${inst.key.replace(/[^a-z0-9]/gi, '-')}`;
  return html`
    <div class="card form link-form">
      <label for=${`${idBase}-q`}>${t('out.review.findOrg')}</label>
      <input id=${`${idBase}-q`} type="search" value=${typed} autocomplete="off" onInput=${(e) => setTyped(e.target.value)} />
      ${found?.organisations?.length > 0 && html`<ul>${found.organisations.map((o) => html`
        <li key=${o.id}><button type="button" class="button" onClick=${() => link(o)}>${t('out.review.linkTo', o.name)}</button></li>`)}</ul>`}
      <form onSubmit=${create}>
        <label for=${`${idBase}-kind`}>${t('out.review.createAs')}</label>
        <select id=${`${idBase}-kind`} value=${kind} onChange=${(e) => setKind(e.target.value)}>
          ${ORG_KINDS.map((k) => html`<option value=${k}>${t(`org.kind.${k}`)}</option>`)}
        </select>
        <p class="actions"><button type="submit" class="button">${t('out.review.createSave')}</button>
          <button type="button" class="button" onClick=${onCancel}>${t('out.review.cancel')}</button></p>
      </form>
      ${error && html`<p class="form-error" role="alert">${error}</p>`}
    </div>`;
}

function Review({ t, session, headingRef, reloadSummary }) {
  const [country, setCountry] = useState('VN');
  const [offset, setOffset] = useState(0);
  const [open, setOpen] = useState('');
  const [note, setNote] = useState('');
  const query = new URLSearchParams({ limit: String(PAGE), offset: String(offset) });
  if (country) query.set('country', country);
  const [data, error, reload, status] = useLoad(session.me ? `/api/v1/outputs/institutions?${query}` : null, [session.me]);
  const writer = registryWriter(session);
  const last = offset + (data?.institutions.length || 0);
  return html`
    <section class="view view-outputs-review">
      <p><a href="#/cong-bo">← ${t('out.work.back')}</a></p>
      <h1 tabindex="-1" ref=${headingRef}>${t('out.review.title')}</h1>
      <p class="muted">${t('out.review.intro')}</p>
      ${!session.me && html`<p>${t('out.review.signIn')}</p>`}
      ${session.me && html`
        <div class="filters"><label>${t('out.review.country')}
          <select value=${country} onChange=${(e) => { setCountry(e.target.value); setOffset(0); }}>
            <option value="">${t('out.review.allCountries')}</option>
            ${['VN', 'US', 'GB', 'SG', 'KR', 'JP', 'CN', 'FR', 'DE', 'AU'].map((c) => html`<option value=${c}>${c}</option>`)}
          </select></label></div>`}
      ${error && status !== 401 && html`<p class="form-error" role="alert">${error}</p>`}
      ${note && html`<p class="form-ok" role="status">${note}</p>`}
      ${data && data.total === 0 && html`<p>${t('out.review.none')}</p>`}
      ${data?.institutions.length > 0 && html`
        <div class="table-scroll">
          <table class="table review-table">
            <thead><tr><th scope="col">${t('out.review.name')}</th><th scope="col">${t('out.review.country')}</th><th scope="col">${t('out.review.type')}</th>
              <th scope="col" class="num">${t('out.review.works')}</th>${writer && html`<th scope="col">${t('out.review.action')}</th>`}</tr></thead>
            <tbody>${data.institutions.map((i) => html`
              <tr key=${i.key}>
                <td>${i.name}${i.institution_id && html` <span class="muted">${i.institution_id}</span>`}${i.ror && html` <span class="muted">ROR ${i.ror}</span>`}</td>
                <td>${i.country_code || ''}</td><td>${i.type ? (INST_TYPES.includes(i.type) ? t(`out.instType.${i.type}`) : i.type) : ''}</td><td class="num">${formatNumber(i.works)}</td>
                ${writer && html`<td>${open === i.key
                  ? html`<${LinkForm} t=${t} session=${session} inst=${i} onCancel=${() => setOpen('')}
                      onLinked=${(msg) => { setNote(msg); setOpen(''); reload(); reloadSummary(); }} />`
                  : html`<button type="button" class="button" aria-label=${`${t('out.review.link')}: ${i.name}`} onClick=${() => { setOpen(i.key); setNote(''); }}>${t('out.review.link')}</button>`}</td>`}
              </tr>`)}</tbody>
          </table>
        </div>
        <p class="pager">
          <span class="muted">${t('out.page', formatNumber(offset + 1), formatNumber(last), formatNumber(data.total))}</span>
          ${offset > 0 && html` <button type="button" class="button" onClick=${() => setOffset(Math.max(0, offset - PAGE))}>${t('out.prev')}</button>`}
          ${last < data.total && html` <button type="button" class="button" onClick=${() => setOffset(offset + PAGE)}>${t('out.next')}</button>`}
        </p>`}
    </section>`;
}

// ------------------------------------------------------------- the page

export function OutputsView({ t, session, hash, headingRef }) {
  const path = (hash || '').replace(/^#\/?/, '').split('?')[0].split('/');
  const [summary, , reloadSummary] = useLoad('/api/v1/outputs/summary');
  if (path[1] === 'bai' && /^\d+$/.test(path[2] || '')) return html`<${WorkPage} t=${t} id=${path[2]} headingRef=${headingRef} />`;
  if (path[1] === 'chua-khop') return html`<${Review} t=${t} session=${session} headingRef=${headingRef} reloadSummary=${reloadSummary} />`;
  const tab = TABS.find((x) => x.slug === (path[1] || '')) || TABS[0];
  const query = hashQuery(hash).toString();
  const suffix = query ? `?${query}` : '';
  return html`
    <section class="view view-outputs">
      <h1 tabindex="-1" ref=${headingRef}>${t('view.cong-bo')}</h1>
      <${StmapNav} t=${t} current="cong-bo" />
      <p class="muted">${t('out.intro')}</p>
      <nav class="chips" aria-label=${t('out.tabs')}>
        ${TABS.map((x) => html`<a class="chip" href=${`#/cong-bo${x.slug ? `/${x.slug}` : ''}${suffix}`} aria-current=${x === tab ? 'page' : undefined}
          aria-pressed=${x === tab ? 'true' : 'false'}>${t(`out.tab.${x.key}`)}${summary ? ` (${formatNumber(x.count(summary))})` : ''}</a>`)}
        ${session.me && summary && html`<a class="chip" href="#/cong-bo/chua-khop">${t('out.review', formatNumber(summary.unmatched_institutions))}</a>`}
      </nav>
      <${OutputList} t=${t} session=${session} hash=${hash} tab=${tab} reloadSummary=${reloadSummary} />
    </section>`;
}
