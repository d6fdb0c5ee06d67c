// "Chỉ số" (#/chi-so): composite indices. Definitions (JSON) are uploaded
// in versions; an index is run over the programme's approved figures for a
// period and a kind of unit (e.g. every phường/xã), or over an uploaded
// table; the ranking shows scores per level, the change since the previous
// period and a bar chart; a unit's profile shows its pillar scores against
// the median and its strongest and weakest indicators; below, the run's
// uncertainty analysis (./uncertainty.js). The server computes a run in
// the background: after starting one, the page follows it (queued,
// running with its progress, then the ranking) and its starter may cancel
// it.
import { html, useEffect, useRef, useState } from '../../ui.js';
import { PeriodSelect } from '../programme/values/grid.js';
import { formatNumber } from '../../format.js';
import { Chart } from '../../chart.js';
import { ExcelLink } from '../programme/programme.js';
import { UncertaintyPanel } from './uncertainty.js';
import { sayMessage } from '../../api.js';

const KINDS = ['commune', 'department', 'agency', 'university', 'enterprise', 'innovation_centre'];

const median = (xs) => {
  const v = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (v.length === 0) return NaN;
  return v.length % 2 ? v[(v.length - 1) / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
};
const fmt = (x) => (x === null || x === undefined || !Number.isFinite(x) ? '–' : formatNumber(x, 2));

function change(t, c) {
  if (c === null || c === undefined) return html`<span class="muted">–</span>`;
  if (c > 0) return html`<span class="up" title=${t('idx.up')}>▲ ${c}</span>`;
  if (c < 0) return html`<span class="down" title=${t('idx.down')}>▼ ${-c}</span>`;
  return html`<span class="muted">＝</span>`;
}

function Profile({ t, results, unit }) {
  const root = results.aggregates.find((a) => !a.parent) || results.aggregates[0];
  const pillars = results.aggregates.filter((a) => a.parent === root.code);
  const med = Object.fromEntries(pillars.map((p) => [p.code, median(results.units.map((u) => u.scores[p.code]))]));
  const inds = results.indicators.map((i) => ({ ...i, value: unit.normalised?.[i.code] })).filter((i) => Number.isFinite(i.value))
    .sort((a, b) => b.value - a.value);
  const option = {
    tooltip: { renderMode: 'richText', confine: true }, legend: { data: [unit.name, t('idx.median')] }, grid: { left: 8, right: 8, containLabel: true },
    xAxis: { type: 'category', data: pillars.map((p) => p.name || p.code), axisLabel: { interval: 0, rotate: 30 } },
    yAxis: { type: 'value' },
    series: [{ name: unit.name, type: 'bar', data: pillars.map((p) => unit.scores[p.code]) },
      { name: t('idx.median'), type: 'line', data: pillars.map((p) => med[p.code]) }],
  };
  return html`
    <section class="card profile">
      <h3>${t('idx.profile', unit.name)}</h3>
      <${Chart} option=${option} label=${t('idx.profile', unit.name)} />
      <div class="columns">
        <div><h4>${t('idx.strongest')}</h4><ol>${inds.slice(0, 3).map((i) => html`<li>${i.name || i.code}: ${fmt(i.value)}</li>`)}</ol></div>
        <div><h4>${t('idx.weakest')}</h4><ol>${inds.slice(-3).reverse().map((i) => html`<li>${i.name || i.code}: ${fmt(i.value)}</li>`)}</ol></div>
      </div>
    </section>`;
}

function Ranking({ t, run }) {
  const [unit, setUnit] = useState(null);
  const res = run.results;
  const root = res.aggregates.find((a) => !a.parent) || res.aggregates[0];
  const levels = res.aggregates.filter((a) => a.code !== root.code && a.parent === root.code);
  const top = res.units.slice(0, 40);
  const option = {
    tooltip: { renderMode: 'richText', confine: true }, grid: { left: 8, right: 24, containLabel: true },
    xAxis: { type: 'value' }, yAxis: { type: 'category', inverse: true, data: top.map((u) => u.name) },
    series: [{ type: 'bar', data: top.map((u) => u.scores[root.code]), label: { show: true, position: 'right' } }],
  };
  return html`
    <section class="card ranking">
      <h2>${t('idx.ranking', res.name, run.period || t('idx.table'))}
        ${' '}<${ExcelLink} t=${t} url=${`/api/v1/index-runs/${run.id}`} /></h2>
      ${res.previous_period && html`<p class="muted">${t('idx.since', res.previous_period)}</p>`}
      <div class="table-scroll">
        <table class="table">
          <thead><tr><th scope="col">${t('idx.rank')}</th><th scope="col">${t('idx.unit')}</th><th scope="col">${root.name || root.code}</th>
            ${levels.map((a) => html`<th scope="col">${a.name || a.code}</th>`)}<th scope="col">${t('idx.change')}</th></tr></thead>
          <tbody>${res.units.map((u) => html`
            <tr class=${unit?.code === u.code ? 'selected' : ''}>
              <td>${u.ranks[root.code] ?? '–'}</td>
              <td><button type="button" class="link" onClick=${() => setUnit(u)}>${u.name}</button></td>
              <td class="num">${fmt(u.scores[root.code])}</td>
              ${levels.map((a) => html`<td class="num">${fmt(u.scores[a.code])}</td>`)}
              <td>${change(t, u.rank_change?.[root.code])}</td>
            </tr>`)}</tbody>
        </table>
      </div>
      <${Chart} className="chart tall" option=${option} label=${t('idx.chart')} />
      ${unit && html`<${Profile} t=${t} results=${res} unit=${unit} />`}
    </section>`;
}

const unfinished = (r) => r && (r.status === 'queued' || r.status === 'running');

// A run that is not (yet) a ranking: queued, running, failed or cancelled.
function RunStatus({ t, session, run, onChange }) {
  const [error, setError] = useState('');
  const mine = run.created_by === session.me.person?.id;
  const cancel = async () => {
    setError('');
    try { onChange(await session.send('POST', `/api/v1/index-runs/${run.id}/cancel`)); } catch (err) { setError(err.message); }
  };
  return html`
    <section class="card run-status" aria-live="polite">
      ${run.status === 'queued' && html`<p>${t('idx.queued')}</p>`}
      ${run.status === 'running' && html`<p>${t('idx.running')}
        ${' '}<progress max="100" value=${run.progress} aria-label=${t('idx.progress')}></progress> ${run.progress}%</p>`}
      ${run.status === 'failed' && html`<p class="form-error" role="alert">${t('idx.failed')}: ${sayMessage(run.error_detail) ?? run.error}</p>`}
      ${run.status === 'cancelled' && html`<p class="muted">${t('idx.cancelled')}</p>`}
      ${unfinished(run) && mine && html`<button type="button" class="button" onClick=${cancel}>${t('idx.cancel')}</button>`}
      ${error && html`<p class="form-error" role="alert">${error}</p>`}
    </section>`;
}

function RunForm({ t, session, code, onRun }) {
  const [f, setF] = useState({ period: String(new Date().getFullYear() - 1), kind: 'commune' });
  const [error, setError] = useState('');
  const run = async (e) => {
    e.preventDefault();
    setError('');
    try {
      onRun(await session.send('POST', `/api/v1/indices/${encodeURIComponent(code)}/runs`, { period: f.period, kind: f.kind }));
    } catch (err) { setError(err.message); }
  };
  const upload = async (e) => {
    const file = e.target.files[0];
    if (!file) return;
    setError('');
    try {
      onRun(await session.send('POST', `/api/v1/indices/${encodeURIComponent(code)}/runs`, await file.text(), { contentType: 'text/csv' }));
    } catch (err) { setError(err.message); }
    e.target.value = '';
  };
  return html`
    <form class="card form filters" onSubmit=${run}>
      <label>${t('idx.period')} <${PeriodSelect} t=${t} label=${t('idx.period')} value=${f.period} onChange=${(period) => setF({ ...f, period })} /></label>
      <label>${t('idx.kind')}
        <select value=${f.kind} onChange=${(e) => setF({ ...f, kind: e.target.value })}>
          ${KINDS.map((k) => html`<option value=${k}>${t(`kind.${k}`)}</option>`)}
        </select></label>
      <button type="submit" class="button primary">${t('idx.run')}</button>
      <label class="button">${t('idx.uploadTable')}<input type="file" accept=".csv,text/csv" class="visually-hidden" onChange=${upload} /></label>
      ${error && html`<p class="form-error" role="alert">${error}</p>`}
    </form>`;
}

export function IndicesView({ t, session, headingRef }) {
  const [list, setList] = useState(null);
  const [code, setCode] = useState('');
  const [run, setRun] = useState(null);           // the ranking shown: a finished run
  const [pending, setPending] = useState(null);   // the newest run when it is not finished or failed
  const [error, setError] = useState('');
  const timer = useRef(null);
  // follows a run until it is finished; a finished one becomes the ranking
  const follow = (r) => {
    clearTimeout(timer.current);
    if (r.status === 'done') {
      setPending(null);
      setRun(r);
      return;
    }
    setPending(r);
    if (unfinished(r)) {
      timer.current = setTimeout(() => session.send('GET', `/api/v1/index-runs/${r.id}`).then(follow, (e) => setError(e.message)), 500);
    }
  };
  useEffect(() => () => clearTimeout(timer.current), []);
  const load = () => session.send('GET', '/api/v1/indices').then((d) => {
    setList(d.indices);
    if (!code && d.indices[0]) setCode(d.indices[0].code);
  }, (e) => setError(e.message));
  useEffect(() => { if (session.me) load(); }, [session.me]);
  useEffect(() => {
    if (!code) return;
    clearTimeout(timer.current);
    setRun(null);
    setPending(null);
    session.send('GET', `/api/v1/indices/${encodeURIComponent(code)}/runs`).then(async (d) => {
      const done = d.runs.find((r) => r.status === 'done');
      if (done) setRun(await session.send('GET', `/api/v1/index-runs/${done.id}`));
      if (d.runs[0] && d.runs[0].status !== 'done') follow(d.runs[0]);
    }, () => {});
  }, [code]);
  if (!session.me) {
    return html`<section class="view"><h1 tabindex="-1" ref=${headingRef}>${t('view.chi-so')}</h1><p>${t('idx.signIn')}</p></section>`;
  }
  // Defining an index and running it are the steering office's and
  // administrators' (the server refuses others); everyone reads the runs.
  const mayRun = session.me.grants.some((g) => g.role === 'steering' || g.role === 'admin');
  const uploadDef = async (e) => {
    const file = e.target.files[0];
    if (!file) return;
    setError('');
    try {
      const saved = await session.send('POST', '/api/v1/indices', JSON.parse(await file.text()));
      await load();
      setCode(saved.code);
    } catch (err) { setError(err.message); }
    e.target.value = '';
  };
  return html`
    <section class="view view-indices">
      <h1 tabindex="-1" ref=${headingRef}>${t('view.chi-so')}</h1>
      <p class="lead">${t('about.chi-so')}</p>
      <div class="filters">
        <label>${t('idx.index')}
          <select value=${code} onChange=${(e) => setCode(e.target.value)}>
            ${(list || []).map((i) => html`<option value=${i.code}>${i.name} (${i.code}, ${t('idx.version', i.version)})</option>`)}
          </select></label>
        ${mayRun && html`<label class="button">${t('idx.uploadDef')}<input type="file" accept=".json,application/json" class="visually-hidden" onChange=${uploadDef} /></label>`}
        ${code && html`<a class="button" href=${`/api/v1/indices/${encodeURIComponent(code)}/definition`} download=${`${code}.json`}>${t('idx.exportDef')}</a>`}
      </div>
      ${error && html`<p class="form-error" role="alert">${error}</p>`}
      ${list && list.length === 0 && html`<p class="muted">${t('idx.none')}</p>`}
      ${code && mayRun && html`<${RunForm} t=${t} session=${session} code=${code} onRun=${follow} />`}
      ${pending && html`<${RunStatus} t=${t} session=${session} run=${pending} onChange=${follow} />`}
      ${code && !mayRun && !run && !pending && html`<p class="muted">${t('idx.noRunYet')}</p>`}
      ${run && html`<${Ranking} t=${t} run=${run} />`}
      ${run && html`<${UncertaintyPanel} t=${t} session=${session} run=${run} />`}
    </section>`;
}
