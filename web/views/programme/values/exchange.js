// A unit's report through Excel, as offices do it: choose the unit and the
// period (in words, never typed as a code), download the template made for
// them (only what the unit reports, last period's value and the target
// beside each empty cell), fill it in Excel or LibreOffice, upload it: the
// file is read back and shown row by row — what would be created, what
// would change, how many empty cells are left unreported — and nothing is
// saved until the person confirms. Every refused cell is listed by row and
// column in the reader's language.
//
//   <${ExcelExchange} t=${t} session=${session} onDone=${refresh} />
import { html, useState } from '../../../ui.js';
import { loadLang } from '../../../i18n.js';
import { sayMessage } from '../../../api.js';
import { formatNumber } from '../../../format.js';
import { periodWords } from './common.js';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

// The periods a template is usually wanted for, newest first: the quarters
// of this year and the last, then the two years. The default is the last
// quarter that has ended.
export function templatePeriods(today = new Date()) {
  const y = today.getFullYear(), q = Math.floor(today.getMonth() / 3) + 1;
  const out = [];
  // every quarter of this year and the last, newest first
  for (let year = y, n = q; year >= y - 1; ) {
    out.push(`${year}Q${n}`);
    if (--n === 0) { year--; n = 4; }
  }
  out.push(`${y}`, `${y - 1}`);
  return { periods: out, current: q === 1 ? `${y - 1}Q4` : `${y}Q${q - 1}` };
}

// The units the person reports for (officer or administrator grants).
function reportingUnits(me) {
  return [...new Map((me?.grants || []).filter((g) => g.role === 'officer' || g.role === 'admin')
    .map((g) => [g.unit_id, g])).values()];
}

export function ExcelExchange({ t, session, onDone }) {
  const units = reportingUnits(session.me);
  const { periods, current } = templatePeriods();
  const [unit, setUnit] = useState(units[0]?.unit_id || '');
  const [period, setPeriod] = useState(current);
  const [preview, setPreview] = useState(null);   // { file, bytes, csv, answer }
  const [result, setResult] = useState(null);
  const [busy, setBusy] = useState(false);
  if (units.length === 0) return null;   // nobody here reports: nothing to offer
  const lang = loadLang();

  const send = (bytes, csv, dry) => session.send('POST', `/api/v1/values/import${dry ? '?dry_run=1' : ''}`, bytes,
    { contentType: csv ? 'text/csv' : XLSX });

  const choose = async (e) => {
    const file = e.target.files[0];
    e.target.value = '';
    if (!file) return;
    setResult(null);
    setPreview(null);
    setBusy(true);
    try {
      const bytes = new Uint8Array(await file.arrayBuffer());
      const csv = file.name.toLowerCase().endsWith('.csv');
      setPreview({ name: file.name, bytes, csv, answer: await send(bytes, csv, true) });
    } catch (err) {
      setResult({ error: err.message, problems: err.details || [] });
    } finally {
      setBusy(false);
    }
  };

  const save = async () => {
    setBusy(true);
    try {
      const r = await send(preview.bytes, preview.csv, false);
      setPreview(null);
      setResult({ ok: t('xl.saved', r.created, r.updated) });
      onDone?.();
    } catch (err) {
      setResult({ error: err.message, problems: err.details || [] });
    } finally {
      setBusy(false);
    }
  };

  const href = `/api/v1/values/template?unit_id=${unit}&period=${period}&format=xlsx&lang=${lang}`;
  const rows = preview?.answer.rows || [];
  return html`
    <section class="card excel-exchange" aria-labelledby="xl-title">
      <h2 id="xl-title">${t('xl.title')}</h2>
      <p class="muted">${t('xl.help')}</p>
      <div class="filters">
        ${units.length > 1 ? html`
          <label>${t('xl.unit')}
            <select value=${unit} onChange=${(e) => setUnit(e.target.value)}>
              ${units.map((g) => html`<option value=${g.unit_id}>${g.unit_name}</option>`)}
            </select></label>` : html`<p><strong>${units[0].unit_name}</strong></p>`}
        <label>${t('xl.period')}
          <select value=${period} onChange=${(e) => setPeriod(e.target.value)}>
            ${periods.map((p) => html`<option value=${p}>${periodWords(p, lang)}</option>`)}
          </select></label>
        <a class="button" href=${href} download>${t('xl.download')}</a>
        <label class="button">${t('xl.upload')}
          <input type="file" class="visually-hidden" accept=".xlsx,.csv" disabled=${busy} onChange=${choose} /></label>
      </div>
      ${busy && html`<p class="muted" role="status">${t('xl.reading')}</p>`}
      ${result?.ok && html`<p class="form-ok" role="status">${result.ok}</p>`}
      ${result?.error && html`<p class="form-error" role="alert">${result.error}</p>`}
      ${result?.problems?.length > 0 && html`
        <div class="table-scroll">
          <table class="table problems">
            <caption>${t('xl.problems')}</caption>
            <thead><tr><th scope="col">${t('xl.row')}</th><th scope="col">${t('xl.column')}</th><th scope="col">${t('xl.problem')}</th></tr></thead>
            <tbody>${result.problems.map((p) => html`<tr><td>${p.row}</td><td>${p.column || p.field}</td><td>${sayMessage(p) || p.message}</td></tr>`)}</tbody>
          </table>
        </div>`}
      ${preview && html`
        <div class="excel-preview">
          <h3>${t('xl.previewTitle', preview.name)}</h3>
          <p role="status">${t('xl.previewSummary', rows.length, preview.answer.skipped || 0)}</p>
          ${rows.length > 0 && html`
            <div class="table-scroll">
              <table class="table excel-rows">
                <thead><tr>
                  <th scope="col">${t('xl.row')}</th><th scope="col">${t('xl.indicator')}</th><th scope="col">${t('xl.unitCol')}</th>
                  <th scope="col">${t('xl.periodCol')}</th><th scope="col" class="num">${t('xl.value')}</th>
                  <th scope="col">${t('xl.note')}</th><th scope="col">${t('xl.action')}</th>
                </tr></thead>
                <tbody>${rows.map((r) => html`<tr>
                  <td><span class="cell-label">${t('xl.row')}: </span>${r.row}</td>
                  <td><strong>${r.indicator_name}</strong> <span class="muted">(${r.indicator_code})</span></td>
                  <td><span class="cell-label">${t('xl.unitCol')}: </span>${r.unit_name}</td>
                  <td><span class="cell-label">${t('xl.periodCol')}: </span>${periodWords(r.period, lang)}</td>
                  <td class="num"><span class="cell-label">${t('xl.value')}: </span>${formatNumber(r.value, 4)}${r.measure ? ` ${r.measure}` : ''}</td>
                  <td>${r.note ? html`<span class="cell-label">${t('xl.note')}: </span>${r.note}` : ''}</td>
                  <td>${r.action === 'create' ? t('xl.create')
                    : t('xl.update', r.previous_value === null ? '—' : formatNumber(r.previous_value, 4))}</td>
                </tr>`)}</tbody>
              </table>
            </div>`}
          <div class="filters">
            ${rows.length > 0 && html`<button type="button" class="button primary" disabled=${busy} onClick=${save}>${t('xl.save', rows.length)}</button>`}
            <button type="button" class="button" disabled=${busy} onClick=${() => setPreview(null)}>${t('xl.cancel')}</button>
          </div>
        </div>`}
    </section>`;
}
