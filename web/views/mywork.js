// "Việc của đơn vị tôi" (#/viec-cua-toi): an officer enters a value for
// one of its units with evidence and submits it; the steering office sees
// the submitted values waiting for review and approves or returns them.
import { html, useEffect, useState } from '../ui.js';
import { apiSend } from '../api.js';
import { formatNumber } from '../format.js';
import { dateVi, taskDeadline, ExcelLink } from './programme.js';

// Uploads file as evidence of entity (indicator_value or task_report) id.
async function uploadEvidence(session, entity, id, file) {
  const bytes = new Uint8Array(await file.arrayBuffer());
  return session.send('POST', `/api/v1/attachments?entity=${entity}&entity_id=${id}&name=${encodeURIComponent(file.name)}`,
    bytes, { contentType: 'application/octet-stream' });
}

function statusBadge(t, v) {
  return html`<span class=${`badge value-${v.status}`}>${t(`value.${v.status}`)}${v.late ? ` · ${t('value.late')}` : ''}</span>`;
}

function EnterValue({ t, session, onDone }) {
  const units = [...new Map(session.me.grants.filter((g) => g.role === 'officer' || g.role === 'admin')
    .map((g) => [g.unit_code, g])).values()];
  const [indicators, setIndicators] = useState([]);
  const [f, setF] = useState({ indicator: '', unit: units[0]?.unit_code || '', period: '', value: '', note: '' });
  const [file, setFile] = useState(null);
  const [msg, setMsg] = useState(null);
  useEffect(() => {
    apiSend('GET', '/api/v1/indicators?limit=1000').then((d) => setIndicators(d.indicators.filter((i) => !i.derived)));
  }, []);
  if (units.length === 0) return null;
  const set = (k) => (e) => setF({ ...f, [k]: e.target.value });
  const submit = async (e) => {
    e.preventDefault();
    setMsg(null);
    const number = Number(String(f.value).replace(/\./g, '').replace(',', '.'));
    try {
      const v = await session.send('PUT', '/api/v1/values', { indicator_code: f.indicator, unit_code: f.unit, period: f.period.trim(), value: number, note: f.note || undefined });
      if (file) await uploadEvidence(session, 'indicator_value', v.id, file);
      await session.send('POST', `/api/v1/values/${v.id}/submit`);
      setMsg({ ok: t('work.submitted') });
      onDone();
    } catch (err) {
      setMsg({ error: err.message });
    }
  };
  return html`
    <form class="card form enter-value" onSubmit=${submit}>
      <h2>${t('work.enter')}</h2>
      <label for="v-indicator">${t('work.indicator')}</label>
      <select id="v-indicator" required value=${f.indicator} onChange=${set('indicator')}>
        <option value="">—</option>
        ${indicators.map((i) => html`<option value=${i.code}>${i.code} — ${i.name_vi}</option>`)}
      </select>
      <label for="v-unit">${t('work.unit')}</label>
      <select id="v-unit" value=${f.unit} onChange=${set('unit')}>
        ${units.map((g) => html`<option value=${g.unit_code}>${g.unit_name}</option>`)}
      </select>
      <label for="v-period">${t('work.period')}</label>
      <input id="v-period" required placeholder="2025Q3" value=${f.period} onInput=${set('period')} />
      <label for="v-value">${t('work.value')}</label>
      <input id="v-value" required inputmode="decimal" value=${f.value} onInput=${set('value')} />
      <label for="v-note">${t('work.note')}</label>
      <input id="v-note" value=${f.note} onInput=${set('note')} />
      <label for="v-file">${t('work.evidence')}</label>
      <input id="v-file" type="file" onChange=${(e) => setFile(e.target.files[0] || null)} />
      <button type="submit" class="button primary">${t('work.submit')}</button>
      ${msg?.ok && html`<p class="form-ok" role="status">${msg.ok}</p>`}
      ${msg?.error && html`<p class="form-error" role="alert">${msg.error}</p>`}
    </form>`;
}

