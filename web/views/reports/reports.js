// "Báo cáo" (#/bao-cao): the steering office asks for a review report
// (sơ kết, tổng kết) of a document over a period; the report is made in
// the background with its progress shown, and every report made stays
// downloadable (the printable page, DOCX, XLSX). Below, the deadline
// reminders of the units the signed-in person reaches.
import { html, useEffect, useRef, useState } from '../../ui.js';
import { apiSend } from '../../api.js';
import { formatDateTime } from '../../format.js';
import { dateVi } from '../programme/programme.js';
import { PeriodSelect } from '../programme/values/grid.js';
import { periodWords } from '../programme/values/common.js';
import { LinkedText, useDocumentNumbers } from '../programme/linked.js';

const FORMAT_LABELS = { html: 'report.print', docx: 'report.docx', xlsx: 'report.xlsx' };

function RequestForm({ t, session, onQueued }) {
  const [docs, setDocs] = useState([]);
  const [f, setF] = useState({ document: '', period: String(new Date().getFullYear()), final: false, asOf: '' });
  const [error, setError] = useState('');
  useEffect(() => {
    apiSend('GET', '/api/v1/documents?limit=1000').then((d) => {
      setDocs(d.documents);
      const plan = d.documents.find((x) => x.kind === 'plan') || d.documents[0];
      if (plan) setF((old) => ({ ...old, document: old.document || plan.number }));
    }, () => setDocs([]));
  }, []);
  const submit = async (e) => {
    e.preventDefault();
    setError('');
    try {
      const job = await session.send('POST', '/api/v1/reports', { document: f.document, period: f.period, final: f.final,
        ...(f.asOf ? { as_of: f.asOf } : {}) });
      onQueued(job);
    } catch (err) {
      setError(err.message);
    }
  };
  return html`
    <form class="card form report-request" onSubmit=${submit}>
      <h2>${t('report.new')}</h2>
      <label for="r-doc">${t('report.document')}</label>
      <select id="r-doc" required value=${f.document} onChange=${(e) => setF({ ...f, document: e.target.value })}>
        ${docs.map((d) => html`<option value=${d.number}>${d.number} — ${d.title}</option>`)}
      </select>
      ${docs.some((d) => d.number === f.document) && html`<a class="doc-link" href=${`#/van-ban/${docs.find((d) => d.number === f.document).id}`}>${t('doc.open', f.document)}</a>`}
      <label for="r-period">${t('report.period')}</label>
      <${PeriodSelect} t=${t} id="r-period" cumulative value=${f.period} onChange=${(period) => setF({ ...f, period })} />
      <label for="r-as-of">${t('report.tasksAsOf')}</label>
      <input id="r-as-of" type="date" value=${f.asOf} aria-describedby="r-as-of-hint"
        onChange=${(e) => setF({ ...f, asOf: e.target.value })} />
      <p id="r-as-of-hint" class="muted">${t('report.tasksAsOfHint')}</p>
      <label class="check"><input type="checkbox" checked=${f.final} onChange=${(e) => setF({ ...f, final: e.target.checked })} />
        ${t('report.final')}</label>
      ${error && html`<p class="form-error" role="alert">${error}</p>`}
      <button type="submit" class="button primary">${t('report.make')}</button>
    </form>`;
}

