// The "Phân tích độ bất định" panel below an index run's ranking: the steering
// office asks for an uncertainty analysis (runs, seed, weight spread, the
// normalisations and aggregations to draw from, a sensitivity analysis),
// which the server runs in the background; its progress is polled, then
// each unit's rank interval is drawn (the 90 % band, the median, the
// nominal rank) with a table beside it, and, with a sensitivity analysis,
// how much of the ranks' movement each assumption explains.
import { html, useEffect, useRef, useState } from '../../ui.js';
import { formatNumber } from '../../format.js';
import { Chart } from '../../chart.js';
import { ExcelLink } from '../programme/programme.js';

const NORMS = ['minmax', 'zscore'];
const AGGS = ['arithmetic', 'geometric'];
const running = (job) => job && (job.status === 'queued' || job.status === 'running');
const num = (x, digits = 2) => (x === null || x === undefined || !Number.isFinite(x) ? '–' : formatNumber(x, digits));
// Tooltips drawn on the canvas: ECharts' HTML tooltips carry style
// attributes, which the CSP refuses.
const TOOLTIP = { renderMode: 'richText', confine: true };

function intervalOption(t, units) {
  const names = units.map((u) => u.name || u.code);
  const labels = { band: t('unc.band'), median: t('unc.median'), nominal: t('unc.nominal') };
  const tooltip = (list) => {
    const u = units[list[0].dataIndex];
    return [u.name || u.code, `${labels.nominal}: ${num(u.nominal, 0)}`, `${labels.median}: ${num(u.median, 1)}`,
      `${labels.band}: ${num(u.p05, 1)} – ${num(u.p95, 1)}`].join('\n');
  };
  return {
    tooltip: { ...TOOLTIP, trigger: 'axis', axisPointer: { type: 'shadow' }, formatter: tooltip },
    legend: { data: [labels.band, labels.median, labels.nominal] },
    grid: { left: 8, right: 24, containLabel: true },
    xAxis: { type: 'value', min: 1, max: Math.max(units.length, 2), minInterval: 1, name: t('unc.rankAxis'), nameLocation: 'middle',
      nameGap: 24, axisLabel: { formatter: (v) => formatNumber(v) } },
    yAxis: { type: 'category', inverse: true, data: names },
    series: [
      // an invisible bar up to the 5th percentile carries the band from there to the 95th
      { type: 'bar', stack: 'band', silent: true, itemStyle: { color: 'transparent' }, data: units.map((u) => u.p05), barWidth: 10 },
      { name: labels.band, type: 'bar', stack: 'band', itemStyle: { color: '#9cc3e6' }, data: units.map((u) => u.p95 - u.p05), barWidth: 10 },
      // the nominal rank as an upright mark, the median's dot drawn over it
      { name: labels.nominal, type: 'scatter', symbol: 'rect', symbolSize: [4, 22], itemStyle: { color: '#b3261e' },
        data: units.map((u, i) => [u.nominal, i]) },
      { name: labels.median, type: 'scatter', symbol: 'circle', symbolSize: 10, itemStyle: { color: '#1f5f99' },
        data: units.map((u, i) => [u.median, i]) },
    ],
  };
}

function sensitivityOption(t, rows) {
  const names = rows.map((s) => t(`unc.factor.${s.factor}`));
  return {
    tooltip: { ...TOOLTIP, trigger: 'axis', valueFormatter: (v) => num(v, 3) },
    legend: { data: [t('unc.si'), t('unc.sti')] },
    grid: { left: 8, right: 16, containLabel: true },
    xAxis: { type: 'category', data: names },
    yAxis: { type: 'value', min: 0, axisLabel: { formatter: (v) => formatNumber(v) } },
    series: [{ name: t('unc.si'), type: 'bar', data: rows.map((s) => s.si) },
      { name: t('unc.sti'), type: 'bar', data: rows.map((s) => s.sti) }],
  };
}

function Result({ t, job }) {
  const res = job.result;
  const units = res.units.filter((u) => u.nominal !== null);
  return html`
    <div class="uncertainty-result">
      <p class="muted">${t('unc.summary', res.runs, res.samples, res.seed)} ${t('unc.shift', num(res.mean_shift))}
        ${' '}<${ExcelLink} t=${t} url=${`/api/v1/index-uncertainty/${job.id}`} /></p>
      <${Chart} className=${units.length > 15 ? 'chart tall' : 'chart'} option=${intervalOption(t, units)} label=${t('unc.chart')} />
      <div class="table-scroll">
        <table class="table uncertainty-table">
          <thead><tr><th scope="col">${t('idx.unit')}</th><th scope="col">${t('unc.nominal')}</th>
            <th scope="col">${t('unc.median')}</th><th scope="col">${t('unc.band')}</th></tr></thead>
          <tbody>${res.units.map((u) => html`
            <tr><td>${u.name || u.code}</td><td class="num">${num(u.nominal, 0)}</td><td class="num">${num(u.median, 1)}</td>
              <td class="num">${num(u.p05, 1)} – ${num(u.p95, 1)}</td></tr>`)}</tbody>
        </table>
      </div>
      ${res.sensitivity && html`
        <h3>${t('unc.sensitivity')}</h3>
        <table class="table sensitivity-table">
          <thead><tr><th scope="col">${t('unc.factor')}</th><th scope="col">${t('unc.si')}</th><th scope="col">${t('unc.sti')}</th></tr></thead>
          <tbody>${res.sensitivity.map((s) => html`
            <tr><td>${t(`unc.factor.${s.factor}`)}</td><td class="num">${num(s.si, 3)}</td><td class="num">${num(s.sti, 3)}</td></tr>`)}</tbody>
        </table>
        <${Chart} className="chart short" option=${sensitivityOption(t, res.sensitivity)} label=${t('unc.sensitivity')} />`}
    </div>`;
}

