// Bibliometric indicators of the S&T map: #/chi-so-khcn (a table by
// organisation, commune, field or year, full or fractional counting, a
// period and a kind, sortable, with each value's stability interval and
// the workbook) and #/chi-so-khcn/to-chuc/<id> (one organisation's trend
// by year in both countings and its other outputs) and
// #/chi-so-khcn/so-sanh?to-chuc=1,2 (organisations side by side: every
// indicator over all years and the publications by year).
import { html, useEffect, useRef, useState } from '../../ui.js';
import { apiGet } from '../../api.js';
import { formatNumber } from '../../format.js';
import { Chart } from '../../chart.js';
import { StmapNav } from './stmap_nav.js';

const KINDS = ['university', 'institute', 'enterprise', 'st_enterprise', 'startup', 'innovation_centre', 'fund', 'agency', 'foreign_partner'];
const BYS = ['organisation', 'commune', 'field', 'year'];
// Indicator columns: key, kind of number (count, ratio as %, mean), whether
// it has a stability interval.
const COLUMNS = [
  ['p', 'count'], ['tcs', 'count'], ['mcs', 'mean', true], ['mncs', 'mean', true], ['p_top10', 'count'],
  ['pp_top10', 'share', true], ['pp_top1', 'share', true], ['pp_top50', 'share', true], ['pp_collab', 'share', true],
  ['pp_int_collab', 'share', true], ['pp_industry', 'share'], ['pp_short_dist', 'share'], ['pp_long_dist', 'share'],
  ['mgcd', 'km'], ['h_index', 'count'],
];

const orgHref = (id) => `#/to-chuc/${id}`;
const pageHref = (id) => `#/chi-so-khcn/to-chuc/${id}`;
const mapHref = (unitId) => `#/ban-do?don-vi=${unitId}`;

function show(v, kind) {
  if (v === null || v === undefined) return '–';
  if (kind === 'share') return `${formatNumber(v * 100, 1)}%`;
  if (kind === 'km') return formatNumber(v, 0);
  if (kind === 'mean') return formatNumber(v, 2);
  return formatNumber(v, 2);
}

function useLoad(path) {
  const [state, setState] = useState({ data: null, error: '' });
  useEffect(() => {
    if (!path) return undefined;
    const ctl = new AbortController();
    setState((s) => ({ data: s.data, error: '', busy: true }));
    apiGet(path, { signal: ctl.signal }).then((data) => setState({ data, error: '' }),
      (e) => { if (e.name !== 'AbortError') setState({ data: null, error: e.message }); });
    return () => ctl.abort();
  }, [path]);
  return state;
}

// A value with its interval below it.
function Cell({ t, row, col }) {
  const [key, kind, ci] = col;
  const lo = row[`${key}_lo`], hi = row[`${key}_hi`];
  // a mean distance over part of the publications would mislead
  if (key === 'mgcd' && !(row.p_dist_known >= row.p - 1e-9)) return html`<td class="num" title=${t('sti.distUnknown')}>–</td>`;
  return html`<td class="num">${show(row[key], kind)}${ci && lo !== undefined && lo !== null && lo !== hi && html`
    <br /><small class="muted" title=${t('sti.interval', show(lo, kind), show(hi, kind))}>${show(lo, kind)}–${show(hi, kind)}</small>`}</td>`;
}

function Glossary({ t }) {
  return html`<p class="muted small glossary">${t('sti.glossary')}</p>`;
}

// ------------------------------------------------------------- the table

function nameCell(t, by, r) {
  if (by === 'organisation') return html`<td><a href=${pageHref(r.organisation_id)}>${r.short_name || r.name}</a>
    ${r.short_name && html`<br /><small class="muted"><a href=${orgHref(r.organisation_id)}>${r.name}</a></small>`}</td>`;
  if (by === 'commune') return html`<td><a href=${mapHref(r.unit_id)} title=${t('sti.toMap')}>${r.unit_name}</a>
    ${r.unit_code && html` <small class="muted">${r.unit_code}</small>`}</td>`;
  if (by === 'field') return html`<td><a href=${`#/cong-bo?linh-vuc=${encodeURIComponent(r.field_id)}`}>${r.field || r.field_id}</a></td>`;
  return html`<td>${r.year}</td>`;
}

