// The programme's lists: indicators (#/chi-tieu, public) and tasks
// (#/nhiem-vu, signed-in), with Vietnamese search that ignores diacritics.
import { html, useEffect, useState } from '../ui.js';
import { apiSend } from '../api.js';
import { formatNumber } from '../format.js';

const STATUSES = ['open_overdue', 'open_due_soon', 'open_in_time', 'done_late', 'done_on_time'];

// "2025-12-31" -> "31/12/2025"
export function dateVi(iso) {
  if (!iso) return '';
  const [y, m, d] = iso.slice(0, 10).split('-');
  return `${d}/${m}/${y}`;
}

function useDebounced(value, ms = 250) {
  const [v, setV] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setV(value), ms);
    return () => clearTimeout(timer);
  }, [value]);
  return v;
}

export function IndicatorsView({ t, headingRef }) {
  const [q, setQ] = useState('');
  const query = useDebounced(q);
  const [data, setData] = useState(null);
  const [error, setError] = useState('');
  useEffect(() => {
    apiSend('GET', `/api/v1/indicators?limit=1000&q=${encodeURIComponent(query.trim())}`).then(setData, (e) => setError(e.message));
  }, [query]);
  return html`
    <section class="view view-indicators">
      <h1 tabindex="-1" ref=${headingRef}>${t('view.chi-tieu')}</h1>
      <div class="search">
        <label for="ind-search">${t('ind.search')}</label>
        <input id="ind-search" type="search" value=${q} onInput=${(e) => setQ(e.target.value)} />
      </div>
      ${error && html`<p class="form-error">${error}</p>`}
      ${data && html`
        <p class="muted" role="status">${t('ind.count', formatNumber(data.total))}</p>
        <table class="table indicators">
          <thead><tr><th scope="col">${t('ind.code')}</th><th scope="col">${t('ind.name')}</th><th scope="col">${t('ind.measure')}</th>
            <th scope="col">${t('ind.direction')}</th><th scope="col">${t('ind.kind')}</th></tr></thead>
          <tbody>${data.indicators.map((i) => html`
            <tr><td class="unit-code">${i.code}</td><td>${i.name_vi}</td><td>${i.measure || ''}</td>
              <td>${t(`dir.${i.direction}`)}</td><td>${i.derived ? t('ind.derived') : t('ind.reported')}</td></tr>`)}
          </tbody>
        </table>`}
    </section>`;
}

export function TasksView({ t, session, headingRef }) {
  const [q, setQ] = useState('');
  const [status, setStatus] = useState('');
  const query = useDebounced(q);
  const [data, setData] = useState(null);
  const [error, setError] = useState('');
  useEffect(() => {
    if (!session.me) return;
    apiSend('GET', `/api/v1/tasks?limit=1000&q=${encodeURIComponent(query.trim())}&status=${status}`)
      .then(setData, (e) => setError(e.message));
  }, [query, status, session.me]);
  if (!session.me) {
    return html`
      <section class="view view-tasks">
        <h1 tabindex="-1" ref=${headingRef}>${t('view.nhiem-vu')}</h1>
        <p>${t('tasks.signIn')} <a href="#/dang-nhap">${t('session.signIn')}</a></p>
      </section>`;
  }
  return html`
    <section class="view view-tasks">
      <h1 tabindex="-1" ref=${headingRef}>${t('view.nhiem-vu')}</h1>
      ${data && html`
        <div class="chips" role="group" aria-label=${t('tasks.byStatus')}>
          <button type="button" class="chip" aria-pressed=${status === '' ? 'true' : 'false'} onClick=${() => setStatus('')}>${t('tasks.all')}</button>
          ${STATUSES.map((s) => html`
            <button type="button" class=${`chip status-${s}`} aria-pressed=${status === s ? 'true' : 'false'}
              onClick=${() => setStatus(s)}>${t(`task.${s}`)} (${formatNumber(data.counts[s])})</button>`)}
        </div>`}
      <div class="search">
        <label for="task-search">${t('tasks.search')}</label>
        <input id="task-search" type="search" value=${q} onInput=${(e) => setQ(e.target.value)} />
      </div>
      ${error && html`<p class="form-error">${error}</p>`}
      ${data && html`
        <table class="table tasks">
          <thead><tr><th scope="col">${t('tasks.code')}</th><th scope="col">${t('tasks.title')}</th><th scope="col">${t('tasks.lead')}</th>
            <th scope="col">${t('tasks.deadline')}</th><th scope="col">${t('tasks.progress')}</th><th scope="col">${t('tasks.status')}</th></tr></thead>
          <tbody>${data.tasks.map((x) => html`
            <tr><td class="unit-code">${x.code}</td><td>${x.title}</td><td>${x.lead_unit_name}</td><td>${dateVi(x.deadline)}</td>
              <td>${x.progress}%</td><td><span class=${`badge status-${x.status}`}>${x.status_label}</span></td></tr>`)}
          </tbody>
        </table>`}
    </section>`;
}
