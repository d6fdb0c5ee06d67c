// #/ban-do: the S&T map. The communes of the city (the children of the
// first top unit, or of the parent of ?don-vi=<unit id>) coloured by a
// layer — a programme indicator for one period (its breakdown by unit from
// /api/v1/dashboard/indicators/{id}) or a bibliometric indicator by
// commune (/api/v1/stmap/indicators?by=commune) filtered by field, years
// and kind of organisation — with the organisations as points; a commune
// chosen on the map or in its list opens a panel with its figures and its
// organisations. ?chi-tieu=<indicator id> opens with that indicator.
// IndicatorMap is the same map for one indicator on its dashboard page.
import { html, useEffect, useRef, useState } from '../../ui.js';
import { apiGet } from '../../api.js';
import { formatNumber } from '../../format.js';
import { periodWords } from '../programme/values/common.js';
import { ChoroplethMap, CLASS_METHODS, centreOf, kindColour, useMapUnits } from './map.js';
import { StmapNav } from './stmap_nav.js';

const KINDS = ['university', 'institute', 'enterprise', 'st_enterprise', 'startup', 'innovation_centre', 'fund', 'agency', 'foreign_partner'];
const ST_KEYS = ['p', 'mncs', 'pp_top10', 'patents', 'n_organisations'];
const ST_LABEL = { n_organisations: 'organisations' };
const isEnglish = () => globalThis.document?.documentElement.lang === 'en';

function useLoad(path) {
  const [state, setState] = useState({ data: null, error: '', path: null });
  useEffect(() => {
    if (!path) { setState({ data: null, error: '', path }); return undefined; }
    const ctl = new AbortController();
    apiGet(path, { signal: ctl.signal }).then((data) => setState({ data, error: '', path }),
      (e) => { if (e.name !== 'AbortError') setState({ data: null, error: e.message, status: e.status, path }); });
    return () => ctl.abort();
  }, [path]);
  return state.path === path ? [state.data, state.error, state.status] : [null, '', 0];
}

const qs = (params) => {
  const q = Object.entries(params).filter(([, v]) => v !== '' && v !== null && v !== undefined)
    .map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('&');
  return q ? `?${q}` : '';
};

// Ratios (PP) are shown as percentages.
const stValue = (key, v) => (v === null || v === undefined ? null : key.startsWith('pp_') ? v * 100 : v);
const indicatorName = (i) => (isEnglish() && i.name_en) || i.name_vi;

// The organisations as points: their own coordinates, else spread around
// the centre of their commune (a golden-angle spiral, the same each time).
function placePoints(orgs, features) {
  const centres = new Map(features.map((f) => [f.properties.id, centreOf(f.geometry)]));
  const seen = new Map();
  const out = [];
  for (const o of orgs) {
    if (Number.isFinite(o.lat) && Number.isFinite(o.lon)) {
      out.push({ ...o, size: o.employees || 0 });
      continue;
    }
    const c = centres.get(o.unit_id);
    if (!c) continue;
    const n = seen.get(o.unit_id) || 0;
    seen.set(o.unit_id, n + 1);
    const r = n ? 0.0022 * Math.sqrt(n) : 0, a = n * 2.39996;
    out.push({ ...o, lon: c[0] + r * Math.cos(a), lat: c[1] + r * Math.sin(a), size: o.employees || 0 });
  }
  return out;
}

// A programme indicator's breakdown as values by unit for one period.
function programmeValues(d, period) {
  const values = new Map(), extra = new Map();
  if (!d) return { values, extra };
  const i = d.series.findIndex((s) => s.period === period);
  for (const r of d.breakdown) {
    const v = i >= 0 ? r.values[i] : r.latest;
    if (v !== null && v !== undefined) values.set(r.unit_id, v);
    extra.set(r.unit_id, r);
  }
  return { values, extra };
}

