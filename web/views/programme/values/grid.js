// "Nhập số liệu" (#/nhap-lieu): the data-entry grid of one unit and one
// period. The period is picked from a list in words ("Quý III/2025",
// "6 tháng đầu năm 2025", "Năm 2025"); every indicator the unit reports is
// a row with last period's value and the target beside the cell. Typing
// asks the server's rules (POST /api/v1/values/check) and shows their
// flags in place; leaving a cell saves it as a draft; one "Gửi" sends the
// whole grid (POST /api/v1/values/submit, one transaction) and names every
// refused row. Read-only for those who may only read the unit.
import { html, useEffect, useRef, useState } from '../../../ui.js';
import { apiSend, sayMessage } from '../../../api.js';
import { loadLang } from '../../../i18n.js';
import { formatNumber } from '../../../format.js';
import { Refusals, periodWords } from './common.js';

const ROW_STATUSES = ['draft', 'submitted', 'approved', 'returned'];

// The periods offered, newest first in each group: the quarters, halves
// and years of this year and the last. The default is the last quarter
// that has ended.
export function gridPeriods(today = new Date()) {
  const y = today.getFullYear(), q = Math.floor(today.getMonth() / 3) + 1;
  const quarters = [], halves = [], years = [];
  for (const year of [y, y - 1]) {
    for (let n = 4; n >= 1; n--) quarters.push(`${year}Q${n}`);
    halves.push(`${year}S2`, `${year}S1`);
    years.push(`${year}`);
  }
  return { groups: [['grid.quarters', quarters], ['grid.halves', halves], ['grid.years', years]],
    current: q === 1 ? `${y - 1}Q4` : `${y}Q${q - 1}` };
}

// A period picked from a list in words, grouped into quarters, halves and
// years (codes are never typed); with cumulative, also the first 9 months
// of each year ("9 tháng năm 2026"), as reviews are written.
export function PeriodSelect({ t, id, value, onChange, cumulative = false, label }) {
  const lang = loadLang();
  const { groups } = gridPeriods();
  const y = new Date().getFullYear();
  const all = cumulative ? [...groups, ['grid.cumulative', [`${y}M9`, `${y - 1}M9`]]] : groups;
  return html`
    <select id=${id} aria-label=${label} value=${value} onChange=${(e) => onChange(e.target.value)}>
      ${all.map(([key, codes]) => html`
        <optgroup label=${t(key)}>${codes.map((c) => html`<option value=${c}>${periodWords(c, lang)}</option>`)}</optgroup>`)}
    </select>`;
}

// The units the person may see a grid of: those it reports for first.
function gridUnits(me) {
  const grants = me?.grants || [];
  const order = (g) => (g.role === 'officer' || g.role === 'admin' ? 0 : 1);
  return [...new Map([...grants].sort((a, b) => order(a) - order(b)).map((g) => [g.unit_id, g])).values()];
}

// A number as typed in the page's language: "1.250,75" (vi) or "1,250.75"
// (en); NaN when it is not one.
export function parseTyped(text, lang = loadLang()) {
  const s = String(text).trim().replace(/\s/g, '');
  if (s === '') return NaN;
  const plain = lang === 'en' ? s.replace(/,/g, '') : s.replace(/\./g, '').replace(',', '.');
  return /^[-+]?\d*\.?\d+$/.test(plain) ? Number(plain) : NaN;
}

const shown = (v) => (v === null || v === undefined ? '' : formatNumber(v, 6));

function Figure({ value, measure, label }) {
  if (value === null || value === undefined) return html`<span class="muted">—</span>`;
  return html`<span class="num">${formatNumber(value, 6)}${measure === '%' ? ' %' : ''}</span>${label ? html`<br /><span class="muted small">${label}</span>` : ''}`;
}

// The rule flags of one cell: hard ones refuse the value, soft ones ask
// for a comment.
function Flags({ t, check }) {
  if (!check || (check.hard.length === 0 && check.soft.length === 0)) return null;
  const say = (m) => sayMessage(m) || m.message || m.template;
  return html`
    <ul class="grid-flags" role="status">
      ${check.hard.map((m) => html`<li class="grid-flag hard">${t('grid.hard')}: ${say(m)}</li>`)}
      ${check.soft.map((m) => html`<li class="grid-flag soft">${t('grid.soft')}: ${say(m)}</li>`)}
    </ul>`;
}

