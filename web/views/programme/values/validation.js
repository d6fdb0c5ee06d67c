// "Kiểm tra số liệu" (#/kiem-tra): the steering office's validation-rule
// analysis — every stored value of a unit's subtree within a span of
// periods checked against its indicator's rules, each violation with the
// indicator, unit, period in words, value, rule and level — and the
// rules themselves, edited per indicator (rules.js).
import { html, useEffect, useState } from '../../../ui.js';
import { apiGet, sayMessage } from '../../../api.js';
import { loadLang } from '../../../i18n.js';
import { StatusBadge, amount, periodLabel, periodWords } from './common.js';
import { RulesEditor } from './rules.js';

// The quarters and years a person picks from, newest first, in words.
function periodChoices(now = new Date()) {
  const year = now.getFullYear();
  const list = [];
  for (let y = year; y >= year - 3; y--) {
    for (let q = 4; q >= 1; q--) list.push(`${y}Q${q}`);
    list.push(`${y}`);
  }
  return list;
}

function Finding({ t, v }) {
  return html`
    <li class=${`card finding finding-${v.hard ? 'hard' : 'soft'}`}>
      <div class="finding-head">
        <span class=${`badge ${v.hard ? 'rule-hard' : 'rule-soft'}`}>${t(v.hard ? 'validation.hard' : 'validation.soft')}</span>
        <a href=${`#/tong-quan/chi-tieu/${v.indicator_id}`} class="unit-code">${v.indicator_code}</a>
        <span>${v.indicator_name}</span>
      </div>
      <p class="finding-where">
        <a href=${`#/tong-quan/don-vi/${v.unit_id}`}>${v.unit_name}</a>${` · ${periodLabel(v)} · `}<strong>${amount(v.value, v.measure)}</strong>${' '}<${StatusBadge} t=${t} v=${v} />
      </p>
      <p class="finding-rule">${sayMessage(v, loadLang()) || v.message}</p>
    </li>`;
}

export function ValidationView({ t, session, headingRef }) {
  const units = [...new Map((session.me?.grants || []).filter((g) => g.role === 'steering' || g.role === 'admin')
    .map((g) => [g.unit_id, g])).values()];
  const choices = periodChoices();
  const [q, setQ] = useState({ unit: '', from: '', to: '' });
  const [result, setResult] = useState(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');
  const unit = q.unit || String(units[0]?.unit_id || '');
  const run = async (e) => {
    e?.preventDefault();
    setBusy(true);
    setError('');
    const params = new URLSearchParams({ unit_id: unit });
    if (q.from) params.set('from', q.from);
    if (q.to) params.set('to', q.to);
    try {
      setResult(await apiGet(`/api/v1/validation?${params}`));
    } catch (err) {
      setError(err.message);
      setResult(null);
    } finally {
      setBusy(false);
    }
  };
  useEffect(() => { if (unit) run(); }, [unit]);
  const heading = html`<h1 tabindex="-1" ref=${headingRef}>${t('view.kiem-tra')}</h1>`;
  if (!session.ready) return html`<section class="view">${heading}</section>`;
  if (units.length === 0) {
    return html`<section class="view">${heading}<p>${session.me ? t('validation.signIn') : html`<a href="#/dang-nhap">${t('session.signIn')}</a>`}</p></section>`;
  }
  const set = (k) => (e) => setQ({ ...q, [k]: e.target.value });
  const periodSelect = (id, k) => html`
    <select id=${id} value=${q[k]} onChange=${set(k)}>
      <option value="">${t('validation.any')}</option>
      ${choices.map((c) => html`<option value=${c}>${periodWords(c)}</option>`)}
    </select>`;
  return html`
    <section class="view view-validation">
      ${heading}
      <p class="muted">${t('about.kiem-tra')}</p>
      <form class="card form validation-query" onSubmit=${run}>
        <div class="validation-fields">
          <div>
            <label for="val-unit">${t('validation.unit')}</label>
            <select id="val-unit" value=${unit} onChange=${set('unit')}>
              ${units.map((g) => html`<option value=${String(g.unit_id)}>${g.unit_name}</option>`)}
            </select>
          </div>
          <div><label for="val-from">${t('validation.from')}</label>${periodSelect('val-from', 'from')}</div>
          <div><label for="val-to">${t('validation.to')}</label>${periodSelect('val-to', 'to')}</div>
        </div>
        <button type="submit" class="button primary" disabled=${busy}>${busy ? t('validation.running') : t('validation.run')}</button>
      </form>
      ${error && html`<p class="form-error" role="alert">${error}</p>`}
      ${result && html`
        <h2 class="validation-total" aria-live="polite">${t('validation.total', result.total, result.violations.length)}</h2>
        ${result.violations.length === 0 ? html`<p class="muted">${t('validation.none')}</p>` : html`
          <ul class="findings">${result.violations.map((v) => html`<${Finding} t=${t} v=${v} />`)}</ul>`}`}
      <${RulesEditor} t=${t} session=${session} />
    </section>`;
}