function Panel({ t, session, feature, layer, value, extra, onClose }) {
  const id = feature.properties.id;
  const [orgs] = useLoad(`/api/v1/organisations?unit_id=${id}&limit=100`);
  const ref = useRef(null);
  // On a phone the panel is under the map: bring it into view.
  useEffect(() => {
    const box = ref.current?.getBoundingClientRect();
    if (box && box.top > innerHeight) ref.current.scrollIntoView({ block: 'start' });
  }, [id]);
  return html`
    <aside class="card map-panel" aria-labelledby="map-panel-title" ref=${ref}>
      <div class="map-panel-head">
        <h2 id="map-panel-title">${session?.me ? html`<a href=${`#/tong-quan/don-vi/${id}`}>${feature.properties.name}</a>` : feature.properties.name}</h2>
        <button type="button" class="link-button" onClick=${onClose}>${t('map.close')}</button>
      </div>
      ${feature.properties.code && html`<p class="unit-code">${feature.properties.code}</p>`}
      ${layer && html`<dl class="map-figures">
        <dt>${layer.href ? html`<a href=${layer.href}>${layer.name}</a>` : layer.name}${layer.period ? ` — ${periodWords(layer.period)}` : ''}</dt>
        <dd class="map-value">${Number.isFinite(value) ? `${formatNumber(value, 2)}${layer.unit ? ` ${layer.unit}` : ''}` : t('map.noData')}</dd>
        ${extra && extra.expected !== undefined && html`<dt>${t('map.reporters')}</dt><dd>${formatNumber(extra.approved || 0)}/${formatNumber(extra.expected || 0)}</dd>`}
        ${extra && extra.n_organisations !== undefined && html`<dt>${t('map.orgCount')}</dt><dd>${formatNumber(extra.n_organisations)}</dd>`}
      </dl>`}
      ${session?.me && html`<p><a href=${`#/tong-quan/don-vi/${id}`}>${t('map.dashboard')}</a></p>`}
      <h3>${t('map.organisations', formatNumber(orgs?.total ?? 0))}</h3>
      ${orgs && (orgs.organisations.length ? html`<ul class="map-orgs">
        ${orgs.organisations.map((o) => html`<li><span class="map-dot" style=${{ background: kindColour(o.kind) }}></span>
          <a href=${`#/to-chuc/${o.id}`}>${o.name}</a> <span class="unit-kind">${t(`org.kind.${o.kind}`)}</span></li>`)}
      </ul>` : html`<p class="muted">${t('map.noOrganisations')}</p>`)}
    </aside>`;
}

// When none of the units on the map has a figure of the indicator for the
// period (it is reported by the city, or not yet by its communes): says so,
// with the city's own figure and how many units it comes from.
function NoUnitValues({ t, dash, period, parentName, href }) {
  const s = dash.series.find((x) => x.period === period);
  const has = s && s.value !== null && s.value !== undefined;
  return html`
    <p class="notice map-no-unit-values">${t('map.noUnitValues', periodWords(period))}
      ${has && html` ${t('map.parentValue', parentName)} <a href=${`${href}?ky=${period}`}>${formatNumber(s.value, 2)}${dash.indicator.measure ? ` ${dash.indicator.measure}` : ''}</a>${' '}(${t('map.parentReporters', formatNumber(s.approved || 0), formatNumber(s.expected || 0))}).`}</p>`;
}

function LayerControls({ t, f, set, indicators, stFields, periods }) {
  return html`
    <div class="filters map-controls">
      <label>${t('map.layer')}
        <select value=${f.layer} onChange=${(e) => set({ layer: e.target.value, period: '' })}>
          <option value="">${t('map.noLayer')}</option>
          <optgroup label=${t('map.layerProgramme')}>
            ${indicators.map((i) => html`<option value=${`ind:${i.id}`}>${i.code} — ${indicatorName(i)}</option>`)}
          </optgroup>
          ${stFields && html`<optgroup label=${t('map.layerSt')}>
            ${ST_KEYS.map((k) => html`<option value=${`st:${k}`}>${t(`map.stIndicator.${ST_LABEL[k] || k}`)}</option>`)}
          </optgroup>`}
        </select></label>
      ${f.layer.startsWith('ind:') && periods.length > 0 && html`<label>${t('map.period')}
        <select value=${f.period} onChange=${(e) => set({ period: e.target.value })}>
          ${[...periods].reverse().map((p) => html`<option value=${p}>${periodWords(p)}</option>`)}
        </select></label>`}
      ${f.layer.startsWith('st:') && html`
        <label>${t('map.field')}
          <select value=${f.field} onChange=${(e) => set({ field: e.target.value })}>
            <option value="">${t('map.allFields')}</option>
            ${stFields.map((x) => html`<option value=${x.field_id}>${x.field || x.field_id}</option>`)}
          </select></label>
        <label>${t('map.yearFrom')}<input type="number" min="1990" max="2100" value=${f.from} onChange=${(e) => set({ from: e.target.value })} /></label>
        <label>${t('map.yearTo')}<input type="number" min="1990" max="2100" value=${f.to} onChange=${(e) => set({ to: e.target.value })} /></label>
        <label>${t('map.counting')}
          <select value=${f.counting} onChange=${(e) => set({ counting: e.target.value })}>
            ${['fractional', 'full'].map((c) => html`<option value=${c}>${t(`map.counting.${c}`)}</option>`)}
          </select></label>`}
      <label>${t('map.classes')}
        <select value=${f.method} onChange=${(e) => set({ method: e.target.value })}>
          ${CLASS_METHODS.map((m) => html`<option value=${m}>${t(`map.method.${m}`)}</option>`)}
        </select></label>
      <label>${t('map.nClasses')}
        <select value=${f.classes} onChange=${(e) => set({ classes: Number(e.target.value) })}>
          ${[3, 4, 5, 6, 7].map((n) => html`<option value=${n}>${n}</option>`)}
        </select></label>
      <label>${t('map.kind')}
        <select value=${f.kind} onChange=${(e) => set({ kind: e.target.value })}>
          <option value="none">${t('map.noPoints')}</option>
          <option value="">${t('map.allKinds')}</option>
          ${KINDS.map((k) => html`<option value=${k}>${t(`org.kind.${k}`)}</option>`)}
        </select></label>
    </div>`;
}

export function MapView({ t, session, hash, headingRef }) {
  const params = new URLSearchParams((hash || '').split('?')[1] || '');
  const asked = Number(params.get('don-vi')) || null;
  const askedIndicator = params.get('chi-tieu');
  const [unit] = useLoad(asked ? `/api/v1/units/${asked}` : null);
  const [roots] = useLoad(asked ? null : '/api/v1/units?parent_id=root&limit=10');
  const parent = asked ? (unit ? unit.parent_id || unit.id : null) : roots?.units?.[0]?.id || null;
  const [map, mapError] = useMapUnits(parent);
  const [indicatorList] = useLoad('/api/v1/indicators?limit=1000');
  const [stFieldsData, stError] = useLoad('/api/v1/stmap/indicators?by=field');
  const stFields = stError ? null : stFieldsData?.rows || (stFieldsData ? [] : null);
  const indicators = indicatorList?.indicators || [];
  const [f, setF] = useState({ layer: askedIndicator ? `ind:${askedIndicator}` : null, period: '', method: 'quantile', classes: 5,
    field: '', from: '', to: '', counting: 'fractional', kind: 'none' });
  const set = (patch) => setF((old) => ({ ...old, ...patch }));
  const [selected, setSelected] = useState(asked);
  useEffect(() => { setSelected(asked); }, [asked]);
  // Opens on the first indicator that communes report, when none is asked.
  useEffect(() => {
    if (f.layer !== null || !indicatorList) return;
    const first = indicators.find((i) => (i.report_kinds || []).includes('commune'));
    set({ layer: first ? `ind:${first.id}` : '' });
  }, [indicatorList]);
  const layerKey = f.layer || '';
  const indId = layerKey.startsWith('ind:') ? layerKey.slice(4) : null;
  const stKey = layerKey.startsWith('st:') ? layerKey.slice(3) : null;
  const [dash] = useLoad(indId && parent ? `/api/v1/dashboard/indicators/${indId}${qs({ unit_id: parent })}` : null);
  const [st] = useLoad(stKey ? `/api/v1/stmap/indicators${qs({ by: 'commune', counting: f.counting, from: f.from, to: f.to, field: f.field })}` : null);
  const [orgs] = useLoad(parent && f.kind !== 'none' ? `/api/v1/map/organisations${qs({ unit: parent, kind: f.kind })}` : null);
  // With a bibliometric layer the points are sized by the organisations' own value of it.
  const [stOrgs] = useLoad(stKey && f.kind !== 'none'
    ? `/api/v1/stmap/indicators${qs({ by: 'organisation', counting: f.counting, from: f.from, to: f.to, field: f.field })}` : null);

  const features = map?.features || [];
  const periods = dash ? dash.series.map((s) => s.period) : [];
  const period = f.period || dash?.map?.period || periods[periods.length - 1] || '';
  let values = new Map(), extra = new Map(), layer = null;
  if (indId && dash) {
    ({ values, extra } = programmeValues(dash, period));
    layer = { name: `${dash.indicator.code} — ${indicatorName(dash.indicator)}`, period, unit: dash.indicator.measure, href: `#/tong-quan/chi-tieu/${indId}`, code: dash.indicator.code };
  } else if (stKey && st) {
    for (const r of st.rows) {
      if (!r.unit_id) continue;
      const v = stValue(stKey, r[stKey]);
      if (v !== null) values.set(r.unit_id, v);
      extra.set(r.unit_id, { n_organisations: r.n_organisations });
    }
    layer = { name: t(`map.stIndicator.${ST_LABEL[stKey] || stKey}`), unit: stKey.startsWith('pp_') ? '%' : '', code: stKey,
      period: f.from || f.to ? `${f.from || '…'}–${f.to || '…'}` : '' };
  }
  let points = orgs ? placePoints(orgs.organisations, features) : [];
  const sizedBy = stKey && stOrgs ? new Map(stOrgs.rows.map((r) => [r.organisation_id, stValue(stKey, r[stKey]) || 0])) : null;
  if (sizedBy) points = points.map((p) => ({ ...p, size: sizedBy.get(p.id) || 0 }));
  const feature = features.find((x) => x.properties.id === selected) || null;
  const choose = (x) => {
    setSelected(x.properties.id);
    history.replaceState(null, '', `#/ban-do?don-vi=${x.properties.id}`);
  };
  const parentName = map?.parent?.properties?.name || '';
  const title = layer ? `${layer.name}${layer.period && indId ? ` — ${periodWords(layer.period)}` : ''} — ${parentName}` : parentName;
  return html`
    <section class="view view-map">
      <h1 ref=${headingRef} tabindex="-1">${t('view.ban-do')}</h1>
      <${StmapNav} t=${t} current="ban-do" />
      <p class="lead">${t('map.intro')}</p>
      <${LayerControls} t=${t} f=${{ ...f, layer: layerKey, period }} set=${set} indicators=${indicators} stFields=${stFields} periods=${periods} />
      ${mapError && html`<p class="form-error" role="alert">${mapError}</p>`}
      ${!map && !mapError && html`<p class="muted" role="status">${t('map.loading')}</p>`}
      ${map && features.length === 0 && html`<p class="notice">${t('map.noBoundaries', parentName)}</p>`}
      ${map && features.length > 0 && indId && dash && !features.some((x) => values.has(x.properties.id))
        && html`<${NoUnitValues} t=${t} dash=${dash} period=${period} parentName=${parentName} href=${layer.href} />`}
      ${map && features.length > 0 && html`
        <div class="map-layout">
          <div class="map-main">
            <${ChoroplethMap} t=${t} features=${features} parent=${map.parent} values=${values} method=${f.method} classes=${f.classes}
              points=${points} selected=${selected} onSelect=${choose} title=${title} suffix=${layer?.unit === '%' ? ' %' : ''}
              pointLegend=${[...new Set(points.map((p) => p.kind))].map((k) => ({ colour: kindColour(k), label: t(`org.kind.${k}`) }))}
              name=${`ban-do${layer?.code ? `-${layer.code}` : ''}${indId && period ? `-${period}` : ''}`} />
            ${points.length > 0 && html`<p class="muted small">${sizedBy ? t('map.legendPointsBy', layer.name) : t('map.legendPoints')}:
              ${[...new Set(points.map((p) => p.kind))].map((k) => html`<span class="map-key"><span class="map-dot" style=${{ background: kindColour(k) }}></span>${t(`org.kind.${k}`)}</span>`)}</p>`}
            <p class="muted small">${t('map.source')}</p>
          </div>
          ${feature ? html`<${Panel} t=${t} session=${session} feature=${feature} layer=${layer} value=${values.get(feature.properties.id)}
              extra=${extra.get(feature.properties.id)} onClose=${() => setSelected(null)} />`
            : html`<p class="card map-panel muted">${t('map.panelHint')}</p>`}
        </div>`}
    </section>`;
}

// The map of one programme indicator's breakdown on its dashboard page:
// drawn when the unit's children have boundaries and figures.
export function IndicatorMap({ t, d }) {
  const [map] = useMapUnits(d.unit.id);
  const [method, setMethod] = useState('quantile');
  const features = map?.features || [];
  const { values } = programmeValues(d, d.map?.period);
  if (!features.length || !features.some((x) => values.has(x.properties.id))) return null;
  const title = `${d.indicator.code} — ${indicatorName(d.indicator)} — ${periodWords(d.map?.period)} — ${d.unit.name}`;
  return html`
    <section class="card">
      <h3>${t('map.byUnit')} · ${periodWords(d.map?.period)}</h3>
      <div class="filters">
        <label>${t('map.classes')}
          <select value=${method} onChange=${(e) => setMethod(e.target.value)}>
            ${CLASS_METHODS.map((m) => html`<option value=${m}>${t(`map.method.${m}`)}</option>`)}
          </select></label>
      </div>
      <${ChoroplethMap} t=${t} features=${features} parent=${map.parent} values=${values} method=${method} title=${title}
        name=${`ban-do-${d.indicator.code}-${d.map?.period || ''}`}
        onSelect=${(x) => { location.hash = `#/ban-do?don-vi=${x.properties.id}&chi-tieu=${d.indicator.indicator_id}`; }} />
    </section>`;
}
