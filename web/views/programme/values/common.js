// Pieces the values pages share: a period said in words, a value's status,
// its evidence (PDF and images previewed, other files downloaded), a
// confirmation that lists what is about to happen, and refusals by row.
import { html, useEffect, useRef } from '../../../ui.js';
import { loadLang } from '../../../i18n.js';
import { sayMessage } from '../../../api.js';
import { formatNumber } from '../../../format.js';

// "Quý III/2026" where the server gave the words, else the code.
export function periodLabel(v) {
  const lang = loadLang();
  return (lang === 'en' ? v.period_label_en : v.period_label_vi) || periodWords(v.period, lang);
}

const ROMAN = ['I', 'II', 'III', 'IV'];

// A period code in words: "2026Q3" -> "Quý III/2026" (English: "Q3 2026").
export function periodWords(code, lang = loadLang()) {
  const en = lang === 'en';
  let m;
  if (!code) return '';
  if ((m = /^(\d{4})$/.exec(code))) return en ? m[1] : `Năm ${m[1]}`;
  if ((m = /^(\d{4})Q([1-4])$/.exec(code))) return en ? `Q${m[2]} ${m[1]}` : `Quý ${ROMAN[m[2] - 1]}/${m[1]}`;
  if ((m = /^(\d{4})S([12])$/.exec(code))) return en ? `H${m[2]} ${m[1]}` : `6 tháng ${m[2] === '1' ? 'đầu' : 'cuối'} năm ${m[1]}`;
  if ((m = /^(\d{4})M(\d{1,2})$/.exec(code))) return en ? `${m[2]} months of ${m[1]}` : `${Number(m[2])} tháng năm ${m[1]}`;
  if ((m = /^(\d{4})(\d{2})$/.exec(code))) return en ? `${m[2]}/${m[1]}` : `Tháng ${Number(m[2])}/${m[1]}`;
  return code;
}

// 2026-11-02T08:15:00Z -> "02/11/2026 15:15" in the reader's time zone.
export function dateTimeVi(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const p = (n) => String(n).padStart(2, '0');
  return `${p(d.getDate())}/${p(d.getMonth() + 1)}/${d.getFullYear()} ${p(d.getHours())}:${p(d.getMinutes())}`;
}

export function amount(value, measure) {
  if (value === null || value === undefined) return '—';
  return measure && measure !== '%' ? `${formatNumber(value)} ${measure}` : `${formatNumber(value)}${measure === '%' ? ' %' : ''}`;
}

export function StatusBadge({ t, v }) {
  return html`<span class=${`badge value-${v.status}`}>${t(`value.${v.status}`)}${v.late ? ` · ${t('value.late')}` : ''}</span>`;
}

const previewable = (f) => f.type === 'application/pdf' || /^image\/(png|jpeg)$/.test(f.type);

// The evidence files of a value: each downloadable; PDF and images also
// shown inline when preview is set.
export function Evidence({ t, files, preview = false }) {
  if (!files || files.length === 0) return html`<p class="muted">${t('values.noEvidence')}</p>`;
  return html`
    <ul class="evidence-list">
      ${files.map((f) => html`
        <li>
          <a href=${`/api/v1/attachments/${f.id}`} download=${f.name}>${f.name}</a>
          ${preview && previewable(f) && (f.type === 'application/pdf'
            ? html`<iframe class="evidence-preview" src=${`/api/v1/attachments/${f.id}?inline=1`} title=${t('values.preview', f.name)} loading="lazy"></iframe>`
            : html`<img class="evidence-preview" src=${`/api/v1/attachments/${f.id}?inline=1`} alt=${t('values.preview', f.name)} loading="lazy" />`)}
        </li>`)}
    </ul>`;
}

// A modal confirmation: title, the items concerned, confirm and cancel.
// Focus moves into it; Escape cancels.
export function Confirm({ t, title, items, confirmLabel, onConfirm, onCancel, busy, error, children }) {
  const ref = useRef(null);
  useEffect(() => {
    const back = document.activeElement;
    (ref.current?.querySelector('textarea, input') || ref.current?.querySelector('button'))?.focus();
    const onKey = (e) => { if (e.key === 'Escape') onCancel(); };
    addEventListener('keydown', onKey);
    return () => { removeEventListener('keydown', onKey); back?.focus?.(); };
  }, []);
  return html`
    <div class="confirm-backdrop">
      <div class="value-dialog card" role="dialog" aria-modal="true" aria-labelledby="confirm-title" ref=${ref}>
        <h2 id="confirm-title">${title}</h2>
        ${items && html`<ul class="confirm-items">${items.map((x) => html`<li>${x}</li>`)}</ul>`}
        ${children}
        ${error && html`<div class="form-error" role="alert">${error}</div>`}
        <div class="confirm-actions">
          <button type="button" class="button primary" disabled=${busy} onClick=${onConfirm}>${confirmLabel}</button>
          <button type="button" class="button" onClick=${onCancel}>${t('values.cancel')}</button>
        </div>
      </div>
    </div>`;
}

const STATUSES = ['draft', 'submitted', 'approved', 'returned'];

// An error answer's refusals, one line per row, in the reader's language
// (a value's status among the parameters said as the UI says it).
export function Refusals({ t, error }) {
  if (!error) return null;
  const say = (d) => sayMessage({ ...d, params: (d.params || []).map((p) => (STATUSES.includes(p) ? t(`value.${p}`).toLowerCase() : p)) });
  const rows = error.details || [];
  return html`
    <div class="form-error" role="alert">
      <p>${error.message}</p>
      ${rows.length > 0 && html`<ul class="refusals">${rows.map((d) => html`
        <li><strong>${d.indicator_code || `#${d.id}`}</strong>${d.unit_name ? ` — ${d.unit_name}` : ''}: ${say(d) || d.message}</li>`)}</ul>`}
    </div>`;
}

// A small line of the unit's last approved values (oldest first), with
// the value under review as the last point.
export function Trend({ t, trend, value }) {
  const points = [...(trend || []).map((p) => p.value), ...(value === null || value === undefined ? [] : [value])];
  if (points.length < 2) return null;
  const w = 96, h = 28, lo = Math.min(...points), hi = Math.max(...points), span = hi - lo || 1;
  const xy = points.map((p, i) => [(i * (w - 4)) / (points.length - 1) + 2, h - 3 - ((p - lo) * (h - 6)) / span]);
  const label = t('values.trendOf', (trend || []).map((p) => formatNumber(p.value)).join(' → '));
  return html`
    <svg class="trend" width=${w} height=${h} viewBox=${`0 0 ${w} ${h}`} role="img" aria-label=${label}>
      <title>${label}</title>
      <polyline points=${xy.map(([x, y]) => `${x.toFixed(1)},${y.toFixed(1)}`).join(' ')} fill="none" stroke="currentColor" stroke-width="1.5" />
      <circle cx=${xy[xy.length - 1][0]} cy=${xy[xy.length - 1][1]} r="2.5" fill="currentColor" />
    </svg>`;
}