function ValueRow({ t, session, v, canReview, onDone }) {
  const [reason, setReason] = useState('');
  const [error, setError] = useState('');
  const act = async (what) => {
    try {
      await session.send('POST', `/api/v1/values/${v.id}/${what}`, what === 'return' ? { reason } : undefined);
      onDone();
    } catch (e) {
      setError(e.message);
    }
  };
  return html`
    <tr>
      <td class="unit-code">${v.indicator_code}</td><td>${v.unit_name}</td><td>${v.period}</td>
      <td>${v.value === null ? '' : formatNumber(v.value)}</td><td>${dateVi(v.deadline)}</td><td>${statusBadge(t, v)}</td>
      <td>${canReview && v.status === 'submitted' && html`
        <button type="button" class="button primary" onClick=${() => act('approve')}>${t('work.approve')}</button>
        <input aria-label=${t('work.reason')} placeholder=${t('work.reason')} value=${reason} onInput=${(e) => setReason(e.target.value)} />
        <button type="button" class="button" onClick=${() => act('return')}>${t('work.return')}</button>`}
        ${error && html`<p class="form-error" role="alert">${error}</p>`}</td>
    </tr>`;
}

function TaskRow({ t, session, task, onDone }) {
  const [progress, setProgress] = useState(String(task.progress));
  const [complete, setComplete] = useState(false);
  const [file, setFile] = useState(null);
  const [error, setError] = useState('');
  const report = async (e) => {
    e.preventDefault();
    try {
      const after = await session.send('POST', `/api/v1/tasks/${task.id}/reports`, { progress: Number(progress), complete: complete || undefined });
      if (file) await uploadEvidence(session, 'task_report', after.reports[after.reports.length - 1].id, file);
      setError('');
      onDone();
    } catch (err) {
      setError(err.message);
    }
  };
  return html`
    <tr>
      <td class="unit-code">${task.code}</td><td>${task.title}</td><td>${taskDeadline(t, task)}</td>
      <td><span class=${`badge status-${task.status}`}>${task.status_label}</span></td>
      <td>
        ${task.completion_waiting ? html`<span class="muted">${t('work.waiting')}</span>` : html`
        <form class="grant-form" onSubmit=${report}>
          <input type="number" min="0" max="100" aria-label=${t('work.progressOf', task.code)} value=${progress}
            onInput=${(e) => setProgress(e.target.value)} />
          <label><input type="checkbox" checked=${complete} onChange=${(e) => { setComplete(e.target.checked); if (e.target.checked) setProgress('100'); }} /> ${t('work.complete')}</label>
          <input type="file" aria-label=${t('work.reportEvidence', task.code)} onChange=${(e) => setFile(e.target.files[0] || null)} />
          <button type="submit" class="button">${t('work.report')}</button>
        </form>`}
        ${error && html`<p class="form-error" role="alert">${error}</p>`}
      </td>
    </tr>`;
}

// One completion request for the steering office: the task, who asked
// and when, the report's text and evidence; approve, or return with a reason.
function CompletionRow({ t, session, task, onDone }) {
  const [detail, setDetail] = useState(null);
  const [reason, setReason] = useState('');
  const [error, setError] = useState('');
  useEffect(() => {
    apiSend('GET', `/api/v1/tasks/${task.id}`).then(setDetail, (e) => setError(e.message));
  }, [task.id]);
  const request = detail?.reports.filter((r) => r.kind === 'completion' && r.status === 'submitted').pop();
  const act = async (what) => {
    try {
      await session.send('POST', `/api/v1/tasks/${task.id}/reports/${request.id}/${what}`, what === 'return' ? { reason } : undefined);
      onDone();
    } catch (e) {
      setError(e.message);
    }
  };
  return html`
    <tr>
      <td class="unit-code">${task.code}</td><td>${task.title}<br /><span class="muted">${task.lead_unit_name}</span></td>
      <td>${taskDeadline(t, task)}</td>
      <td>${request && html`
        <p>${t('work.requestBy', request.unit_code, dateVi(request.at))}${request.period ? ` · ${t('tasks.period', request.period)}` : ''}</p>
        ${request.text && html`<p>${request.text}</p>`}
        <p>${t('work.evidenceFiles')}: ${request.evidence.length === 0 ? t('work.noEvidence') : request.evidence.map((f) => html`
          <a href=${`/api/v1/attachments/${f.id}`}>${f.name}</a> `)}</p>`}</td>
      <td>${request && html`
        <button type="button" class="button primary" onClick=${() => act('approve')}>${t('work.approve')}</button>
        <input aria-label=${t('work.reason')} placeholder=${t('work.reason')} value=${reason} onInput=${(e) => setReason(e.target.value)} />
        <button type="button" class="button" onClick=${() => act('return')}>${t('work.return')}</button>`}
        ${error && html`<p class="form-error" role="alert">${error}</p>`}</td>
    </tr>`;
}

