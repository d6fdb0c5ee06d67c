// Validation rules as a person meets them: the flags a value was saved
// with (soft rules it broke, each explained by its note) shown to the
// reviewer, and the check of a value as it is typed — a hard rule says
// the value will be refused, a soft one asks for a note before saving.
import { html, useEffect, useState } from '../../../ui.js';
import { sayMessage } from '../../../api.js';
import { loadLang } from '../../../i18n.js';

const said = (f) => sayMessage(f, loadLang()) || f.message || '';

// The flags of a stored value (soft rules broken when it was saved).
export function RuleFlags({ t, flags }) {
  if (!flags || flags.length === 0) return null;
  return html`
    <div class="rule-flags" role="note" aria-label=${t('validation.flags')}>
      <strong>${t('validation.flags')}</strong>
      <ul>
        ${flags.map((f) => html`<li><span class="badge rule-soft">${t('validation.soft')}</span> ${said(f)}</li>`)}
      </ul>
    </div>`;
}

// Asks the server what the rules say of key {indicator_code | indicator_id,
// unit_code | unit_id, period} and value text (Vietnamese decimals) while
// it is typed; null until there is something to check.
export function useRuleCheck(session, key, valueText) {
  const [result, setResult] = useState(null);
  const number = parseNumber(valueText);
  const ready = session?.me && (key.indicator_code || key.indicator_id) && (key.unit_code || key.unit_id)
    && /^\d{4}/.test(key.period || '') && Number.isFinite(number);
  const sig = ready ? JSON.stringify([key, number]) : '';
  useEffect(() => {
    setResult(null);
    if (!sig) return undefined;
    let live = true;
    const timer = setTimeout(() => {
      session.send('POST', '/api/v1/values/check', { ...key, period: key.period.trim(), value: number })
        .then((r) => { if (live) setResult(r); }, () => { if (live) setResult(null); });
    }, 300);
    return () => { live = false; clearTimeout(timer); };
  }, [sig]);
  return result;
}

// "1.250,75" or "12,5" or "-5" as a number ("1,250.75" in English, as
// web/format.js writes it); NaN when it is none.
export function parseNumber(text) {
  const s = String(text ?? '').trim().replace('−', '-');
  if (!s) return NaN;
  const en = globalThis.document?.documentElement.lang === 'en';
  return Number(en ? s.replace(/,/g, '') : s.replace(/\./g, '').replace(',', '.'));
}

// What the check found, beside the value field.
export function RuleCheck({ t, result }) {
  if (!result || (result.hard.length === 0 && result.soft.length === 0)) return null;
  return html`
    <div class="rule-check" aria-live="polite">
      ${result.hard.map((f) => html`<p class="form-error rule-hard"><span class="badge rule-hard">${t('validation.hard')}</span> ${said(f)}</p>`)}
      ${result.soft.map((f) => html`<p class="rule-soft-line"><span class="badge rule-soft">${t('validation.soft')}</span> ${said(f)}</p>`)}
      ${result.hard.length === 0 && html`<p class="muted">${t('validation.needNote')}</p>`}
    </div>`;
}