function firstTitle(t, by) {
  return t({ organisation: 'sti.col.name', commune: 'sti.col.commune', field: 'sti.col.field', year: 'sti.col.year' }[by]);
}

function sortRows(rows, sort) {
  if (!sort) return rows;
  const [key, dir] = sort;
  const val = (r) => (key === 'name' ? (r.short_name || r.name || r.unit_name || r.field || r.year) : r[key]);
  return [...rows].sort((a, b) => {
    const x = val(a), y = val(b);
    if (x === y) return 0;
    if (x === null || x === undefined) return 1;
    if (y === null || y === undefined) return -1;
    const c = typeof x === 'string' ? x.localeCompare(y, 'vi') : x - y;
    return dir === 'asc' ? c : -c;
  });
}

function Table({ t, data, by }) {
  const [sort, setSort] = useState(null);
  useEffect(() => setSort(null), [by]);
  if (!data.rows.length) return html`<p>${t('sti.none')}</p>`;
  const rows = sortRows(data.rows, sort);
  const header = (key, label) => {
    const dir = sort && sort[0] === key ? sort[1] : null;
    const next = dir === 'desc' ? 'asc' : 'desc';
    return html`<th scope="col" aria-sort=${dir === 'asc' ? 'ascending' : dir === 'desc' ? 'descending' : 'none'}>
      <button type="button" class="link-button" title=${t('sti.sortBy', label)} onClick=${() => setSort([key, next])}>
        ${label}${dir === 'asc' ? ' ▲' : dir === 'desc' ? ' ▼' : ''}</button></th>`;
  };
  return html`
    <div class="table-scroll">
      <table class="table sti-table">
        <thead><tr>
          ${header('name', firstTitle(t, by))}
          ${by === 'organisation' && html`<th scope="col">${t('sti.col.unit')}</th>`}
          ${by !== 'organisation' && header('n_organisations', t('sti.col.orgs'))}
          ${COLUMNS.map(([key]) => header(key, t(`sti.col.${key}`)))}
          ${(by === 'organisation' || by === 'commune') && header('patents', t('sti.col.patents'))}
          ${(by === 'organisation' || by === 'commune') && header('spinoffs', t('sti.col.spinoffs'))}
        </tr></thead>
        <tbody>${rows.map((r) => html`
          <tr key=${r.organisation_id ?? r.unit_id ?? r.field_id ?? r.year}>
            ${nameCell(t, by, r)}
            ${by === 'organisation' && html`<td>${r.unit_id ? html`<a href=${mapHref(r.unit_id)} title=${t('sti.toMap')}>${r.unit_name}</a>` : ''}</td>`}
            ${by !== 'organisation' && html`<td class="num">${formatNumber(r.n_organisations)}</td>`}
            ${COLUMNS.map((c) => html`<${Cell} t=${t} row=${r} col=${c} />`)}
            ${(by === 'organisation' || by === 'commune') && html`<td class="num">${show(r.patents, 'count')}</td><td class="num">${show(r.spinoffs, 'count')}</td>`}
          </tr>`)}</tbody>
      </table>
    </div>`;
}

