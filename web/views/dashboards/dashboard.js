// The leaders' screens, live from /api/v1/dashboard:
//   #/tong-quan                  the city overview: indicator tiles with
//                                actual vs target and a colour, task counts by
//                                official status, overdue and due-soon tasks,
//                                units ranked by tasks done on time;
//   #/tong-quan/chi-tieu/{id}    an indicator: series by period with targets
//                                and the forecast band, the breakdown by unit
//                                and its map when the units have boundaries;
//   #/tong-quan/don-vi/{id}      a unit's scorecard.
// Every screen filters by document and period, says when its numbers are
// from, and exports to Excel.
import { html, useEffect, useRef, useState } from '../../ui.js';
import { apiSend } from '../../api.js';
import { formatDateTime, formatNumber } from '../../format.js';
import { Chart } from '../../chart.js';
import { dateVi, ExcelLink, taskDeadline } from '../programme/programme.js';
import { LinkedText, useDocumentNumbers } from '../programme/linked.js';
import { periodWords } from '../programme/values/common.js';
import { RegistryRecords } from '../ecosystem/ecosystem.js';
import { IndicatorMap } from '../stmap/mapview.js';

const COLOURS = { green: '#1b7f3a', yellow: '#b7791f', red: '#b3261e', grey: '#6b7280' };
const STATUSES = ['done_on_time', 'done_late', 'open_overdue', 'open_due_soon', 'open_in_time'];
const STATUS_COLOURS = ['#1b7f3a', '#6aa84f', '#b3261e', '#b7791f', '#4a6fa5'];

const num = (x, digits = 2) => (x === null || x === undefined || !Number.isFinite(x) ? '–' : formatNumber(x, digits));
const pct = (x) => (x === null || x === undefined || !Number.isFinite(x) ? '–' : `${formatNumber(x, 1)}%`);

// ECharts pieces: tooltips drawn on the canvas (its HTML tooltips carry
// style="..." attributes, which the CSP refuses: a console error on every
// hover) and numbers on axes and labels the Vietnamese way.
const TOOLTIP = { renderMode: 'richText', confine: true, valueFormatter: (v) => num(v) };
const VI_AXIS = { formatter: (v) => formatNumber(v) };
const VI_LABEL = { show: true, position: 'right', formatter: (p) => num(p.value) };