function SpecForm({ t, onStart }) {
  const [f, setF] = useState({ runs: '1000', seed: '1', spread: '0.25', norms: [], aggs: [], sensitivity: false });
  const toggle = (key, value) => (e) => setF({ ...f, [key]: e.target.checked ? [...f[key], value] : f[key].filter((x) => x !== value) });
  const submit = (e) => {
    e.preventDefault();
    onStart({ runs: Number(f.runs), seed: Number(f.seed), spread: Number(f.spread.replace(',', '.')),
      normalisations: NORMS.filter((m) => f.norms.includes(m)), aggregations: AGGS.filter((m) => f.aggs.includes(m)),
      sensitivity: f.sensitivity });
  };
  return html`
    <form class="form filters uncertainty-form" onSubmit=${submit}>
      <label>${t('unc.runs')} <input type="number" min="1" max="1000000" step="1" required value=${f.runs}
        onInput=${(e) => setF({ ...f, runs: e.target.value })} /></label>
      <label>${t('unc.seed')} <input type="number" min="0" step="1" required value=${f.seed}
        onInput=${(e) => setF({ ...f, seed: e.target.value })} /></label>
      <label>${t('unc.spread')} <input inputmode="decimal" required value=${f.spread}
        onInput=${(e) => setF({ ...f, spread: e.target.value })} /></label>
      <fieldset class="checks"><legend>${t('unc.norms')}</legend>
        ${NORMS.map((m) => html`<label class="check"><input type="checkbox" checked=${f.norms.includes(m)} onChange=${toggle('norms', m)} />
          ${t(`unc.norm.${m}`)}</label>`)}
      </fieldset>
      <fieldset class="checks"><legend>${t('unc.aggs')}</legend>
        ${AGGS.map((m) => html`<label class="check"><input type="checkbox" checked=${f.aggs.includes(m)} onChange=${toggle('aggs', m)} />
          ${t(`unc.agg.${m}`)}</label>`)}
      </fieldset>
      <label class="check"><input type="checkbox" checked=${f.sensitivity} onChange=${(e) => setF({ ...f, sensitivity: e.target.checked })} />
        ${t('unc.withSensitivity')}</label>
      <button type="submit" class="button primary">${t('unc.start')}</button>
    </form>`;
}

export function UncertaintyPanel({ t, session, run }) {
  const [job, setJob] = useState(null);
  const [error, setError] = useState('');
  const timer = useRef(null), alive = useRef(true);
  const mayStart = session.me.grants.some((g) => g.role === 'steering' || g.role === 'admin');
  // follows job id until it is done or failed
  const follow = async (id) => {
    clearTimeout(timer.current);
    try {
      const j = await session.send('GET', `/api/v1/index-uncertainty/${id}`);
      if (!alive.current) return;
      setJob(j);
      if (running(j)) timer.current = setTimeout(() => follow(id), 500);
    } catch (err) {
      if (alive.current) setError(err.message);
    }
  };
  useEffect(() => {
    alive.current = true;
    setJob(null);
    setError('');
    session.send('GET', `/api/v1/index-runs/${run.id}/uncertainty`).then((d) => { if (d.jobs[0] && alive.current) follow(d.jobs[0].id); }, () => {});
    return () => { alive.current = false; clearTimeout(timer.current); };
  }, [run.id]);
  const start = async (spec) => {
    setError('');
    try {
      const j = await session.send('POST', `/api/v1/index-runs/${run.id}/uncertainty`, spec);
      setJob(j);
      follow(j.id);
    } catch (err) { setError(err.message); }
  };
  return html`
    <section class="card uncertainty" aria-labelledby="unc-title">
      <h2 id="unc-title">${t('unc.title')}</h2>
      <p class="muted">${t('unc.intro')}</p>
      ${mayStart && html`<${SpecForm} t=${t} onStart=${start} />`}
      ${error && html`<p class="form-error" role="alert">${error}</p>`}
      ${running(job) && html`<p class="uncertainty-progress" aria-live="polite">${t('unc.running')}
        ${' '}<progress max="100" value=${job.progress} aria-label=${t('unc.progress')}></progress> ${job.progress}%</p>`}
      ${job && job.status === 'failed' && html`<p class="form-error" role="alert">${t('unc.failed')}: ${job.error}</p>`}
      ${job && job.status === 'done' && job.result && html`<${Result} t=${t} job=${job} />`}
    </section>`;
}