function IndicatorTable({ t, headingRef }) {
  const [by, setBy] = useState('organisation');
  const [counting, setCounting] = useState('fractional');
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [kind, setKind] = useState('');
  const query = new URLSearchParams({ by, counting });
  if (/^\d{4}$/.test(from)) query.set('from', from);
  if (/^\d{4}$/.test(to)) query.set('to', to);
  if (kind) query.set('kind', kind);
  const path = `/api/v1/stmap/indicators?${query}`;
  const { data, error, busy } = useLoad(path);
  return html`
    <h1 ref=${headingRef} tabindex="-1">${t('view.chi-so-khcn')}</h1>
    <${StmapNav} t=${t} current="chi-so-khcn" />
    <p class="muted">${t('sti.intro')}</p>
    <form class="filters sti-filters" onSubmit=${(e) => e.preventDefault()}>
      <label>${t('sti.by')}
        <select value=${by} onChange=${(e) => setBy(e.target.value)}>
          ${BYS.map((b) => html`<option value=${b}>${t(`sti.by.${b}`)}</option>`)}
        </select></label>
      <fieldset class="inline">
        <legend>${t('sti.counting')}</legend>
        ${['fractional', 'full'].map((c) => html`<label class="radio">
          <input type="radio" name="sti-counting" value=${c} checked=${counting === c} onChange=${() => setCounting(c)} />
          ${t(`sti.counting.${c}`)}</label>`)}
      </fieldset>
      <label>${t('sti.from')} <input type="number" inputmode="numeric" min="1900" max="2200" size="5" value=${from}
        onChange=${(e) => setFrom(e.target.value)} /></label>
      <label>${t('sti.to')} <input type="number" inputmode="numeric" min="1900" max="2200" size="5" value=${to}
        onChange=${(e) => setTo(e.target.value)} /></label>
      <label>${t('sti.kind')}
        <select value=${kind} onChange=${(e) => setKind(e.target.value)}>
          <option value="">${t('sti.kind.all')}</option>
          ${KINDS.map((k) => html`<option value=${k}>${t(`org.kind.${k}`)}</option>`)}
        </select></label>
      <a class="button" href=${`${path}&format=xlsx`} download>${t('sti.xlsx')}</a>
      <a class="button" href="#/chi-so-khcn/so-sanh">${t('sti.cmp.open')}</a>
    </form>
    ${error && html`<p class="form-error" role="alert">${error}</p>`}
    ${!data && !error && html`<p class="muted">${t('sti.loading')}</p>`}
    ${data && html`
      <p class="muted small" aria-live="polite">${busy ? t('sti.loading') : t('sti.works', formatNumber(data.works))}</p>
      <${Table} t=${t} data=${data} by=${data.by} />`}
    <${Glossary} t=${t} />`;
}

// ------------------------------------------------------ one organisation

const PAGE_ROWS = ['p', 'tcs', 'mcs', 'mncs', 'p_top10', 'pp_top10', 'pp_top1', 'pp_top50', 'pp_collab', 'pp_int_collab',
  'pp_industry', 'pp_short_dist', 'pp_long_dist', 'mgcd', 'h_index'];
const colOf = (key) => COLUMNS.find((c) => c[0] === key);

function trendOption(t, years) {
  return {
    tooltip: { trigger: 'axis' },
    legend: { top: 0, data: [t('sti.counting.full'), t('sti.counting.fractional'), 'MNCS'] },
    grid: { left: 40, right: 40, top: 56, bottom: 30 },
    xAxis: { type: 'category', data: years.map((y) => String(y.year)) },
    yAxis: [{ type: 'value', name: 'P' }, { type: 'value', name: 'MNCS' }],
    series: [
      { name: t('sti.counting.full'), type: 'bar', data: years.map((y) => y.full.p) },
      { name: t('sti.counting.fractional'), type: 'bar', data: years.map((y) => y.fractional.p) },
      { name: 'MNCS', type: 'line', yAxisIndex: 1, data: years.map((y) => y.fractional.mncs) },
    ],
  };
}

