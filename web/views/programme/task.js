// A task's page (#/nhiem-vu/<CODE>): what the task is, who leads and who
// supports it, its deadline (and the original one when extended), status,
// progress over time, every report with its evidence and review, the
// supporting units' contributions, deadline extension requests and the
// comment thread. Each form is shown only when the server's `can` says the
// reader may use it.
import { html, useEffect, useState } from '../../ui.js';
import { apiSend } from '../../api.js';
import { formatDateTime, formatNumber } from '../../format.js';
import { Chart } from '../../chart.js';
import { dateVi } from './programme.js';

const NARROW = '(max-width: 480px)';

// "#/nhiem-vu/NV-005" -> "NV-005"; null for the list itself.
export function taskCodeFromHash(hash) {
  const parts = hash.replace(/^#\/?/, '').split('?')[0].split('/');
  return parts[0] === 'nhiem-vu' && parts[1] ? decodeURIComponent(parts[1]) : null;
}

const when = (iso) => (iso ? formatDateTime(new Date(iso)) : '');
const unitLink = (u) => html`<a href=${`#/tong-quan/don-vi/${u.id}`}>${u.name}</a>`;

function bytes(n) {
  if (n >= 1048576) return `${formatNumber(n / 1048576, 1)} MB`;
  if (n >= 1024) return `${formatNumber(n / 1024, 0)} KB`;
  return `${formatNumber(n)} B`;
}

function useNarrow() {
  const [narrow, setNarrow] = useState(() => matchMedia(NARROW).matches);
  useEffect(() => {
    const m = matchMedia(NARROW);
    const on = () => setNarrow(m.matches);
    m.addEventListener('change', on);
    return () => m.removeEventListener('change', on);
  }, []);
  return narrow;
}

async function uploadEvidence(session, reportId, file) {
  const body = new Uint8Array(await file.arrayBuffer());
  return session.send('POST', `/api/v1/attachments?entity=task_report&entity_id=${reportId}&name=${encodeURIComponent(file.name)}`,
    body, { contentType: 'application/octet-stream' });
}

// A report's evidence files: links for those who may download them (the
// reporting unit's people and the steering office), names for others.
function Evidence({ t, files, canDownload }) {
  if (!files || files.length === 0) return null;
  return html`
    <ul class="task-evidence" aria-label=${t('taskPage.evidence')}>
      ${files.map((f) => html`<li>${canDownload ? html`<a href=${`/api/v1/attachments/${f.id}`} download=${f.name}>${f.name}</a>`
        : html`<span>${f.name}</span>`}
        <span class="muted"> (${bytes(f.size)}${canDownload ? '' : ` · ${t('taskPage.noDownload')}`})</span></li>`)}
    </ul>`;
}

function Message({ msg }) {
  if (!msg) return null;
  return msg.error ? html`<p class="form-error" role="alert">${msg.error}</p>` : html`<p class="form-ok" role="status">${msg.ok}</p>`;
}

// Runs a write and hands the task page it answers with, and what to say
// about it, to onTask (the page shows it: the form may be gone by then);
// a refusal is shown next to the form.
function useAction(onTask) {
  const [msg, setMsg] = useState(null);
  const [busy, setBusy] = useState(false);
  const run = async (fn, ok) => {
    setBusy(true);
    setMsg(null);
    try {
      const task = await fn();
      if (task) onTask(task, ok);
      return true;
    } catch (e) {
      setMsg({ error: e.message });
      return false;
    } finally {
      setBusy(false);
    }
  };
  return { msg, busy, run };
}

// ------------------------------------------------------------ the facts

function Facts({ t, task }) {
  const extended = task.original_deadline && task.original_deadline !== task.deadline;
  return html`
    <dl class="facts card">
      ${task.document_number && html`<dt>${t('taskPage.document')}</dt>
        <dd>${task.document_id ? html`<a href=${`#/van-ban/${task.document_id}`}>${task.document_number}</a>` : task.document_number}</dd>`}
      ${task.agreements?.length > 0 && html`<dt>${t('taskPage.agreements')}</dt>
        <dd>${task.agreements.map((a, i) => html`${i > 0 ? '; ' : ''}<a href=${`#/thoa-thuan/${encodeURIComponent(a.code)}`}>${a.code}</a> — ${a.title}`)}</dd>`}
      ${task.group_code && html`<dt>${t('taskPage.group')}</dt><dd>${task.group_code}${task.group_title ? ` — ${task.group_title}` : ''}</dd>`}
      <dt>${t('taskPage.lead')}</dt><dd>${unitLink(task.lead_unit)}</dd>
      <dt>${t('taskPage.support')}</dt>
      <dd>${task.supporting_units.length === 0 ? t('taskPage.none')
        : task.supporting_units.map((u, i) => html`${i > 0 ? ', ' : ''}${unitLink(u)}`)}</dd>
      ${task.product && html`<dt>${t('taskPage.product')}</dt><dd>${task.product}</dd>`}
      <dt>${t('taskPage.deadline')}</dt>
      <dd class="deadline">${task.period_deadline ? `${dateVi(task.period_deadline)} (${t('tasks.period', task.period)})` : (task.deadline ? dateVi(task.deadline) : t('taskPage.noDeadline'))}
        ${extended && html`<span class="original-deadline"> · ${t('taskPage.originalDeadline', dateVi(task.original_deadline))}</span>`}</dd>
      <dt>${t('taskPage.progress')}</dt><dd><span class="progress-figure">${formatNumber(task.progress)}%</span>
        <progress max="100" value=${task.progress} aria-hidden="true"></progress></dd>
    </dl>`;
}

// The lead unit's progress over time: a chart, or a list on a phone.
function ProgressOverTime({ t, task }) {
  const narrow = useNarrow();
  const h = task.progress_history;
  if (!h || h.length === 0) return null;
  if (narrow || h.length < 2) {
    return html`
      <section class="card"><h2>${t('taskPage.overTime')}</h2>
        <ol class="progress-list">${h.map((p) => html`<li><span class="muted">${dateVi(p.at)}</span> <strong>${formatNumber(p.progress)}%</strong>
          ${p.kind === 'completion' ? ` · ${t('taskPage.kind.completion')}` : ''}</li>`)}</ol>
      </section>`;
  }
  const option = {
    animation: false, grid: { left: 48, right: 16, top: 16, bottom: 32 },
    xAxis: { type: 'category', data: h.map((p) => dateVi(p.at)) },
    yAxis: { type: 'value', min: 0, max: 100, axisLabel: { formatter: (v) => `${formatNumber(v)}%` } },
    tooltip: { trigger: 'axis', renderMode: 'richText', confine: true, valueFormatter: (v) => `${formatNumber(v)}%` },
    series: [{ type: 'line', step: 'end', data: h.map((p) => p.progress), symbolSize: 8, lineStyle: { width: 2 } }],
  };
  return html`
    <section class="card"><h2>${t('taskPage.overTime')}</h2>
      <${Chart} className="chart short" option=${option} label=${h.map((p) => `${dateVi(p.at)}: ${p.progress}%`).join(', ')} />
    </section>`;
}

// ------------------------------------------------------------ reports

function ReportItem({ t, r }) {
  return html`
    <li class=${`report report-${r.status}`}>
      <p class="report-head"><strong>${r.unit_name}</strong>
        <span class=${`badge role-${r.role}`}>${t(`tasks.role.${r.role}`)}</span>
        <span class="badge">${t(`taskPage.kind.${r.kind}`)}</span>
        ${r.kind === 'completion' && html`<span class=${`badge report-status-${r.status}`}>${t(`taskPage.status.${r.status}`)}</span>`}
        <span class="muted">${when(r.at)}${r.by_name ? ` · ${r.by_name}` : ''}</span></p>
      <p>${t('taskPage.reported', formatNumber(r.progress))}${r.period ? ` · ${t('tasks.period', r.period)}` : ''}</p>
      ${r.text && html`<p class="report-text">${r.text}</p>`}
      <${Evidence} t=${t} files=${r.evidence} canDownload=${r.can_download} />
      ${r.status === 'returned' && html`
        <div class="returned-reason" role="note"><strong>${t('taskPage.returnedBecause')}</strong> ${r.reason}
          <span class="muted"> — ${r.reviewed_by_name || r.reviewed_by || ''}, ${when(r.reviewed_at)}</span></div>`}
      ${r.status === 'approved' && html`<p class="muted">${t('taskPage.approvedBy', r.reviewed_by_name || r.reviewed_by || '', when(r.reviewed_at))}</p>`}
    </li>`;
}

function History({ t, task }) {
  const reports = [...task.reports].reverse();
  return html`
    <section class="card"><h2>${t('taskPage.history', formatNumber(reports.length))}</h2>
      ${reports.length === 0 ? html`<p class="muted">${t('taskPage.noReports')}</p>`
        : html`<ol class="task-reports">${reports.map((r) => html`<${ReportItem} t=${t} r=${r} />`)}</ol>`}
    </section>`;
}

function Contributions({ t, task }) {
  if (task.contributions.length === 0) return null;
  return html`
    <section class="card"><h2>${t('taskPage.contributions')}</h2>
      <ul class="contributions">${task.contributions.map((c) => html`
        <li><strong>${unitLink(c.unit)}</strong>
          ${c.report ? html` — ${t('taskPage.reported', formatNumber(c.report.progress))} <span class="muted">(${when(c.report.at)})</span>
            ${c.report.text && html`<p class="report-text">${c.report.text}</p>`}
            <${Evidence} t=${t} files=${c.report.evidence} canDownload=${c.report.can_download} />`
          : html` — <span class="muted">${t('taskPage.noContribution')}</span>`}
        </li>`)}</ul>
    </section>`;
}

// The last completion request, when it was returned: shown at the top.
function ReturnedNotice({ t, task }) {
  const last = task.reports.filter((r) => r.kind === 'completion').pop();
  if (!last || last.status !== 'returned') return null;
  return html`
    <div class="card returned-reason returned-top" role="alert">
      <strong>${t('taskPage.completionReturned')}</strong> ${last.reason}
      <span class="muted"> — ${last.reviewed_by_name || last.reviewed_by || ''}, ${when(last.reviewed_at)}</span>
    </div>`;
}

// ------------------------------------------------------------ forms

// The lead unit's progress report and completion request, or a supporting
// unit's contribution (with its unit_code).
function ReportForm({ t, session, task, onTask, support }) {
  const units = support ? task.supporting_units.filter((u) => task.can.report_support.includes(u.code)) : [];
  const [unit, setUnit] = useState(units[0]?.code || '');
  const [progress, setProgress] = useState('');
  const [text, setText] = useState('');
  const [complete, setComplete] = useState(false);
  const [file, setFile] = useState(null);
  const [key, setKey] = useState(0);
  const { msg, busy, run } = useAction(onTask);
  const submit = (e) => {
    e.preventDefault();
    run(async () => {
      const body = { progress: complete ? 100 : Number(progress), text: text.trim() || undefined };
      if (support) body.unit_code = unit;
      if (complete) body.complete = true;
      let after = await session.send('POST', `/api/v1/tasks/${encodeURIComponent(task.code)}/reports`, body);
      if (file) {
        await uploadEvidence(session, after.reports[after.reports.length - 1].id, file);
        after = await apiSend('GET', `/api/v1/tasks/${encodeURIComponent(task.code)}`);
      }
      setProgress(''); setText(''); setComplete(false); setFile(null); setKey(key + 1);
      return after;
    }, t(complete ? 'taskPage.completionSent' : 'taskPage.reportSent'));
  };
  const id = support ? 'contrib' : 'lead';
  return html`
    <form class="card form task-report" onSubmit=${submit} key=${key}>
      <h2>${t(support ? 'taskPage.contributionForm' : 'taskPage.leadForm')}</h2>
      ${support && units.length > 1 && html`
        <label for=${`${id}-unit`}>${t('taskPage.unit')}</label>
        <select id=${`${id}-unit`} value=${unit} onChange=${(e) => setUnit(e.target.value)}>
          ${units.map((u) => html`<option value=${u.code}>${u.name}</option>`)}
        </select>`}
      ${support && units.length === 1 && html`<p class="muted">${t('taskPage.forUnit', units[0].name)}</p>`}
      <label for=${`${id}-progress`}>${t(support ? 'taskPage.ownProgress' : 'taskPage.progressField')}</label>
      <input id=${`${id}-progress`} type="number" min="0" max="100" required=${!complete} disabled=${complete}
        value=${complete ? '100' : progress} onInput=${(e) => setProgress(e.target.value)} />
      <label for=${`${id}-text`}>${t('taskPage.text')}</label>
      <textarea id=${`${id}-text`} rows="3" value=${text} onInput=${(e) => setText(e.target.value)}></textarea>
      <label for=${`${id}-file`}>${t('taskPage.evidenceFile')}</label>
      <input id=${`${id}-file`} type="file" accept=".pdf,.png,.jpg,.jpeg,.xlsx,.docx,.csv,.txt"
        onChange=${(e) => setFile(e.target.files[0] || null)} />
      ${!support && task.can.request_completion && html`
        <label class="check"><input type="checkbox" checked=${complete} onChange=${(e) => setComplete(e.target.checked)} />
          ${t('taskPage.requestCompletion')}</label>`}
      <button type="submit" class="button primary" disabled=${busy}>${t(complete ? 'taskPage.sendCompletion' : 'taskPage.sendReport')}</button>
      <${Message} msg=${msg} />
    </form>`;
}

// The steering office's decision on a waiting completion request.
function ReviewBox({ t, session, task, onTask }) {
  const request = task.reports.filter((r) => r.kind === 'completion' && r.status === 'submitted').pop();
  const [confirming, setConfirming] = useState(false);
  const [reason, setReason] = useState('');
  const { msg, busy, run } = useAction(onTask);
  if (!request) return null;
  const base = `/api/v1/tasks/${encodeURIComponent(task.code)}/reports/${request.id}`;
  const approve = () => run(() => session.send('POST', `${base}/approve`), t('taskPage.approved'));
  const ret = (e) => {
    e.preventDefault();
    run(() => session.send('POST', `${base}/return`, { reason: reason.trim() }), t('taskPage.returned'));
  };
  return html`
    <section class="card review-box">
      <h2>${t('taskPage.reviewHeading')}</h2>
      <p><strong>${request.unit_name}</strong> <span class="muted">${when(request.at)}${request.by_name ? ` · ${request.by_name}` : ''}</span></p>
      ${request.text && html`<p class="report-text">${request.text}</p>`}
      <${Evidence} t=${t} files=${request.evidence} canDownload=${request.can_download} />
      ${confirming ? html`
        <div class="task-confirm" role="alertdialog" aria-label=${t('taskPage.confirmApprove', task.code)}>
          <p><strong>${t('taskPage.confirmApprove', task.code)}</strong></p>
          <button type="button" class="button primary" disabled=${busy} onClick=${approve}>${t('taskPage.confirm')}</button>
          <button type="button" class="button" onClick=${() => setConfirming(false)}>${t('taskPage.cancel')}</button>
        </div>`
        : html`<p><button type="button" class="button primary" onClick=${() => setConfirming(true)}>${t('taskPage.approve')}</button></p>`}
      <form class="form" onSubmit=${ret}>
        <label for="return-reason">${t('taskPage.returnReason')}</label>
        <textarea id="return-reason" rows="2" required value=${reason} onInput=${(e) => setReason(e.target.value)}></textarea>
        <button type="submit" class="button" disabled=${busy}>${t('taskPage.return')}</button>
      </form>
      <${Message} msg=${msg} />
    </section>`;
}

// ------------------------------------------------------------ extensions

function ExtensionItem({ t, session, task, x, onTask }) {
  const [confirming, setConfirming] = useState(false);
  const [reason, setReason] = useState('');
  const { msg, busy, run } = useAction(onTask);
  const base = `/api/v1/tasks/${encodeURIComponent(task.code)}/extensions/${x.id}`;
  const decide = task.can.decide_extension && x.status === 'submitted';
  const refuse = (e) => {
    e.preventDefault();
    run(() => session.send('POST', `${base}/refuse`, { reason: reason.trim() }), t('taskPage.extRefused'));
  };
  return html`
    <li class=${`extension extension-${x.status}`}>
      <p><span class=${`badge ext-${x.status}`}>${t(`taskPage.ext.${x.status}`)}</span>
        ${t('taskPage.extFromTo', dateVi(x.previous_deadline), dateVi(x.proposed_deadline))}</p>
      <p class="muted">${x.unit.name} · ${x.person.name} · ${when(x.at)}</p>
      <p class="report-text">${x.reason}</p>
      ${x.status !== 'submitted' && html`<p class="muted">${t('taskPage.decidedBy', x.decided_by?.name || '', when(x.decided_at))}</p>`}
      ${x.status === 'refused' && x.decision_reason && html`<div class="returned-reason"><strong>${t('taskPage.refusedBecause')}</strong> ${x.decision_reason}</div>`}
      ${decide && html`
        ${confirming ? html`
          <div class="task-confirm" role="alertdialog" aria-label=${t('taskPage.confirmExtension', dateVi(x.proposed_deadline))}>
            <p><strong>${t('taskPage.confirmExtension', dateVi(x.proposed_deadline))}</strong></p>
            <button type="button" class="button primary" disabled=${busy}
              onClick=${() => run(() => session.send('POST', `${base}/approve`), t('taskPage.extApproved'))}>${t('taskPage.confirm')}</button>
            <button type="button" class="button" onClick=${() => setConfirming(false)}>${t('taskPage.cancel')}</button>
          </div>`
          : html`<p><button type="button" class="button primary" onClick=${() => setConfirming(true)}>${t('taskPage.extApprove')}</button></p>`}
        <form class="form" onSubmit=${refuse}>
          <label for=${`refuse-${x.id}`}>${t('taskPage.refuseReason')}</label>
          <textarea id=${`refuse-${x.id}`} rows="2" required value=${reason} onInput=${(e) => setReason(e.target.value)}></textarea>
          <button type="submit" class="button" disabled=${busy}>${t('taskPage.extRefuse')}</button>
        </form>`}
      <${Message} msg=${msg} />
    </li>`;
}

function Extensions({ t, session, task, onTask }) {
  const [date, setDate] = useState('');
  const [reason, setReason] = useState('');
  const { msg, busy, run } = useAction(onTask);
  if (task.extensions.length === 0 && !task.can.request_extension) return null;
  const ask = (e) => {
    e.preventDefault();
    run(async () => {
      const after = await session.send('POST', `/api/v1/tasks/${encodeURIComponent(task.code)}/extensions`,
        { proposed_deadline: date, reason: reason.trim() });
      setDate(''); setReason('');
      return after;
    }, t('taskPage.extSent'));
  };
  return html`
    <section class="card"><h2>${t('taskPage.extensions')}</h2>
      ${task.extensions.length === 0 ? html`<p class="muted">${t('taskPage.noExtensions')}</p>`
        : html`<ul class="extensions">${[...task.extensions].reverse().map((x) => html`<${ExtensionItem} key=${x.id} t=${t} session=${session} task=${task} x=${x} onTask=${onTask} />`)}</ul>`}
      ${task.can.request_extension && html`
        <form class="form extension-form" onSubmit=${ask}>
          <h3>${t('taskPage.extRequest')}</h3>
          <label for="ext-date">${t('taskPage.extDate')}</label>
          <input id="ext-date" type="date" required min=${task.deadline} value=${date} onInput=${(e) => setDate(e.target.value)} />
          <label for="ext-reason">${t('taskPage.extReason')}</label>
          <textarea id="ext-reason" rows="2" required value=${reason} onInput=${(e) => setReason(e.target.value)}></textarea>
          <button type="submit" class="button primary" disabled=${busy}>${t('taskPage.extSend')}</button>
        </form>`}
      <${Message} msg=${msg} />
    </section>`;
}

// ------------------------------------------------------------ comments

function Comments({ t, session, task, onTask }) {
  const [text, setText] = useState('');
  const { msg, busy, run } = useAction(onTask);
  const send = (e) => {
    e.preventDefault();
    run(async () => {
      const after = await session.send('POST', `/api/v1/tasks/${encodeURIComponent(task.code)}/comments`, { text });
      setText('');
      return after;
    });
  };
  return html`
    <section class="card"><h2>${t('taskPage.comments', formatNumber(task.comments.length))}</h2>
      ${task.comments.length === 0 ? html`<p class="muted">${t('taskPage.noComments')}</p>` : html`
        <ol class="comments">${task.comments.map((c) => html`
          <li><p><strong>${c.person.name}</strong>${c.unit ? html` · ${c.unit.name}` : html` · ${t('taskPage.steering')}`}
            <span class="muted"> · ${when(c.at)}</span></p><p class="report-text">${c.text}</p></li>`)}</ol>`}
      ${task.can.comment && html`
        <form class="form comment-form" onSubmit=${send}>
          <label for="comment-text">${t('taskPage.commentLabel')}</label>
          <textarea id="comment-text" rows="3" required value=${text} onInput=${(e) => setText(e.target.value)}></textarea>
          <button type="submit" class="button primary" disabled=${busy}>${t('taskPage.commentSend')}</button>
        </form>`}
      <${Message} msg=${msg} />
    </section>`;
}

// ------------------------------------------------------------ the page

export function TaskView({ t, session, headingRef, code }) {
  const [task, setTaskOnly] = useState(null);
  const [flash, setFlash] = useState('');
  const [error, setError] = useState('');
  const setTask = (next, ok) => { setTaskOnly(next); setFlash(ok || ''); };
  useEffect(() => {
    if (!session.me) return;
    setTask(null);
    setError('');
    apiSend('GET', `/api/v1/tasks/${encodeURIComponent(code)}`).then((x) => setTask(x), (e) => setError(e.message));
  }, [code, session.me]);
  if (!session.me) {
    return html`
      <section class="view view-task">
        <h1 tabindex="-1" ref=${headingRef}>${code}</h1>
        <p>${t('tasks.signIn')} <a href="#/dang-nhap">${t('session.signIn')}</a></p>
      </section>`;
  }
  if (!task) {
    return html`
      <section class="view view-task">
        <p><a href="#/nhiem-vu">← ${t('taskPage.back')}</a></p>
        <h1 tabindex="-1" ref=${headingRef}>${code}</h1>
        ${error ? html`<p class="form-error" role="alert">${error}</p>` : html`<p class="muted" role="status">${t('taskPage.loading')}</p>`}
      </section>`;
  }
  const c = task.can;
  return html`
    <section class="view view-task">
      <p><a href="#/nhiem-vu">← ${t('taskPage.back')}</a></p>
      <p class="task-code-line"><span class="unit-code">${task.code}</span>
        <span class=${`badge status-${task.status}`}>${t(`task.${task.status}`)}</span>
        ${task.my_role && html`<span class=${`badge role-${task.my_role}`}>${t('taskPage.myRole', t(`tasks.role.${task.my_role}`))}</span>`}
        ${task.completion_waiting && html`<span class="badge">${t('taskPage.waiting')}</span>`}</p>
      <h1 tabindex="-1" ref=${headingRef}>${task.title}</h1>
      ${flash && html`<p class="form-ok flash" role="status">${flash}</p>`}
      <${ReturnedNotice} t=${t} task=${task} />
      <${Facts} t=${t} task=${task} />
      ${c.review && html`<${ReviewBox} t=${t} session=${session} task=${task} onTask=${setTask} />`}
      ${c.report_lead && html`<${ReportForm} t=${t} session=${session} task=${task} onTask=${setTask} />`}
      ${!c.report_lead && c.report_support.length > 0 && html`<${ReportForm} t=${t} session=${session} task=${task} onTask=${setTask} support=${true} />`}
      <${ProgressOverTime} t=${t} task=${task} />
      <${Contributions} t=${t} task=${task} />
      <${History} t=${t} task=${task} />
      <${Extensions} t=${t} session=${session} task=${task} onTask=${setTask} />
      <${Comments} t=${t} session=${session} task=${task} onTask=${setTask} />
    </section>`;
}
