// The programme's lists: indicators (#/chi-tieu, public) and tasks
// (#/nhiem-vu, signed-in), with Vietnamese search that ignores diacritics.
import { html, useEffect, useState } from '../../ui.js';
import { apiSend } from '../../api.js';
import { loadLang } from '../../i18n.js';
import { formatNumber } from '../../format.js';
import { LinkedText, useDocumentNumbers } from './linked.js';

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

// A link that downloads the list behind `url` as an .xlsx workbook, in
// the reader's language.
export function ExcelLink({ t, url }) {
  const sep = url.includes('?') ? '&' : '?';
  return html`<a class="button excel" href=${`${url}${sep}format=xlsx&lang=${loadLang()}`} download>${t('list.excel')}</a>`;
}

// The deadline that decides a task's status: for a recurring task, that
// of its occurrence, with the period.
export function taskDeadline(t, x) {
  return x.period_deadline ? `${dateVi(x.period_deadline)} (${t('tasks.period', x.period)})` : dateVi(x.deadline);
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
        <p class="muted" role="status">${t('ind.count', formatNumber(data.total))} <${ExcelLink} t=${t} url=${`/api/v1/indicators?q=${encodeURIComponent(query.trim())}`} /></p>
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

function TaskFilters({ t, f, setF }) {
  const [units, setUnits] = useState([]);
  const [docs, setDocs] = useState([]);
  useEffect(() => {
    apiSend('GET', '/api/v1/units?limit=10000').then((d) => setUnits(d.units), () => setUnits([]));
    apiSend('GET', '/api/v1/documents?limit=1000').then((d) => setDocs(d.documents), () => setDocs([]));
  }, []);
  const set = (k) => (e) => setF({ ...f, [k]: e.target.value });
  return html`
    <div class="filters">
      <label>${t('tasks.unit')}
        <select value=${f.unit_id} onChange=${set('unit_id')}>
          <option value="">${t('tasks.any')}</option>
          ${units.map((u) => html`<option value=${u.id}>${u.name}</option>`)}
        </select></label>
      <label>${t('tasks.document')}
        <select value=${f.document_id} onChange=${set('document_id')}>
          <option value="">${t('tasks.any')}</option>
          ${docs.map((d) => html`<option value=${d.id}>${d.number}</option>`)}
        </select></label>
      ${f.document_id && html`<a class="doc-link" href=${`#/van-ban/${f.document_id}`}>${t('doc.open', docs.find((d) => String(d.id) === String(f.document_id))?.number || '')}</a>`}
      <label>${t('tasks.dueFrom')} <input type="date" value=${f.due_from} onInput=${set('due_from')} /></label>
      <label>${t('tasks.dueTo')} <input type="date" value=${f.due_to} onInput=${set('due_to')} /></label>
      <label>${t('clock.asOf')} <input type="date" value=${f.as_of} onInput=${set('as_of')} /></label>
    </div>`;
}

export function TasksView({ t, session, headingRef }) {
  const ids = useDocumentNumbers();
  const [q, setQ] = useState('');
  const [status, setStatus] = useState('');
  const [f, setF] = useState({ unit_id: '', document_id: '', due_from: '', due_to: '', as_of: '', mine: '' });
  // An officer's list says whether its unit leads (chủ trì) or supports (phối hợp).
  const officer = !!session.me?.grants?.some((g) => g.role === 'officer');
  const query = useDebounced(q);
  const [data, setData] = useState(null);
  const [error, setError] = useState('');
  const params = new URLSearchParams({ q: query.trim(), ...f });
  for (const [k, v] of [...params]) if (!v) params.delete(k);
  const listUrl = `/api/v1/tasks?${params}`;
  useEffect(() => {
    if (!session.me) return;
    apiSend('GET', `${listUrl}&limit=1000&status=${status}`).then((d) => { setData(d); setError(''); }, (e) => setError(e.message));
  }, [listUrl, status, session.me]);
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
      <${TaskFilters} t=${t} f=${f} setF=${setF} />
      ${officer && html`<label class="mine-only"><input type="checkbox" checked=${f.mine === '1'}
        onChange=${(e) => setF({ ...f, mine: e.target.checked ? '1' : '' })} /> ${t('tasks.mineOnly')}</label>`}
      ${error && html`<p class="form-error">${error}</p>`}
      ${data && html`
        <p class="muted" role="status">${t('tasks.count', formatNumber(data.total))} · ${t('clock.statusOn', dateVi(data.tasks_as_of))}
          <${ExcelLink} t=${t} url=${`${listUrl}${status ? `${params.size ? '&' : ''}status=${status}` : ''}`} /></p>
        <table class="table tasks">
          <thead><tr><th scope="col">${t('tasks.code')}</th><th scope="col">${t('tasks.title')}</th><th scope="col">${t('tasks.lead')}</th>
            ${officer && html`<th scope="col">${t('tasks.role')}</th>`}
            <th scope="col">${t('tasks.deadline')}</th><th scope="col">${t('tasks.progress')}</th><th scope="col">${t('tasks.status')}</th></tr></thead>
          <tbody>${data.tasks.map((x) => html`
            <tr><td class="unit-code"><a href=${`#/nhiem-vu/${encodeURIComponent(x.code)}`}>${x.code}</a></td><td><${LinkedText} text=${x.title} ids=${ids} /></td><td>${x.lead_unit_name}</td>
              ${officer && html`<td>${x.my_role ? html`<span class=${`badge role-${x.my_role}`}>${t(`tasks.role.${x.my_role}`)}</span>` : ''}</td>`}
              <td>${taskDeadline(t, x)}</td>
              <td>${x.progress}%</td><td><span class=${`badge status-${x.status}`}>${x.status_label}</span></td></tr>`)}
          </tbody>
        </table>`}
    </section>`;
}