function OrganisationPage({ t, id, headingRef }) {
  const { data, error } = useLoad(`/api/v1/stmap/organisations/${id}/indicators`);
  if (error) return html`<h1 ref=${headingRef} tabindex="-1">${t('view.chi-so-khcn')}</h1><p class="form-error" role="alert">${error}</p>`;
  if (!data) return html`<h1 ref=${headingRef} tabindex="-1">${t('view.chi-so-khcn')}</h1><p class="muted">${t('sti.loading')}</p>`;
  const o = data.organisation;
  const years = data.years;
  return html`
    <p><a href="#/chi-so-khcn">${t('sti.org.back')}</a></p>
    <h1 ref=${headingRef} tabindex="-1">${t('sti.org.title', o.name)}</h1>
    <p><a href=${orgHref(o.organisation_id)}>${t('sti.org.profile')}</a>
      ${o.unit_id && html` · <a href=${mapHref(o.unit_id)}>${o.unit_name}</a>`}</p>
    ${!years.length && html`<p>${t('sti.org.none')}</p>`}
    ${years.length > 0 && html`
      <section class="card">
        <h2>${t('sti.org.trend')}</h2>
        <${Chart} option=${trendOption(t, years)} label=${t('sti.org.trendLabel')} />
      </section>`}
    <section class="card">
      <h2>${t('sti.org.total')}</h2>
      <div class="table-scroll"><table class="table sti-total">
        <thead><tr><th scope="col">${t('sti.org.indicator')}</th><th scope="col">${t('sti.counting.full')}</th><th scope="col">${t('sti.counting.fractional')}</th></tr></thead>
        <tbody>${PAGE_ROWS.map((key) => html`<tr key=${key}><th scope="row">${t(`sti.col.${key}`)}</th>
          <${Cell} t=${t} row=${data.total.full} col=${colOf(key)} /><${Cell} t=${t} row=${data.total.fractional} col=${colOf(key)} /></tr>`)}</tbody>
      </table></div>
    </section>
    ${years.length > 0 && html`
      <section class="card">
        <h2>${t('sti.org.years')}</h2>
        <div class="table-scroll"><table class="table sti-years">
          <thead><tr><th scope="col">${t('sti.col.year')}</th>
            ${['p', 'mncs', 'pp_top10', 'pp_collab'].map((k) => html`<th scope="col">${t(`sti.col.${k}`)} (${t('sti.counting.full')})</th><th scope="col">${t(`sti.col.${k}`)} (${t('sti.counting.fractional')})</th>`)}</tr></thead>
          <tbody>${years.map((y) => html`<tr key=${y.year}><th scope="row">${y.year}</th>
            ${['p', 'mncs', 'pp_top10', 'pp_collab'].map((k) => html`<${Cell} t=${t} row=${y.full} col=${colOf(k)} /><${Cell} t=${t} row=${y.fractional} col=${colOf(k)} />`)}</tr>`)}</tbody>
        </table></div>
        <p><a class="button" href=${`/api/v1/stmap/organisations/${id}/indicators?format=xlsx`} download>${t('sti.xlsx')}</a></p>
      </section>`}
    <section class="card">
      <h2>${t('sti.org.outputs')}</h2>
      <dl class="facts">${Object.entries(data.outputs).map(([k, v]) => html`<dt>${t(`sti.out.${k}`)}</dt><dd>${show(v, 'count')}</dd>`)}</dl>
    </section>
    <${Glossary} t=${t} />`;
}


// ------------------------------------------------ organisations compared

const compareHref = (ids) => `#/chi-so-khcn/so-sanh${ids.length ? `?to-chuc=${ids.join(',')}` : ''}`;

function idsFromHash(hash) {
  const m = /[?&]to-chuc=([\d,]+)/.exec(hash || '');
  return m ? [...new Set(m[1].split(',').filter((x) => /^\d+$/.test(x)))] : [];
}

function useProfiles(ids) {
  const key = ids.join(',');
  const [state, setState] = useState({ key: '', list: [], error: '' });
  useEffect(() => {
    if (!ids.length) { setState({ key, list: [], error: '' }); return undefined; }
    const ctl = new AbortController();
    Promise.all(ids.map((id) => apiGet(`/api/v1/stmap/organisations/${id}/indicators`, { signal: ctl.signal })))
      .then((list) => setState({ key, list, error: '' }),
        (e) => { if (e.name !== 'AbortError') setState({ key, list: [], error: e.message }); });
    return () => ctl.abort();
  }, [key]);
  return state;
}

function compareOption(t, list, counting) {
  const years = [...new Set(list.flatMap((d) => d.years.map((y) => y.year)))].sort((a, b) => a - b);
  return {
    animation: false,
    tooltip: { trigger: 'axis' },
    legend: { top: 0, type: 'scroll' },
    grid: { left: 40, right: 20, top: 40, bottom: 30 },
    xAxis: { type: 'category', data: years.map(String) },
    yAxis: { type: 'value', name: 'P' },
    series: list.map((d) => ({
      name: d.organisation.short_name || d.organisation.name,
      type: 'line',
      data: years.map((yr) => d.years.find((y) => y.year === yr)?.[counting].p ?? 0),
    })),
  };
}