function Completions({ t, session, version, onDone }) {
  const [tasks, setTasks] = useState(null);
  useEffect(() => {
    apiSend('GET', '/api/v1/tasks?waiting=1&limit=500').then((d) => setTasks(d.tasks), () => setTasks([]));
  }, [version, session.me]);
  if (!tasks) return null;
  return html`
    <div class="card completions">
      <h2>${t('work.completions')}</h2>
      ${tasks.length === 0 ? html`<p class="muted">${t('work.noCompletions')}</p>` : html`
        <table class="table">
          <thead><tr><th scope="col">${t('tasks.code')}</th><th scope="col">${t('tasks.title')}</th><th scope="col">${t('tasks.deadline')}</th>
            <th scope="col">${t('work.evidenceFiles')}</th><th scope="col"></th></tr></thead>
          <tbody>${tasks.map((x) => html`<${CompletionRow} key=${x.id} t=${t} session=${session} task=${x} onDone=${onDone} />`)}</tbody>
        </table>`}
    </div>`;
}

// The unit's report as an Excel sheet: download it pre-filled, upload it
// back; every bad cell is listed and nothing is saved.
function ExcelReport({ t, session, onDone }) {
  const units = [...new Map(session.me.grants.filter((g) => g.role === 'officer' || g.role === 'admin')
    .map((g) => [g.unit_id, g])).values()];
  const [unit, setUnit] = useState(units[0]?.unit_id || '');
  const [period, setPeriod] = useState('');
  const [result, setResult] = useState(null);
  if (units.length === 0) return null;
  const upload = async (e) => {
    const file = e.target.files[0];
    if (!file) return;
    setResult(null);
    try {
      const bytes = new Uint8Array(await file.arrayBuffer());
      const csv = file.name.toLowerCase().endsWith('.csv');
      const r = await session.send('POST', '/api/v1/values/import', bytes,
        { contentType: csv ? 'text/csv' : 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' });
      setResult({ ok: t('work.uploaded', r.total, r.created, r.updated) });
      onDone();
    } catch (err) {
      setResult({ error: err.message, problems: err.details || [] });
    }
    e.target.value = '';
  };
  return html`
    <div class="card excel-report">
      <h2>${t('work.template')}</h2>
      <p class="muted">${t('work.templateHelp')}</p>
      <div class="filters">
        <label>${t('work.unit')}
          <select value=${unit} onChange=${(e) => setUnit(e.target.value)}>
            ${units.map((g) => html`<option value=${g.unit_id}>${g.unit_name}</option>`)}
          </select></label>
        <label>${t('work.templatePeriod')} <input placeholder="2026Q3" value=${period} onInput=${(e) => setPeriod(e.target.value.trim())} /></label>
        ${period && html`<a class="button" href=${`/api/v1/values/template?unit_id=${unit}&period=${encodeURIComponent(period)}&format=xlsx`} download>${t('work.download')}</a>`}
        <label class="button">${t('work.upload')} <input type="file" class="visually-hidden" accept=".xlsx,.csv" onChange=${upload} /></label>
      </div>
      ${result?.ok && html`<p class="form-ok" role="status">${result.ok}</p>`}
      ${result?.error && html`<p class="form-error" role="alert">${result.error}</p>`}
      ${result?.problems?.length > 0 && html`
        <table class="table problems">
          <caption>${t('work.problems')}</caption>
          <thead><tr><th scope="col">${t('work.row')}</th><th scope="col">${t('work.column')}</th><th scope="col">${t('work.problem')}</th></tr></thead>
          <tbody>${result.problems.map((p) => html`<tr><td>${p.row}</td><td>${p.column || p.field}</td><td>${p.message}</td></tr>`)}</tbody>
        </table>`}
    </div>`;
}

function MyTasks({ t, session, version, onDone }) {
  const units = [...new Set(session.me.grants.filter((g) => g.role === 'officer' || g.role === 'admin').map((g) => g.unit_id))];
  const [tasks, setTasks] = useState(null);
  useEffect(() => {
    if (units.length === 0) return;
    Promise.all(units.map((u) => apiSend('GET', `/api/v1/tasks?unit_id=${u}&limit=500`)))
      .then((lists) => {
        const seen = new Map();
        for (const l of lists) for (const x of l.tasks) if (!x.status.startsWith('done')) seen.set(x.id, x);
        setTasks([...seen.values()].sort((a, b) => (a.deadline || '9').localeCompare(b.deadline || '9')));
      }, () => setTasks([]));
  }, [version, session.me]);
  if (units.length === 0 || !tasks) return null;
  return html`
    <div class="card">
      <h2>${t('work.tasks')}</h2>
      ${tasks.length === 0 ? html`<p class="muted">${t('work.noTasks')}</p>` : html`
        <table class="table my-tasks">
          <thead><tr><th scope="col">${t('tasks.code')}</th><th scope="col">${t('tasks.title')}</th><th scope="col">${t('tasks.deadline')}</th>
            <th scope="col">${t('tasks.status')}</th><th scope="col">${t('tasks.progress')}</th></tr></thead>
          <tbody>${tasks.map((x) => html`<${TaskRow} key=${x.id} t=${t} session=${session} task=${x} onDone=${onDone} />`)}</tbody>
        </table>`}
    </div>`;
}

export function MyWorkView({ t, session, headingRef }) {
  const [values, setValues] = useState(null);
  const [version, setVersion] = useState(0);
  const reviewer = !!session.me?.grants.some((g) => g.role === 'steering' || g.role === 'admin');
  useEffect(() => {
    if (!session.me) return;
    apiSend('GET', `/api/v1/values?limit=500${reviewer ? '&status=submitted' : ''}`).then((d) => setValues(d.values), () => setValues([]));
  }, [version, session.me]);
  if (!session.me) {
    return html`<section class="view"><h1 tabindex="-1" ref=${headingRef}>${t('view.viec-cua-toi')}</h1>
      <p><a href="#/dang-nhap">${t('session.signIn')}</a></p></section>`;
  }
  const refresh = () => setVersion(version + 1);
  return html`
    <section class="view view-mywork">
      <h1 tabindex="-1" ref=${headingRef}>${t('view.viec-cua-toi')}</h1>
      ${reviewer && html`<${Completions} t=${t} session=${session} version=${version} onDone=${refresh} />`}
      <${MyTasks} t=${t} session=${session} version=${version} onDone=${refresh} />
      <${EnterValue} t=${t} session=${session} onDone=${refresh} />
      <${ExcelReport} t=${t} session=${session} onDone=${refresh} />
      <div class="card">
        <h2>${reviewer ? t('work.queue') : t('work.mine')}</h2>
        <${ExcelLink} t=${t} url=${`/api/v1/values/export${reviewer ? '?status=submitted' : ''}`} />
        ${values && values.length === 0 && html`<p class="muted">${t('work.none')}</p>`}
        ${values && values.length > 0 && html`
          <table class="table values">
            <thead><tr><th scope="col">${t('work.indicator')}</th><th scope="col">${t('work.unit')}</th><th scope="col">${t('work.period')}</th>
              <th scope="col">${t('work.value')}</th><th scope="col">${t('work.deadline')}</th><th scope="col">${t('tasks.status')}</th><th scope="col"></th></tr></thead>
            <tbody>${values.map((v) => html`<${ValueRow} key=${v.id} t=${t} session=${session} v=${v} canReview=${reviewer} onDone=${refresh} />`)}</tbody>
          </table>`}
      </div>
    </section>`;
}
