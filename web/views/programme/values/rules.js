// An indicator's validation rules, edited by the steering office on
// #/kiem-tra: bounds (min–max, for every unit or one unit), a jump against
// the previous period, a comparison of two formulas ({DN-KHCN} <= {DN});
// each hard (the value is refused) or soft (a note is asked for and the
// value flagged). Saving replaces the list; "defaults" goes back to the
// measure's own rules.
import { html, useEffect, useState } from '../../../ui.js';
import { apiGet } from '../../../api.js';
import { formatNumber } from '../../../format.js';
import { loadLang } from '../../../i18n.js';
import { parseNumber } from './flags.js';

const KINDS = ['bounds', 'jump', 'compare'];
const OPS = ['<=', '<', '=', '>=', '>', '!='];
const text = (x) => (x === null || x === undefined ? '' : formatNumber(x, 6));

// A rule as the form holds it (numbers as typed text).
const toRow = (r) => ({ kind: r.kind, hard: r.hard, min: text(r.min), max: text(r.max), percent: text(r.percent),
  unit_code: r.unit_code || '', left: r.left || '', op: r.op || '<=', right: r.right || '',
  name_vi: r.id === null ? '' : r.name_vi || '', name_en: r.id === null ? '' : r.name_en || '' });

// The row as the API takes it; unnamed rules are named by the server.
function toRule(row) {
  const r = { kind: row.kind, hard: row.hard };
  const num = (s) => (String(s).trim() === '' ? undefined : parseNumber(s));
  if (row.kind === 'bounds') Object.assign(r, { min: num(row.min), max: num(row.max), unit_code: row.unit_code.trim() || undefined });
  if (row.kind === 'jump') r.percent = num(row.percent);
  if (row.kind === 'compare') Object.assign(r, { left: row.left.trim(), op: row.op, right: row.right.trim() });
  if (row.name_vi.trim()) r.name_vi = row.name_vi.trim();
  if (row.name_en.trim()) r.name_en = row.name_en.trim();
  return r;
}

function RuleRow({ t, row, i, onChange, onRemove }) {
  const id = (k) => `rule-${i}-${k}`;
  const set = (k) => (e) => onChange({ ...row, [k]: e.target.type === 'checkbox' ? e.target.checked : e.target.value });
  const field = (k, label, extra = {}) => html`
    <div class="rule-field"><label for=${id(k)}>${label}</label><input id=${id(k)} value=${row[k]} onInput=${set(k)} ...${extra} /></div>`;
  return html`
    <li class="card rule-row" aria-label=${t('rules.ruleN', i + 1)}>
      <div class="rule-row-head">
        <strong>${t(`rules.kind.${row.kind}`)}</strong>
        <label class="rule-hard-pick"><input type="checkbox" checked=${row.hard} onChange=${set('hard')} /> ${t('rules.hard')}</label>
        <button type="button" class="button" onClick=${onRemove} aria-label=${t('rules.removeN', i + 1)}>${t('rules.remove')}</button>
      </div>
      <div class="rule-fields">
        ${row.kind === 'bounds' && html`
          ${field('min', t('rules.min'), { inputmode: 'decimal' })}
          ${field('max', t('rules.max'), { inputmode: 'decimal' })}
          ${field('unit_code', t('rules.unit'), { placeholder: t('rules.everyUnit') })}`}
        ${row.kind === 'jump' && field('percent', t('rules.percent'), { inputmode: 'decimal' })}
        ${row.kind === 'compare' && html`
          ${field('left', t('rules.left'), { placeholder: '{DN-KHCN}' })}
          <div class="rule-field"><label for=${id('op')}>${t('rules.op')}</label>
            <select id=${id('op')} value=${row.op} onChange=${set('op')}>${OPS.map((o) => html`<option value=${o}>${o}</option>`)}</select></div>
          ${field('right', t('rules.right'), { placeholder: '{DN}' })}`}
        ${field('name_vi', t('rules.nameVi'), { placeholder: t('rules.autoName') })}
        ${field('name_en', t('rules.nameEn'), { placeholder: t('rules.autoName') })}
      </div>
    </li>`;
}

export function RulesEditor({ t, session }) {
  const [indicators, setIndicators] = useState([]);
  const [code, setCode] = useState('');
  const [data, setData] = useState(null);
  const [rows, setRows] = useState([]);
  const [adding, setAdding] = useState('bounds');
  const [msg, setMsg] = useState(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    apiGet('/api/v1/indicators?limit=1000').then((d) => setIndicators(d.indicators.filter((i) => !i.derived)), () => setIndicators([]));
  }, []);
  const chosen = indicators.find((i) => i.code === code);
  const show = (d) => { setData(d); setRows(d.rules.map(toRow)); };
  useEffect(() => {
    setData(null);
    setMsg(null);
    if (chosen) apiGet(`/api/v1/indicators/${chosen.id}/rules`).then(show, (e) => setMsg({ error: e.message }));
  }, [code, indicators.length]);
  const save = async (rules) => {
    setBusy(true);
    setMsg(null);
    try {
      show(await session.send('PUT', `/api/v1/indicators/${chosen.id}/rules`, { rules }));
      setMsg({ ok: t(rules === null ? 'rules.resetDone' : 'rules.saved', chosen.code) });
    } catch (e) {
      setMsg({ error: e.message });
    } finally {
      setBusy(false);
    }
  };
  const add = () => setRows([...rows, toRow({ kind: adding, hard: adding === 'bounds', id: null, percent: adding === 'jump' ? 50 : null })]);
  const lang = loadLang();
  return html`
    <section class="card rules-editor" aria-labelledby="rules-title">
      <h2 id="rules-title">${t('rules.title')}</h2>
      <p class="muted">${t('rules.intro')}</p>
      <label for="rules-indicator">${t('validation.col.indicator')}</label>
      <select id="rules-indicator" value=${code} onChange=${(e) => setCode(e.target.value)}>
        <option value="">—</option>
        ${indicators.map((i) => html`<option value=${i.code}>${i.code} — ${lang === 'en' ? i.name_en || i.name_vi : i.name_vi}</option>`)}
      </select>
      ${data && html`
        <p class="muted rules-state">${data.defaults ? t('rules.defaults', data.measure || '') : t('rules.own')}</p>
        ${rows.length === 0 ? html`<p class="muted">${t('rules.none')}</p>` : html`
          <ol class="rule-rows">${rows.map((row, i) => html`<${RuleRow} t=${t} row=${row} i=${i}
            onChange=${(r) => setRows(rows.map((x, k) => (k === i ? r : x)))} onRemove=${() => setRows(rows.filter((_, k) => k !== i))} />`)}</ol>`}
        <div class="rules-actions">
          <label for="rules-kind" class="visually-hidden">${t('rules.kindLabel')}</label>
          <select id="rules-kind" value=${adding} onChange=${(e) => setAdding(e.target.value)}>
            ${KINDS.map((k) => html`<option value=${k}>${t(`rules.kind.${k}`)}</option>`)}
          </select>
          <button type="button" class="button" onClick=${add}>${t('rules.add')}</button>
          <button type="button" class="button primary" disabled=${busy} onClick=${() => save(rows.map(toRule))}>${t('rules.save')}</button>
          ${!data.defaults && html`<button type="button" class="button" disabled=${busy} onClick=${() => save(null)}>${t('rules.reset')}</button>`}
        </div>`}
      ${msg?.ok && html`<p class="form-ok" role="status">${msg.ok}</p>`}
      ${msg?.error && html`<p class="form-error" role="alert">${msg.error}</p>`}
    </section>`;
}