function ComparePage({ t, hash, headingRef }) {
  const ids = idsFromHash(hash);
  const [counting, setCounting] = useState('fractional');
  const { data: all, error: listError } = useLoad('/api/v1/stmap/indicators?by=organisation&counting=fractional');
  const toggle = (id, on) => {
    const next = on ? [...ids, String(id)] : ids.filter((x) => x !== String(id));
    location.replace(compareHref(next));
  };
  const { key, list, error } = useProfiles(ids);
  // the figures of the organisations chosen now, not of an earlier choice
  const shown = key === ids.join(',') && ids.length >= 2 ? list : [];
  // the organisations with publications, and any other once chosen by its link
  const seen = useRef(new Map());
  for (const d of list) seen.current.set(d.organisation.organisation_id, d.organisation);
  const choices = all ? [...all.rows, ...[...seen.current.values()]
    .filter((o) => !all.rows.some((r) => r.organisation_id === o.organisation_id))] : [];
  return html`
    <p><a href="#/chi-so-khcn">${t('sti.org.back')}</a></p>
    <h1 ref=${headingRef} tabindex="-1">${t('sti.cmp.title')}</h1>
    <p class="muted">${t('sti.cmp.intro')}</p>
    ${listError && html`<p class="form-error" role="alert">${listError}</p>`}
    ${all && !all.rows.length && html`<p>${t('sti.none')}</p>`}
    ${choices.length > 0 && html`
      <form class="filters sti-filters" onSubmit=${(e) => e.preventDefault()}>
        <fieldset class="inline sti-choose">
          <legend>${t('sti.cmp.choose')}</legend>
          ${choices.map((r) => html`<label class="radio" key=${r.organisation_id}>
            <input type="checkbox" value=${r.organisation_id} checked=${ids.includes(String(r.organisation_id))}
              onChange=${(e) => toggle(r.organisation_id, e.target.checked)} />
            ${r.short_name || r.name}</label>`)}
        </fieldset>
        <fieldset class="inline">
          <legend>${t('sti.counting')}</legend>
          ${['fractional', 'full'].map((c) => html`<label class="radio">
            <input type="radio" name="sti-cmp-counting" value=${c} checked=${counting === c} onChange=${() => setCounting(c)} />
            ${t(`sti.counting.${c}`)}</label>`)}
        </fieldset>
      </form>`}
    ${error && html`<p class="form-error" role="alert">${error}</p>`}
    ${ids.length < 2 && html`<p>${t('sti.cmp.pick')}</p>`}
    ${shown.length > 0 && html`
      <section class="card">
        <h2>${t('sti.org.total')}</h2>
        <div class="table-scroll"><table class="table sti-compare">
          <thead><tr><th scope="col">${t('sti.org.indicator')}</th>
            ${shown.map((d) => html`<th scope="col"><a href=${pageHref(d.organisation.organisation_id)}
              title=${d.organisation.name}>${d.organisation.short_name || d.organisation.name}</a></th>`)}</tr></thead>
          <tbody>${PAGE_ROWS.map((key) => html`<tr key=${key}><th scope="row">${t(`sti.col.${key}`)}</th>
            ${shown.map((d) => html`<${Cell} t=${t} row=${d.total[counting]} col=${colOf(key)} />`)}</tr>`)}
          <tr><th scope="row">${t('sti.col.unit')}</th>${shown.map((d) => html`<td>${d.organisation.unit_id
            ? html`<a href=${mapHref(d.organisation.unit_id)}>${d.organisation.unit_name}</a>` : '–'}</td>`)}</tr>
          ${Object.keys(shown[0].outputs).map((k) => html`<tr key=${k}><th scope="row">${t(`sti.out.${k}`)}</th>
            ${shown.map((d) => html`<td class="num">${show(d.outputs[k], 'count')}</td>`)}</tr>`)}</tbody>
        </table></div>
      </section>
      ${shown.some((d) => d.years.length > 0) && html`<section class="card">
        <h2>${t('sti.cmp.trend')}</h2>
        <${Chart} option=${compareOption(t, shown, counting)} label=${t('sti.cmp.trendLabel')} />
      </section>`}`}
    <${Glossary} t=${t} />`;
}

export function StIndicatorsView({ t, hash, headingRef }) {
  if (/^#\/chi-so-khcn\/so-sanh/.test(hash || '')) return html`<${ComparePage} t=${t} hash=${hash} headingRef=${headingRef} />`;
  const m = /^#\/chi-so-khcn\/to-chuc\/(\d+)/.exec(hash || '');
  if (m) return html`<${OrganisationPage} t=${t} id=${m[1]} headingRef=${headingRef} />`;
  return html`<${IndicatorTable} t=${t} headingRef=${headingRef} />`;
}