function GridRow({ t, session, grid, row, onSaved }) {
  const [value, setValue] = useState(shown(row.value));
  const [note, setNote] = useState(row.note || '');
  const [check, setCheck] = useState(null);
  const [state, setState] = useState(null);   // { saved } | { error }
  const saved = useRef({ value: shown(row.value), note: row.note || '' });
  const timer = useRef(0);
  const lang = loadLang();
  const name = lang === 'en' && row.indicator_name_en ? row.indicator_name_en : row.indicator_name;
  const id = (k) => `grid-${row.indicator_code}-${k}`;

  useEffect(() => () => clearTimeout(timer.current), []);

  const ask = (text) => {
    clearTimeout(timer.current);
    const number = parseTyped(text, lang);
    if (Number.isNaN(number)) { setCheck(null); return; }
    timer.current = setTimeout(async () => {
      try {
        const r = await session.send('POST', '/api/v1/values/check',
          { indicator_code: row.indicator_code, unit_code: grid.unit.code, period: grid.period, value: number });
        setCheck({ hard: r.hard || [], soft: r.soft || [] });
      } catch {
        setCheck(null);   // no rules to tell: the save will still be checked
      }
    }, 300);
  };

  const save = async () => {
    if (value === saved.current.value && note === saved.current.note) return;
    if (value.trim() === '') { setState(note !== saved.current.note ? { error: t('grid.valueFirst') } : null); return; }
    const number = parseTyped(value, lang);
    if (Number.isNaN(number)) { setState({ error: t('grid.notNumber', value) }); return; }
    setState({ saving: true });
    try {
      const v = await session.send('PUT', '/api/v1/values', { indicator_id: row.indicator_id, unit_id: grid.unit.id,
        period: grid.period, value: number, note: note.trim() || undefined });
      saved.current = { value, note };
      setState({ saved: true });
      onSaved(row.indicator_code, v);
    } catch (err) {
      setState({ error: err.message });
    }
  };

  const flagged = check && (check.hard.length > 0 || check.soft.length > 0);
  const status = state?.saved ? 'draft' : row.status;
  return html`
    <tr class=${`grid-row${check?.hard.length ? ' has-hard' : check?.soft.length ? ' has-soft' : ''}`}>
      <th scope="row" data-label=${t('grid.indicator')}>
        <a href=${`#/tong-quan/chi-tieu/${row.indicator_id}`}>${row.indicator_code}</a>
        <span class="grid-name">${name}</span>
        ${row.measure && html`<span class="muted small"> (${row.measure})</span>`}
      </th>
      <td data-label=${t('grid.previous', periodWords(grid.previous_period, lang))}>
        <${Figure} value=${row.previous_value} measure=${row.measure}
          label=${row.previous_status && row.previous_status !== 'approved' ? t(`value.${row.previous_status}`) : ''} /></td>
      <td data-label=${t('grid.target')}><${Figure} value=${row.target} measure=${row.measure}
        label=${row.target_period ? `${periodWords(row.target_period, lang)}${row.target_unit ? ` · ${t('grid.targetOf', row.target_unit.name)}` : ''}` : ''} /></td>
      <td data-label=${t('grid.value')} class="grid-cell">
        ${row.can_edit ? html`
          <label class="visually-hidden" for=${id('value')}>${t('grid.valueOf', row.indicator_code)}</label>
          <input id=${id('value')} class="grid-input" inputmode="decimal" autocomplete="off" value=${value}
            aria-invalid=${check?.hard.length ? 'true' : undefined}
            onInput=${(e) => { setValue(e.target.value); setState(null); ask(e.target.value); }} onBlur=${save} />
          <${Flags} t=${t} check=${check} />`
        : html`<${Figure} value=${row.value} measure=${row.measure} />`}
      </td>
      <td data-label=${t('grid.note')}>
        ${row.can_edit ? html`
          <label class="visually-hidden" for=${id('note')}>${t('grid.noteOf', row.indicator_code)}</label>
          <textarea id=${id('note')} class=${`grid-note${flagged && check.soft.length && !note.trim() ? ' wanted' : ''}`} rows="1"
            placeholder=${check?.soft.length ? t('grid.noteWanted') : ''} value=${note}
            onInput=${(e) => { setNote(e.target.value); setState(null); }} onBlur=${save}></textarea>`
        : html`<span>${row.note || ''}</span>`}
      </td>
      <td data-label=${t('grid.status')}>
        ${status && ROW_STATUSES.includes(status)
          ? html`<span class=${`badge value-${status}`}>${t(`value.${status}`)}</span>` : html`<span class="muted">${t('grid.empty')}</span>`}
        ${state?.saving && html`<span class="muted small grid-save"> ${t('grid.saving')}</span>`}
        ${state?.saved && html`<span class="muted small grid-save" role="status"> ${t('grid.saved')}</span>`}
        ${state?.error && html`<span class="form-error small grid-save" role="alert">${state.error}</span>`}
      </td>
    </tr>`;
}

export function GridView({ t, session, headingRef }) {
  const units = gridUnits(session.me);
  const { current } = gridPeriods();
  const [unit, setUnit] = useState(units[0]?.unit_id || '');
  const [period, setPeriod] = useState(current);
  const [grid, setGrid] = useState(null);
  const [error, setError] = useState('');
  const [version, setVersion] = useState(0);
  const [sending, setSending] = useState(null);   // { busy } | { ok } | { error }
  const lang = loadLang();

  useEffect(() => {
    if (!unit) return undefined;
    let live = true;
    setGrid(null);
    setError('');
    apiSend('GET', `/api/v1/values/grid?unit_id=${unit}&period=${encodeURIComponent(period)}`)
      .then((g) => { if (live) setGrid(g); }, (e) => { if (live) setError(e.message); });
    return () => { live = false; };
  }, [unit, period, version]);

  if (!session.me) return html`<section class="card"><h1 ref=${headingRef} tabindex="-1">${t('grid.title')}</h1><p>${t('grid.signIn')}</p></section>`;

  const onSaved = (code, v) => {
    const row = grid.rows.find((r) => r.indicator_code === code);
    if (row) { row.status = v.status; row.value = v.value; row.note = v.note; row.value_id = v.id; }
    setSending(null);
  };
  const submit = async () => {
    document.activeElement?.blur?.();   // the cell being typed in saves first
    await new Promise((res) => setTimeout(res, 400));
    setSending({ busy: true });
    try {
      const r = await session.send('POST', '/api/v1/values/submit', { unit_id: grid.unit.id, period: grid.period });
      setSending({ ok: t('grid.sent', r.count, periodWords(grid.period, lang)) });
      setVersion((n) => n + 1);
    } catch (err) {
      setSending({ error: err });
    }
  };

  const label = periodWords(period, lang);
  return html`
    <section class="grid-page">
      <h1 ref=${headingRef} tabindex="-1">${t('grid.title')}</h1>
      <p class="muted">${t('grid.lead')}</p>
      <div class="card grid-pick">
        <label for="grid-unit">${t('grid.unit')}</label>
        <select id="grid-unit" value=${unit} onChange=${(e) => setUnit(Number(e.target.value))}>
          ${units.map((g) => html`<option value=${g.unit_id}>${g.unit_name}</option>`)}
        </select>
        <label for="grid-period">${t('grid.period')}</label>
        <${PeriodSelect} t=${t} id="grid-period" value=${period} onChange=${(c) => { setPeriod(c); setSending(null); }} />
      </div>
      ${units.length === 0 && html`<p class="muted">${t('grid.noUnit')}</p>`}
      ${error && html`<p class="form-error" role="alert">${error}</p>`}
      ${!grid && !error && units.length > 0 && html`<p class="muted" role="status">${t('grid.loading')}</p>`}
      ${grid && html`
        <div class="card">
          <h2>${grid.unit.name} — ${label}</h2>
          <p class="muted">${t('grid.deadline', dateWords(grid.deadline))}${grid.can_edit ? '' : ` · ${t('grid.readOnly')}`}</p>
          ${grid.rows.length === 0 ? html`<p class="muted">${t('grid.nothing')}</p>` : html`
            <div class="table-scroll">
              <table class="table data-grid">
                <caption class="visually-hidden">${t('grid.caption', grid.unit.name, label)}</caption>
                <thead><tr><th scope="col">${t('grid.indicator')}</th>
                  <th scope="col">${t('grid.previous', periodWords(grid.previous_period, lang))}</th>
                  <th scope="col">${t('grid.target')}</th><th scope="col">${t('grid.value')}</th>
                  <th scope="col">${t('grid.note')}</th><th scope="col">${t('grid.status')}</th></tr></thead>
                <tbody>${grid.rows.map((r) => html`<${GridRow} key=${`${grid.period}-${r.indicator_code}-${version}`} t=${t}
                  session=${session} grid=${grid} row=${r} onSaved=${onSaved} />`)}</tbody>
              </table>
            </div>`}
          ${grid.can_edit && html`
            <div class="grid-actions">
              <button type="button" class="button primary" disabled=${sending?.busy} onClick=${submit}>${t('grid.send')}</button>
              <span class="muted">${t('grid.sendHint')}</span>
            </div>`}
          ${sending?.ok && html`<p class="form-ok" role="status">${sending.ok}</p>`}
          ${sending?.error && html`<${Refusals} t=${t} error=${sending.error} />`}
        </div>`}
    </section>`;
}

// "2026-10-15" -> "15/10/2026".
function dateWords(iso) {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso || '');
  return m ? `${m[3]}/${m[2]}/${m[1]}` : '';
}