function JobRow({ t, job }) {
  const running = job.status === 'queued' || job.status === 'running';
  return html`
    <tr class=${`report-${job.status}`}>
      <td><a class="nowrap" href=${`#/van-ban/${job.document_id}`}>${job.document_number}</a></td>
      <td>${periodWords(job.period)}${job.final ? ` · ${t('report.finalShort')}` : ''}
        ${job.tasks_as_of && html`<br /><span class="muted">${t('report.tasksOn', dateVi(job.tasks_as_of))}</span>`}</td>
      <td>${formatDateTime(new Date(job.created_at))}</td>
      <td>
        ${running ? html`<progress max="100" value=${job.progress} aria-label=${t('report.progress')}></progress> ${job.progress}%`
          : job.status === 'failed' ? html`<span class="form-error">${t('report.failed')}: ${job.error}</span>`
          : html`${t('report.done')}${job.as_of ? html`<br /><span class="muted">${t('report.asOf', formatDateTime(new Date(job.as_of)))}</span>` : ''}`}
      </td>
      <td class="downloads">
        ${job.status === 'done' && job.files.map((f) => html`<a class="button" href=${`/api/v1/reports/${job.id}/${f.format}`}
          target=${f.format === 'html' ? '_blank' : undefined} rel="noopener"
          download=${f.format === 'html' ? undefined : f.name}>${t(FORMAT_LABELS[f.format] || f.format)}</a> `)}
      </td>
    </tr>`;
}

function Jobs({ t, session, refreshKey }) {
  const [jobs, setJobs] = useState(null);
  const timer = useRef(null);
  useEffect(() => {
    let alive = true;
    const load = async () => {
      try {
        const d = await session.send('GET', '/api/v1/reports?limit=50');
        if (!alive) return;
        setJobs(d.reports);
        if (d.reports.some((j) => j.status === 'queued' || j.status === 'running')) timer.current = setTimeout(load, 700);
      } catch {
        if (alive) setJobs([]);
      }
    };
    load();
    return () => { alive = false; clearTimeout(timer.current); };
  }, [refreshKey]);
  if (!jobs) return null;
  return html`
    <section class="card">
      <h2>${t('report.list')}</h2>
      ${jobs.length === 0 ? html`<p class="muted">${t('report.none')}</p>` : html`
        <table class="table reports">
          <thead><tr><th scope="col">${t('report.document')}</th><th scope="col">${t('report.period')}</th>
            <th scope="col">${t('report.asked')}</th><th scope="col">${t('report.state')}</th><th scope="col">${t('report.files')}</th></tr></thead>
          <tbody>${jobs.map((j) => html`<${JobRow} t=${t} job=${j} />`)}</tbody>
        </table>`}
    </section>`;
}

export function Reminders({ t, session }) {
  const ids = useDocumentNumbers();
  const [data, setData] = useState(null);
  useEffect(() => {
    if (!session.me) return;
    session.send('GET', '/api/v1/reminders').then(setData, () => setData(null));
  }, [session.me]);
  if (!data) return null;
  return html`
    <section class="card reminders" aria-live="polite">
      <h2>${t('remind.title')}${data.day ? ` — ${dateVi(data.day)}` : ''}</h2>
      ${data.reminders.length === 0 ? html`<p class="muted">${t('remind.none')}</p>` : html`
        <ul class="reminder-list">
          ${data.reminders.map((r) => html`
            <li class=${`reminder reminder-${r.kind}`}>
              <span class=${`badge ${r.kind === 'overdue' ? 'status-open_overdue' : 'status-open_due_soon'}`}>${t(`remind.${r.kind}`)}</span>
              <a href=${`#/nhiem-vu/${encodeURIComponent(r.task_code)}`}><strong>${r.task_code}</strong></a> <${LinkedText} text=${r.title} ids=${ids} /> — ${r.unit_name}, ${t('remind.deadline', dateVi(r.deadline))}
            </li>`)}
        </ul>`}
    </section>`;
}

export function ReportsView({ t, session, headingRef }) {
  const [refreshKey, setRefreshKey] = useState(0);
  if (!session.me) {
    return html`
      <section class="view view-reports">
        <h1 tabindex="-1" ref=${headingRef}>${t('view.bao-cao')}</h1>
        <p>${t('report.signIn')}</p>
      </section>`;
  }
  const mayAsk = session.me.grants.some((g) => g.role === 'steering' || g.role === 'admin');
  return html`
    <section class="view view-reports">
      <h1 tabindex="-1" ref=${headingRef}>${t('view.bao-cao')}</h1>
      <p class="lead">${t('report.intro')}</p>
      ${mayAsk && html`<${RequestForm} t=${t} session=${session} onQueued=${() => setRefreshKey((k) => k + 1)} />`}
      <${Jobs} t=${t} session=${session} refreshKey=${refreshKey} />
      <${Reminders} t=${t} session=${session} />
    </section>`;
}