// "#/tong-quan/chi-tieu/7" -> ['chi-tieu', '7']
export function dashboardSubroute(hash) {
  const parts = hash.replace(/^#\/?/, '').split('?')[0].split('/');
  return parts[0] === 'tong-quan' ? parts.slice(1) : [];
}

function query(params) {
  const q = Object.entries(params).filter(([, v]) => v !== '' && v !== undefined && v !== null)
    .map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('&');
  return q ? `?${q}` : '';
}

function AsOf({ t, data }) {
  if (!data?.as_of) return null;
  return html`<p class="as-of muted">${t('dash.asOf', formatDateTime(new Date(data.as_of)))}</p>
    ${data.updating && html`<p class="notice updating" role="status">${t('dash.updating')}</p>`}`;
}

function ColourBadge({ t, tile }) {
  return html`<span class=${`badge colour colour-${tile.colour}`} title=${t(`dash.meaning.${tile.colour}`)}>
    ${tile.colour_vi} · ${t(`dash.meaning.${tile.colour}`)}</span>`;
}

function Sparkline({ tile }) {
  if (!tile.trend || tile.trend.length < 2) return null;
  const option = {
    animation: false, grid: { left: 2, right: 2, top: 4, bottom: 2 },
    xAxis: { type: 'category', show: false, data: tile.trend.map((p) => p.period) },
    yAxis: { type: 'value', show: false, scale: true },
    series: [{ type: 'line', data: tile.trend.map((p) => p.value), symbol: 'none', lineStyle: { color: COLOURS[tile.colour], width: 2 } }],
    tooltip: { ...TOOLTIP, trigger: 'axis' },
  };
  return html`<${Chart} className="sparkline" option=${option} label=${tile.trend.map((p) => `${p.period}: ${num(p.value)}`).join(', ')} />`;
}

// How many of the units that must report are in the figure, when it comes
// from more than the unit itself; and a newer period still being gathered,
// with its provisional figure marked as such.
function Completeness({ t, tile }) {
  const p = tile.partial;
  return html`
    ${tile.expected > 1 && html`<p class="tile-reporters muted small">${t('complete.from', formatNumber(tile.approved), formatNumber(tile.expected))}</p>`}
    ${p && html`<div class="tile-partial">
      <p><span class="badge partial">${t('complete.partialBadge')}</span>
        ${t('complete.partial', periodWords(p.period), formatNumber(p.approved), formatNumber(p.expected))}</p>
      <p class="muted small">${t('complete.partialValue', `${num(p.value)} ${tile.measure || ''}`.trim())} · <a href=${`#/tong-quan/chi-tieu/${tile.indicator_id}?ky=${p.period}`}>${t('complete.see')}</a></p>
    </div>`}`;
}

export function Tile({ t, tile }) {
  return html`
    <article class=${`card tile tile-${tile.colour}`}>
      <h3><a href=${`#/tong-quan/chi-tieu/${tile.indicator_id}`}>${tile.name_vi}</a></h3>
      <p class="tile-actual"><span class="value">${num(tile.actual)}</span> ${tile.measure || ''} ${tile.period && html`<span class="muted">(${periodWords(tile.period)})</span>`}</p>
      <${Completeness} t=${t} tile=${tile} />
      <p class="tile-target">${tile.target !== null ? t('dash.target', num(tile.target), tile.target_period) : t('dash.noTarget')}
        ${tile.percent_of_target !== null && html` · ${t('dash.ofTarget', pct(tile.percent_of_target))}`}</p>
      <p><${ColourBadge} t=${t} tile=${tile} /></p>
      <p class="muted small">${t(`dash.method.${tile.method}`)}${tile.probability !== null && tile.method !== 'actual'
        ? ` · ${t('dash.probability', pct(tile.probability * 100))}` : ''}</p>
      <${Sparkline} tile=${tile} />
    </article>`;
}

// tasks: the reader sees tasks, so may pick the day of their statuses
// (empty: today).
function Filters({ t, f, setF, periods, tasks }) {
  const [docs, setDocs] = useState([]);
  useEffect(() => { apiSend('GET', '/api/v1/documents?limit=1000').then((d) => setDocs(d.documents), () => setDocs([])); }, []);
  return html`
    <div class="filters">
      <label for="dash-doc">${t('dash.document')}</label>
        <select id="dash-doc" value=${f.document_id} onChange=${(e) => setF({ ...f, document_id: e.target.value })}>
          <option value="">${t('tasks.any')}</option>
          ${docs.map((d) => html`<option value=${d.id}>${d.number}</option>`)}
        </select>
      ${f.document_id && html`<a class="doc-link" href=${`#/van-ban/${f.document_id}`}>${t('doc.open', docs.find((d) => String(d.id) === String(f.document_id))?.number || '')}</a>`}
      <label for="dash-period">${t('dash.period')}</label>
        <select id="dash-period" value=${f.period} onChange=${(e) => setF({ ...f, period: e.target.value })}>
          <option value="">${t('dash.latest')}</option>
          ${periods.map((p) => html`<option value=${p}>${periodWords(p)}</option>`)}
        </select>
      ${tasks && html`<label for="dash-as-of">${t('clock.asOf')}</label>
        <input id="dash-as-of" type="date" value=${f.as_of || ''} onInput=${(e) => setF({ ...f, as_of: e.target.value })} />`}
    </div>`;
}

// Periods to choose from: those the tiles show, newest first, and their years.
function periodsOf(data, keep) {
  const set = new Set(keep ? [keep] : []);
  for (const tile of data?.indicators || []) for (const p of tile.trend || []) { set.add(p.period); set.add(p.period.slice(0, 4)); }
  return [...set].sort((a, b) => (a < b ? 1 : a > b ? -1 : 0));
}

function TaskList({ t, tasks, empty }) {
  const ids = useDocumentNumbers();
  if (!tasks || tasks.length === 0) return html`<p class="muted">${empty}</p>`;
  return html`
    <ul class="task-list">
      ${tasks.map((x) => html`<li><span class=${`badge status-${x.status}`}>${x.status_label}</span>
        <a class="task-code" href=${`#/nhiem-vu/${encodeURIComponent(x.code)}`}><strong>${x.code}</strong></a> <${LinkedText} text=${x.title} ids=${ids} /> — ${x.lead_unit_name}, ${taskDeadline(t, x)}</li>`)}
    </ul>`;
}

function TaskCounts({ t, data }) {
  if (!data.task_counts) return null;
  const option = {
    tooltip: TOOLTIP, grid: { left: 8, right: 24, top: 8, bottom: 8, containLabel: true },
    xAxis: { type: 'value', minInterval: 1, axisLabel: VI_AXIS },
    yAxis: { type: 'category', inverse: true, data: STATUSES.map((s) => t(`task.${s}`)) },
    series: [{ type: 'bar', label: VI_LABEL,
      data: STATUSES.map((s, i) => ({ value: data.task_counts[s], itemStyle: { color: STATUS_COLOURS[i] } })) }],
  };
  return html`
    <section class="card">
      <h2>${t('dash.tasks', formatNumber(data.task_total))}</h2>
      <p class="muted small">${t('dash.tasksAsOf', dateVi(data.tasks_as_of))}</p>
      <ul class="counts">${STATUSES.map((s) => html`<li><span class=${`badge status-${s}`}>${t(`task.${s}`)}</span> <strong>${formatNumber(data.task_counts[s])}</strong></li>`)}</ul>
      <${Chart} className="chart short" option=${option} label=${t('dash.tasks', data.task_total)} />
    </section>`;
}

function Ranking({ t, rows }) {
  if (!rows || rows.length === 0) return null;
  return html`
    <section class="card">
      <h2>${t('dash.ranking')}</h2>
      <div class="table-scroll"><table class="table">
        <thead><tr><th scope="col">${t('idx.rank')}</th><th scope="col">${t('idx.unit')}</th><th scope="col">${t('dash.assigned')}</th>
          <th scope="col">${t('task.done_on_time')}</th><th scope="col">${t('dash.overdue')}</th><th scope="col">${t('dash.share')}</th></tr></thead>
        <tbody>${rows.map((r) => html`<tr><td>${r.rank}</td><td><a href=${`#/tong-quan/don-vi/${r.unit_id}`}>${r.unit_name}</a></td>
          <td class="num">${formatNumber(r.assigned)}</td><td class="num">${formatNumber(r.done_on_time)}</td>
          <td class="num">${formatNumber(r.overdue)}</td><td class="num">${pct(r.share_on_time * 100)}</td></tr>`)}</tbody>
      </table></div>
    </section>`;
}

function ColourCounts({ t, counts }) {
  if (!counts) return null;
  return html`<ul class="counts colour-counts">${['green', 'yellow', 'red', 'grey'].map((c) => html`
    <li><span class=${`badge colour colour-${c}`}>${t(`dash.colour.${c}`)}</span> <strong>${formatNumber(counts[c])}</strong></li>`)}</ul>`;
}

function useDashboard(url) {
  const [data, setData] = useState(null);
  const [error, setError] = useState('');
  useEffect(() => {
    setError('');
    if (url) apiSend('GET', url).then(setData, (e) => { setData(null); setError(e.message); });
  }, [url]);
  return [data, error];
}

export function OverviewView({ t, headingRef, footer }) {
  const [f, setF] = useState({ document_id: '', period: '' });
  const url = `/api/v1/dashboard${query(f)}`;
  const [data, error] = useDashboard(url);
  return html`
    <section class="view view-dashboard">
      <h1 tabindex="-1" ref=${headingRef}>${t('view.tong-quan')}${data?.unit ? ` — ${data.unit.name}` : ''}</h1>
      <${Filters} t=${t} f=${f} setF=${setF} periods=${periodsOf(data, f.period)} tasks=${!!(data?.task_counts || f.as_of)} />
      ${error && html`<p class="form-error" role="alert">${error}</p>`}
      ${data && html`
        <div class="dash-head">
          <${AsOf} t=${t} data=${data} />
          <p>${t('dash.period')}: <strong class="dash-period">${data.period ? periodWords(data.period) : '–'}</strong> <${ExcelLink} t=${t} url=${url} /></p>
        </div>
        ${data.period_in_progress && html`<p class="note in-progress" role="status">
          ${t('complete.inProgress', periodWords(data.period_in_progress), periodWords(data.period))}</p>`}
        <section>
          <h2>${t('dash.indicators', formatNumber(data.indicators.length))}</h2>
          <${ColourCounts} t=${t} counts=${data.indicator_colours} />
          <div class="tiles">${data.indicators.map((tile) => html`<${Tile} t=${t} tile=${tile} />`)}</div>
        </section>
        ${data.task_counts && html`
          <div class="cards">
            <${TaskCounts} t=${t} data=${data} />
            <section class="card"><h2>${t('dash.overdueList')}</h2><${TaskList} t=${t} tasks=${data.overdue} empty=${t('dash.noneOverdue')} /></section>
            <section class="card"><h2>${t('dash.dueSoonList')}</h2><${TaskList} t=${t} tasks=${data.due_soon} empty=${t('dash.noneDueSoon')} /></section>
          </div>
          <${Ranking} t=${t} rows=${data.ranking} />`}`}
      ${footer}
    </section>`;
}

// A period code's end as a year with decimals (2025Q3 -> 2025.75, 2025 ->
// 2026) and, on equal ends, the shorter period first (2030Q4 before 2030).
function periodEnd(code) {
  const m = /^(\d{4})(?:([SQM]?)(\d{1,2}))?$/.exec(code || '');
  if (!m) return null;
  const y = Number(m[1]), n = Number(m[3]);
  if (!m[3]) return { end: y + 1, rank: 0 };
  const per = { S: 2, Q: 4, M: 12, '': 12 }[m[2]];
  return { end: y + n / per, rank: { S: 1, Q: 2, '': 3, M: 4 }[m[2]] };
}
const byTime = (a, b) => (periodEnd(a).end - periodEnd(b).end) || (periodEnd(b).rank - periodEnd(a).rank);

// Actual by period; targets as points (on the period of the axis that ends
// with them, e.g. 2030 on 2030Q4, else on their own) and a dashed line at
// the last one; the forecast from the last figure with its 80% band shaded.
function seriesOption(t, d) {
  const points = d.forecast?.points || [];
  const periods = [...new Set([...d.series.map((s) => s.period), ...points.map((p) => p.period)])].filter(periodEnd);
  const targetAt = new Map();
  for (const x of (d.targets || []).filter((x) => periodEnd(x.period))) {
    const end = periodEnd(x.period).end;
    const on = periods.find((p) => periodEnd(p).end === end) || x.period;
    if (!periods.includes(on)) periods.push(on);
    targetAt.set(on, x);
  }
  periods.sort(byTime);
  const at = (list, key) => periods.map((p) => { const x = list.find((s) => s.period === p); return x ? x[key] : null; });
  const complete = d.series.filter((x) => x.complete !== false), partial = d.series.filter((x) => x.complete === false);
  const actual = at(complete, 'value'), provisional = at(partial, 'value');
  const forecast = at(points, 'value'), low = at(points, 'low'), high = at(points, 'high');
  const targets = periods.map((p) => (targetAt.has(p) ? targetAt.get(p).value : null));
  let last = -1;
  actual.forEach((v, i) => { if (v !== null) last = i; });
  if (points.length && last >= 0) { // the forecast and its band start from the last figure
    forecast[last] = actual[last];
    low[last] = actual[last];
    high[last] = actual[last];
  }
  const lastTarget = [...targetAt.values()].sort((a, b) => byTime(a.period, b.period)).pop();
  const names = { actual: t('dash.actual'), forecast: t('dash.forecast'), target: t('dash.targetSeries'), band: t('dash.band'),
    partial: t('complete.partialSeries') };
  const tooltip = (list) => {
    const i = list[0].dataIndex;
    const lines = [periodWords(periods[i])];
    if (actual[i] !== null) lines.push(`${names.actual}: ${num(actual[i])}`);
    if (provisional[i] !== null) lines.push(`${names.partial}: ${num(provisional[i])}`);
    if (forecast[i] !== null && i !== last) lines.push(`${names.forecast}: ${num(forecast[i])}`);
    if (low[i] !== null && high[i] !== null && i !== last) lines.push(`${names.band}: ${num(low[i])} – ${num(high[i])}`);
    if (targets[i] !== null) lines.push(`${names.target}: ${num(targets[i])}`);
    return lines.join('\n');
  };
  return {
    tooltip: { ...TOOLTIP, trigger: 'axis', formatter: tooltip },
    legend: { data: [names.actual, ...(partial.length ? [names.partial] : []), names.forecast, names.band, names.target] },
    grid: { left: 8, right: 16, containLabel: true },
    xAxis: { type: 'category', data: periods, axisLabel: { rotate: 30, hideOverlap: true, formatter: (p) => periodWords(p) } },
    yAxis: { type: 'value', scale: true, axisLabel: VI_AXIS },
    series: [
      { name: 'band-low', type: 'line', data: low, stack: 'band', stackStrategy: 'all', symbol: 'none', lineStyle: { opacity: 0 }, silent: true },
      { name: names.band, type: 'line', data: high.map((h, i) => (h === null || low[i] === null ? null : h - low[i])), stack: 'band',
        stackStrategy: 'all', symbol: 'none', silent: true, lineStyle: { opacity: 0 }, itemStyle: { color: 'rgba(74,111,165,0.5)' },
        areaStyle: { color: 'rgba(74,111,165,0.22)' } },
      { name: names.actual, type: 'line', data: actual, connectNulls: true,
        markLine: lastTarget ? { symbol: 'none', silent: true, lineStyle: { type: 'dashed', color: '#b3261e' },
          label: { position: 'insideEndTop', formatter: `${names.target} ${lastTarget.period}: ${num(lastTarget.value)}` },
          data: [{ yAxis: lastTarget.value }] } : undefined },
      { name: names.forecast, type: 'line', data: forecast, lineStyle: { type: 'dashed' } },
      { name: names.target, type: 'scatter', data: targets, symbol: 'diamond', symbolSize: 14, itemStyle: { color: '#b3261e' } },
      { name: names.partial, type: 'scatter', data: provisional, symbol: 'emptyCircle', symbolSize: 10, itemStyle: { color: '#6b7280' } },
    ],
  };
}

// DHIS2's reporting-rate summary for the indicator over the chosen unit,
// by child unit, for one period picked in words; and who has not reported.
function CompletenessSection({ t, id, unit, periods, initial, focus }) {
  const [period, setPeriod] = useState(initial || '');
  useEffect(() => { setPeriod(initial || ''); }, [initial]);
  const ref = useRef(null);
  useEffect(() => { if (focus) ref.current?.scrollIntoView({ block: 'start' }); }, [focus]);
  const [c, error] = useDashboard(period ? `/api/v1/completeness${query({ indicator_id: id, unit_id: unit, period })}` : null);
  const rate = (x) => pct(x);
  const row = (name, r, href) => html`<tr>
    <td>${href ? html`<a href=${href}>${name}</a>` : html`<strong>${name}</strong>`}</td>
    <td class="num">${formatNumber(r.expected)}</td><td class="num">${formatNumber(r.reported)}</td>
    <td class="num">${formatNumber(r.approved)}</td><td class="num">${formatNumber(r.on_time)}</td><td class="num">${rate(r.rate)}</td></tr>`;
  return html`
    <section class="card completeness" ref=${ref}>
      <h3>${t('complete.title')}</h3>
      <div class="filters">
        <label for="complete-period">${t('complete.period')}</label>
        <select id="complete-period" value=${period} onChange=${(e) => setPeriod(e.target.value)}>
          ${[...periods].reverse().map((p) => html`<option value=${p}>${periodWords(p)}</option>`)}
        </select>
      </div>
      ${error && html`<p class="form-error" role="alert">${error}</p>`}
      ${c && html`
        <p class="muted small">${t('complete.threshold', pct(c.threshold))}</p>
        ${c.total.expected === 0 ? html`<p class="muted">${t('complete.noneExpected')}</p>` : html`
          <div class="table-scroll"><table class="table">
            <thead><tr><th scope="col">${t('complete.unit')}</th><th scope="col">${t('complete.expected')}</th>
              <th scope="col">${t('complete.reported')}</th><th scope="col">${t('complete.approved')}</th>
              <th scope="col">${t('complete.onTime')}</th><th scope="col">${t('complete.rate')}</th></tr></thead>
            <tbody>${c.children.map((r) => row(r.name, r, `#/tong-quan/don-vi/${r.unit_id}`))}</tbody>
            <tfoot>${row(`${t('complete.total')} — ${c.unit.name}`, c.total, null)}</tfoot>
          </table></div>
          <h4>${t('complete.missing', formatNumber(c.total.expected - c.total.reported))}</h4>
          ${c.missing.length === 0 ? html`<p class="muted">${t('complete.noneMissing')}</p>` : html`<ul class="missing-units">
            ${c.missing.map((u) => html`<li><a href=${`#/tong-quan/don-vi/${u.unit_id}`}>${u.name}</a></li>`)}</ul>`}`}`}
    </section>`;
}

// The periods of a kind offered for a series' range, in words: those of
// the programme's horizon (2020 to 2030), newest last.
const RANGE_YEARS = [2020, 2030];
function periodsOfKind(kind) {
  const out = [];
  for (let y = RANGE_YEARS[0]; y <= RANGE_YEARS[1]; y++) {
    if (kind === 'year') out.push(`${y}`);
    else if (kind === 'half') out.push(`${y}S1`, `${y}S2`);
    else if (kind === 'quarter') for (let q = 1; q <= 4; q++) out.push(`${y}Q${q}`);
    else for (let m = 1; m <= 12; m++) out.push(`${y}${String(m).padStart(2, '0')}`);
  }
  return out;
}

function PeriodBound({ id, kind, value, onChange }) {
  return html`
    <select id=${id} value=${value} onChange=${(e) => onChange(e.target.value)}>
      <option value="">—</option>
      ${periodsOfKind(kind).map((c) => html`<option value=${c}>${periodWords(c)}</option>`)}
    </select>`;
}

function IndicatorPage({ t, id, session }) {
  const [unit, setUnit] = useState('');
  const [units, setUnits] = useState([]);
  const [range, setRange] = useState({ kind: '', from: '', to: '' });
  const [registry, setRegistry] = useState(null);
  useEffect(() => { apiSend('GET', '/api/v1/units?limit=10000').then((d) => setUnits(d.units), () => setUnits([])); }, []);
  useEffect(() => { apiSend('GET', `/api/v1/indicators/${id}`).then((d) => setRegistry(d.registry || null), () => setRegistry(null)); }, [id]);
  const url = `/api/v1/dashboard/indicators/${id}${query({ unit_id: unit, ...range })}`;
  const [d, error] = useDashboard(url);
  const asked = new URLSearchParams(location.hash.split('?')[1] || '').get('ky');
  if (error) return html`<p class="form-error" role="alert">${error}</p>`;
  if (!d) return null;
  const rows = [...d.breakdown].sort((a, b) => (b.latest ?? -Infinity) - (a.latest ?? -Infinity));
  const barOption = {
    tooltip: TOOLTIP, grid: { left: 8, right: 32, containLabel: true }, xAxis: { type: 'value', axisLabel: VI_AXIS },
    yAxis: { type: 'category', inverse: true, data: rows.filter((r) => r.latest !== null).map((r) => r.name) },
    series: [{ type: 'bar', data: rows.filter((r) => r.latest !== null).map((r) => r.latest), label: VI_LABEL }],
  };
  return html`
    <h2>${d.indicator.name_vi} <span class="muted">(${d.indicator.code})</span> <${ExcelLink} t=${t} url=${url} /></h2>
    <${AsOf} t=${t} data=${d} />
    <div class="filters">
      <label for="ind-unit">${t('tasks.unit')}</label>
      <select id="ind-unit" value=${unit} onChange=${(e) => setUnit(e.target.value)}>
        <option value="">${d.unit.name}</option>
        ${units.map((u) => html`<option value=${u.id}>${u.name}</option>`)}
      </select>
      <label for="ind-kind">${t('dash.by')}</label>
      <select id="ind-kind" value=${range.kind || d.kind} onChange=${(e) => setRange({ kind: e.target.value, from: '', to: '' })}>
        ${['year', 'half', 'quarter', 'month'].map((k) => html`<option value=${k}>${t(`dash.kind.${k}`)}</option>`)}
      </select>
      <label for="ind-from">${t('dash.from')}</label>
      <${PeriodBound} id="ind-from" kind=${range.kind || d.kind} value=${range.from} onChange=${(from) => setRange({ ...range, kind: range.kind || d.kind, from })} />
      <label for="ind-to">${t('dash.to')}</label>
      <${PeriodBound} id="ind-to" kind=${range.kind || d.kind} value=${range.to} onChange=${(to) => setRange({ ...range, kind: range.kind || d.kind, to })} />
    </div>
    ${d.tile && html`<div class="tiles single"><${Tile} t=${t} tile=${d.tile} /></div>`}
    <section class="card">
      <h3>${t('dash.series', t(`dash.kind.${d.kind}`))} · ${t(`dash.method.${d.forecast.method}`)}</h3>
      <${Chart} option=${seriesOption(t, d)} label=${t('dash.series', d.kind)} />
    </section>
    ${rows.length > 0 && html`
      <section class="card">
        <h3>${t('dash.breakdown', periodWords(d.map.period) || '')}</h3>
        ${rows.some((r) => r.latest !== null) && html`<${Chart} className="chart tall" option=${barOption} label=${t('dash.breakdown', periodWords(d.map.period) || '')} />`}
        <div class="table-scroll"><table class="table">
          <thead><tr><th scope="col">${t('idx.unit')}</th>${d.series.map((s) => html`<th scope="col">${periodWords(s.period)}</th>`)}</tr></thead>
          <tbody>${rows.map((r) => html`<tr><td><a href=${`#/tong-quan/don-vi/${r.unit_id}`}>${r.name}</a></td>
            ${r.values.map((v) => html`<td class="num">${num(v)}</td>`)}</tr>`)}</tbody>
        </table></div>
      </section>`}
    ${rows.length > 0 && html`<${IndicatorMap} t=${t} d=${d} />`}
    ${registry && html`<p class="notice">${t('eco.fromRegistry')}</p>
      <${RegistryRecords} t=${t} id=${id} unit=${unit || d.unit.id}
        year=${String(d.tile?.period || [...d.series].reverse().find((x) => x.value !== null)?.period || '').slice(0, 4)} />`}
    ${session?.me ? html`<${CompletenessSection} t=${t} id=${id} unit=${unit} periods=${d.series.map((x) => x.period)}
        initial=${asked || d.tile?.partial?.period || d.tile?.period || d.series.at(-1)?.period} focus=${!!asked} />`
      : html`<p class="muted">${t('complete.signIn')}</p>`}`;
}

function UnitPage({ t, id, session }) {
  const [f, setF] = useState({ document_id: '', period: '' });
  const url = `/api/v1/dashboard/units/${id}${query(f)}`;
  const [d, error] = useDashboard(session.me ? url : null);
  if (!session.me) return html`<p>${t('tasks.signIn')}</p>`;
  if (error) return html`<p class="form-error" role="alert">${error}</p>`;
  if (!d) return null;
  return html`
    <h2>${d.unit.name} <${ExcelLink} t=${t} url=${url} /></h2>
    <${AsOf} t=${t} data=${d} />
    <${Filters} t=${t} f=${f} setF=${setF} periods=${periodsOf(d, f.period)} tasks=${true} />
    <${ColourCounts} t=${t} counts=${d.indicator_colours} />
    <div class="tiles">${d.indicators.map((tile) => html`<${Tile} t=${t} tile=${tile} />`)}</div>
    <div class="cards">
      <${TaskCounts} t=${t} data=${d} />
      <section class="card"><h3>${t('dash.overdueList')}</h3><${TaskList} t=${t} tasks=${d.overdue} empty=${t('dash.noneOverdue')} /></section>
    </div>
    <section class="card"><h3>${t('dash.unitTasks', formatNumber(d.tasks.length))}</h3><${TaskList} t=${t} tasks=${d.tasks} empty=${t('dash.noTasks')} /></section>`;
}

export function DashboardDetailView({ t, session, headingRef, sub }) {
  const [kind, id] = sub;
  return html`
    <section class="view view-dashboard">
      <h1 tabindex="-1" ref=${headingRef}>${t(kind === 'chi-tieu' ? 'dash.indicatorPage' : 'dash.unitPage')}</h1>
      <p><a href="#/tong-quan">← ${t('view.tong-quan')}</a></p>
      ${kind === 'chi-tieu' ? html`<${IndicatorPage} t=${t} id=${id} session=${session} />` : html`<${UnitPage} t=${t} id=${id} session=${session} />`}
    </section>`;
}
