// "Việc của đơn vị tôi" (#/viec-cua-toi): an officer enters a value for
// one of its units with evidence and submits it; the steering office sees
// the submitted values waiting for review and approves or returns them.
import { html, useEffect, useState } from '../ui.js';
import { apiSend } from '../api.js';
import { formatNumber } from '../format.js';
import { dateVi } from './programme.js';

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
      if (file) {
        const bytes = new Uint8Array(await file.arrayBuffer());
        await session.send('POST', `/api/v1/attachments?entity=indicator_value&entity_id=${v.id}&name=${encodeURIComponent(file.name)}`,
          bytes, { contentType: 'application/octet-stream' });
      }
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
  const [error, setError] = useState('');
  const report = async (e) => {
    e.preventDefault();
    try {
      await session.send('POST', `/api/v1/tasks/${task.id}/reports`, { progress: Number(progress), complete: complete || undefined });
      setError('');
      onDone();
    } catch (err) {
      setError(err.message);
    }
  };
  return html`
    <tr>
      <td class="unit-code">${task.code}</td><td>${task.title}</td><td>${dateVi(task.deadline)}</td>
      <td><span class=${`badge status-${task.status}`}>${task.status_label}</span></td>
      <td>
        ${task.completion_waiting ? html`<span class="muted">${t('work.waiting')}</span>` : html`
        <form class="grant-form" onSubmit=${report}>
          <input type="number" min="0" max="100" aria-label=${t('work.progressOf', task.code)} value=${progress}
            onInput=${(e) => setProgress(e.target.value)} />
          <label><input type="checkbox" checked=${complete} onChange=${(e) => { setComplete(e.target.checked); if (e.target.checked) setProgress('100'); }} /> ${t('work.complete')}</label>
          <button type="submit" class="button">${t('work.report')}</button>
        </form>`}
        ${error && html`<p class="form-error" role="alert">${error}</p>`}
      </td>
    </tr>`;
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
      <${MyTasks} t=${t} session=${session} version=${version} onDone=${refresh} />
      <${EnterValue} t=${t} session=${session} onDone=${refresh} />
      <div class="card">
        <h2>${reviewer ? t('work.queue') : t('work.mine')}</h2>
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
