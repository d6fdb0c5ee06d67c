// The ecosystem's landing page #/he-sinh-thai: what the registry holds, each
// count a link to its list; the indicators computed from the registry with
// the city's figure of this year; the sectors. #/he-sinh-thai/ho-so/<indicator
// id>?don-vi=<unit id>&nam=<year> lists the records behind one figure
// (RegistryRecords, also on the indicator's dashboard page).
import { html, useEffect, useState } from '../../ui.js';
import { apiGet } from '../../api.js';
import { formatNumber } from '../../format.js';
import { loadLang } from '../../i18n.js';

// GET path, or null while it loads; an error is shown in place.
function useGet(path) {
  const [state, setState] = useState({ data: null, error: null });
  useEffect(() => {
    if (!path) return undefined;
    let live = true;
    setState({ data: null, error: null });
    apiGet(path).then((data) => live && setState({ data, error: null }), (error) => live && setState({ data: null, error }));
    return () => { live = false; };
  }, [path]);
  return [state.data, state.error];
}

function dateVi(iso) {
  if (!iso || !/^\d{4}-\d{2}-\d{2}/.test(iso)) return iso || '';
  const [y, m, d] = iso.slice(0, 10).split('-');
  return `${d}/${m}/${y}`;
}

const thisYear = () => String(new Date(Date.now() + 7 * 3600 * 1000).getUTCFullYear());

// One count of the registry, a link to its list.
function Count({ t, href, label, path, field = 'total' }) {
  const [d, error] = useGet(path);
  return html`
    <a class="card eco-count" href=${href}>
      <span class="eco-count-n">${error ? '—' : d ? formatNumber(d[field] ?? 0) : '…'}</span>
      <span class="eco-count-label">${label}</span>
    </a>`;
}

// The records behind the figure of indicator id over unit for year.
export function RegistryRecords({ t, id, unit, year, heading = true }) {
  const path = id && unit && year ? `/api/v1/indicators/${id}/registry?unit_id=${unit}&period=${year}&limit=200` : null;
  const [d, error] = useGet(path);
  if (error) return html`<p class="form-error" role="alert">${error.message}</p>`;
  if (!d) return html`<p class="muted">${t('eco.loading')}</p>`;
  const amount = d.measure === 'sum';
  return html`
    <section class="card registry-records">
      ${heading && html`<h3>${t('eco.records.title', formatNumber(d.total), d.period)}</h3>`}
      <p class="muted small">${t(`eco.records.how.${d.entity}.${d.stock ? 'stock' : 'flow'}`, d.period)}</p>
      ${d.records.length === 0 ? html`<p class="muted">${t('eco.records.none')}</p>` : html`
        <div class="table-scroll"><table class="table">
          <thead><tr><th scope="col">${t('eco.records.name')}</th><th scope="col">${t('eco.records.unit')}</th>
            <th scope="col">${t('eco.records.date')}</th>${amount && html`<th scope="col">${t('eco.records.amount')}</th>`}</tr></thead>
          <tbody>${d.records.map((r) => html`<tr>
            <td><a href=${`#/to-chuc/${r.organisation_id}`}>${d.entity === 'organisation' ? r.organisation : `${r.name} — ${r.organisation}`}</a></td>
            <td>${r.unit_code ? html`<a href=${`#/tong-quan/don-vi/${r.unit_id ?? ''}`}>${r.unit_name}</a>` : r.unit_name}</td>
            <td>${dateVi(r.date)}</td>${amount && html`<td class="num">${formatNumber(r.amount)}</td>`}</tr>`)}</tbody>
        </table></div>
        ${d.total > d.records.length && html`<p class="muted small">${t('eco.records.more', formatNumber(d.records.length), formatNumber(d.total))}</p>`}`}
    </section>`;
}

function RecordsPage({ t, hash }) {
  const id = hash.replace(/^#\/he-sinh-thai\/ho-so\//, '').split(/[/?]/)[0];
  const params = new URLSearchParams(hash.split('?')[1] || '');
  const [ind] = useGet(id ? `/api/v1/indicators/${id}` : null);
  const [units] = useGet('/api/v1/units?limit=10000');
  const unit = params.get('don-vi') || units?.units?.find((u) => !u.parent_id)?.id;
  const year = params.get('nam') || thisYear();
  const unitName = units?.units?.find((u) => String(u.id) === String(unit))?.name;
  return html`
    <p><a href="#/he-sinh-thai">← ${t('view.he-sinh-thai')}</a></p>
    ${ind && html`<h2><a href=${`#/tong-quan/chi-tieu/${ind.id}`}>${ind.name_vi}</a> <span class="muted">(${ind.code})</span></h2>`}
    ${unitName && html`<p>${t('eco.records.scope', unitName, year)}</p>`}
    ${unit && html`<${RegistryRecords} t=${t} id=${id} unit=${unit} year=${year} />`}`;
}

// The indicators computed from the registry, with the whole tree's figure
// of this year and a link to the records behind it.
function RegistryIndicators({ t }) {
  const [list] = useGet('/api/v1/indicators?limit=1000');
  const [units] = useGet('/api/v1/units?limit=10000');
  const roots = units?.units?.filter((u) => !u.parent_id) || [];
  const inds = (list?.indicators || []).filter((i) => i.registry);
  const year = thisYear();
  const codes = inds.map((i) => i.code).join(',');
  const [figures, setFigures] = useState({});
  useEffect(() => {
    if (!codes || roots.length !== 1) return;
    Promise.all(inds.map((i) => apiGet(`/api/v1/rollup?indicator=${encodeURIComponent(i.code)}&unit_id=${roots[0].id}&periods=${year}`)
      .then((r) => [i.code, r.values?.[0] ?? null], () => [i.code, null])))
      .then((pairs) => setFigures(Object.fromEntries(pairs)));
  }, [codes, roots.length]);
  if (!inds.length) return null;
  const name = (i) => (loadLang() === 'en' && i.name_en ? i.name_en : i.name_vi);
  return html`
    <section class="card">
      <h2>${t('eco.indicators.title')}</h2>
      <p class="muted small">${t('eco.indicators.about')}</p>
      <div class="table-scroll"><table class="table">
        <thead><tr><th scope="col">${t('eco.indicators.name')}</th><th scope="col">${t('eco.indicators.value', year)}</th>
          <th scope="col">${t('eco.indicators.records')}</th></tr></thead>
        <tbody>${inds.map((i) => {
          const f = figures[i.code];
          return html`<tr>
            <td><a href=${`#/tong-quan/chi-tieu/${i.id}`}>${name(i)}</a> <span class="muted">(${i.code})</span></td>
            <td class="num">${f && f.value !== null ? html`${formatNumber(f.value)} ${i.measure || ''}${f.reporters ? html`<br /><span class="muted small">${t('eco.indicators.units', formatNumber(f.reporters))}</span>` : ''}` : '—'}</td>
            <td>${roots[0] && html`<a href=${`#/he-sinh-thai/ho-so/${i.id}?don-vi=${roots[0].id}&nam=${year}`}>${t('eco.indicators.see')}</a>`}</td></tr>`;
        })}</tbody>
      </table></div>
    </section>`;
}

function Sectors({ t }) {
  const [d] = useGet('/api/v1/sectors');
  if (!d) return null;
  const en = loadLang() === 'en';
  return html`
    <section class="card">
      <h2>${t('eco.sectors.title')}</h2>
      <ul class="chips">${d.sectors.map((s) => html`<li><a class="chip" href=${`#/to-chuc?linh-vuc=${s.code}`}>${en ? s.name_en : s.name_vi}</a></li>`)}</ul>
    </section>`;
}

export function EcosystemView({ t, hash, headingRef }) {
  const records = /^#\/he-sinh-thai\/ho-so\//.test(hash || '');
  return html`
    <section class="view view-ecosystem">
      <h1 tabindex="-1" ref=${headingRef}>${t(records ? 'eco.records.heading' : 'eco.heading')}</h1>
      ${records ? html`<${RecordsPage} t=${t} hash=${hash} />` : html`
        <p class="muted">${t('about.he-sinh-thai')}</p>
        <div class="eco-counts">
          <${Count} t=${t} href="#/to-chuc" label=${t('view.to-chuc')} path="/api/v1/organisations?limit=1" />
          <${Count} t=${t} href="#/mang-luoi" label=${t('view.mang-luoi')} path="/api/v1/networks" />
          <${Count} t=${t} href="#/mang-luoi" label=${t('view.tai-nguyen')} path="/api/v1/resources?limit=1" />
          <${Count} t=${t} href="#/thoa-thuan" label=${t('view.thoa-thuan')} path="/api/v1/agreements?limit=1" />
          <${Count} t=${t} href="#/quy" label=${t('eco.funds')} path="/api/v1/funds?limit=1" />
        </div>
        <${RegistryIndicators} t=${t} />
        <${Sectors} t=${t} />`}
    </section>`;
}
