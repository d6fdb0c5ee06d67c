// "Phê duyệt" (#/phe-duyet): what waits for the steering office. Each
// submitted value with what it is judged by — the unit's previous value,
// the target, the unit's trend, the note and the evidence — approved one
// at a time or as a selection after a confirmation that lists it, or
// returned with a reason; and the tasks' completion requests.
import { html, useEffect, useState } from '../../../ui.js';
import { apiSend } from '../../../api.js';
import { formatNumber } from '../../../format.js';
import { dateVi, taskDeadline } from '../programme.js';
import { Confirm, Evidence, Refusals, StatusBadge, Trend, amount, dateTimeVi, periodLabel, periodWords } from './common.js';
import { RuleFlags } from './flags.js';

const describe = (v) => `${v.indicator_code} — ${v.unit_name} — ${periodLabel(v)}: ${amount(v.value, v.measure)}`;

function Change({ t, v }) {
  const p = v.previous;
  if (!p) return html`<span class="muted">${t('approvals.noPrevious')}</span>`;
  const diff = v.value - p.value;
  const sign = diff > 0 ? '+' : diff < 0 ? '−' : '±';
  return html`
    <span>${t('approvals.previous', periodWords(p.period))}: <strong>${amount(p.value, v.measure)}</strong>
      <span class=${`delta ${diff > 0 ? 'up' : diff < 0 ? 'down' : ''}`}> (${sign}${formatNumber(Math.abs(diff))})</span>
      ${p.status !== 'approved' ? html` <${StatusBadge} t=${t} v=${p} />` : ''}</span>`;
}

function Target({ t, v }) {
  const g = v.target;
  if (!g) return html`<span class="muted">${t('approvals.noTarget')}</span>`;
  return html`<span>${t('approvals.target', periodWords(g.period))}${g.own ? '' : html` (<a href=${`#/tong-quan/don-vi/${g.unit_id}`}>${g.unit_name}</a>)`}${': '}<strong>${amount(g.value, v.measure)}</strong></span>`;
}

function ValueItem({ t, session, v, selected, onSelect, onDone }) {
  const [confirm, setConfirm] = useState(null); // 'approve' | 'return'
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');
  const act = async () => {
    if (confirm === 'return' && !reason.trim()) { setError(t('approvals.reasonRequired')); return; }
    setBusy(true);
    setError('');
    try {
      await session.send('POST', `/api/v1/values/${v.id}/${confirm}`, confirm === 'return' ? { reason: reason.trim() } : undefined);
      setConfirm(null);
      onDone();
    } catch (e) {
      setError(e.message);
    } finally {
      setBusy(false);
    }
  };
  return html`
    <li class="card review-item" data-id=${v.id}>
      <div class="review-head">
        <label class="review-pick">
          <input type="checkbox" checked=${selected} onChange=${(e) => onSelect(e.target.checked)}
            aria-label=${t('approvals.pick', v.indicator_code, v.unit_name)} />
        </label>
        <div>
          <h3><a href=${`#/tong-quan/chi-tieu/${v.indicator_id}`}>${v.indicator_code}</a> ${v.indicator_name}</h3>
          <p><a href=${`#/tong-quan/don-vi/${v.unit_id}`}>${v.unit_name}</a> · ${periodLabel(v)}
            ${v.late ? html` · <span class="badge value-returned">${t('value.late')}</span>` : ''}</p>
        </div>
      </div>
      <dl class="review-facts">
        <div><dt>${t('approvals.value')}</dt><dd class="review-value">${amount(v.value, v.measure)}</dd></div>
        <div><dt>${t('approvals.previousLabel')}</dt><dd><${Change} t=${t} v=${v} /></dd></div>
        <div><dt>${t('approvals.targetLabel')}</dt><dd><${Target} t=${t} v=${v} /></dd></div>
        <div><dt>${t('approvals.trend')}</dt><dd>${v.trend?.length ? html`<${Trend} t=${t} trend=${v.trend} value=${v.value} />
          <span class="muted trend-text">${v.trend.map((p) => formatNumber(p.value)).join(' → ')} → <strong>${formatNumber(v.value)}</strong></span>`
          : html`<span class="muted">${t('approvals.noTrend')}</span>`}</dd></div>
        <div><dt>${t('approvals.note')}</dt><dd>${v.note || html`<span class="muted">${t('approvals.noNote')}</span>`}</dd></div>
        ${v.last_return && html`<div><dt>${t('approvals.lastReturn')}</dt><dd>${v.last_return.reason}
          <span class="muted"> — ${v.last_return.by_name || v.last_return.by}, ${dateTimeVi(v.last_return.at)}</span></dd></div>`}
        <div><dt>${t('approvals.submittedAt')}</dt><dd>${dateTimeVi(v.submitted_at)} · ${t('work.deadline')} ${dateVi(v.deadline)}</dd></div>
      </dl>
      <${RuleFlags} t=${t} flags=${v.flags} />
      <div class="review-evidence">
        <h4>${t('work.evidenceFiles')}</h4>
        <${Evidence} t=${t} files=${v.evidence} preview=${true} />
      </div>
      <div class="review-actions">
        ${v.can?.approve && html`<button type="button" class="button primary" onClick=${() => { setError(''); setConfirm('approve'); }}>${t('work.approve')}</button>`}
        ${v.can?.return && html`<button type="button" class="button" onClick=${() => { setError(''); setConfirm('return'); }}>${t('work.return')}</button>`}
      </div>
      ${confirm === 'approve' && html`<${Confirm} t=${t} title=${t('approvals.confirmOne')} items=${[describe(v)]}
        confirmLabel=${t('approvals.confirmApprove')} busy=${busy} error=${error} onConfirm=${act} onCancel=${() => setConfirm(null)} />`}
      ${confirm === 'return' && html`<${Confirm} t=${t} title=${t('approvals.returnTitle')} items=${[describe(v)]}
        confirmLabel=${t('approvals.confirmReturn')} busy=${busy} error=${error} onConfirm=${act} onCancel=${() => setConfirm(null)}>
          <label for=${`reason-${v.id}`}>${t('work.reason')}</label>
          <textarea id=${`reason-${v.id}`} required rows="3" value=${reason} onInput=${(e) => setReason(e.target.value)}></textarea>
        </${Confirm}>`}
    </li>`;
}

function ValuesQueue({ t, session, version, onDone }) {
  const [values, setValues] = useState(null);
  const [error, setError] = useState('');
  const [picked, setPicked] = useState(new Set());
  const [confirm, setConfirm] = useState(false);
  const [busy, setBusy] = useState(false);
  const [refused, setRefused] = useState(null);
  const [done, setDone] = useState('');
  useEffect(() => {
    apiSend('GET', '/api/v1/approvals').then((d) => {
      setValues(d.values);
      setPicked((old) => new Set([...old].filter((id) => d.values.some((v) => v.id === id))));
    }, (e) => { setValues([]); setError(e.message); });
  }, [version, session.me]);
  if (!values) return html`<p class="muted">${t('approvals.loading')}</p>`;
  const chosen = values.filter((v) => picked.has(v.id));
  const pick = (id, on) => {
    const next = new Set(picked);
    if (on) next.add(id); else next.delete(id);
    setPicked(next);
  };
  const approveMany = async () => {
    setBusy(true);
    setRefused(null);
    try {
      const r = await session.send('POST', '/api/v1/values/approve', { ids: chosen.map((v) => v.id) });
      setConfirm(false);
      setPicked(new Set());
      setDone(t('approvals.approvedMany', r.count));
      onDone();
    } catch (e) {
      setRefused(e);
      onDone(); // what changed meanwhile leaves the selection
    } finally {
      setBusy(false);
    }
  };
  return html`
    <section class="card approvals-values" aria-labelledby="queue-values">
      <h2 id="queue-values">${t('approvals.values', values.length)}</h2>
      ${error && html`<p class="form-error" role="alert">${error}</p>`}
      ${done && html`<p class="form-ok" role="status">${done}</p>`}
      ${values.length === 0 ? html`<p class="muted">${t('work.none')}</p>` : html`
        <div class="review-toolbar">
          <label><input type="checkbox" checked=${chosen.length === values.length}
            onChange=${(e) => setPicked(e.target.checked ? new Set(values.map((v) => v.id)) : new Set())} /> ${t('approvals.pickAll')}</label>
          <button type="button" class="button primary" disabled=${chosen.length === 0}
            onClick=${() => { setRefused(null); setConfirm(true); }}>${t('approvals.approvePicked', chosen.length)}</button>
        </div>
        <ul class="review-list">
          ${values.map((v) => html`<${ValueItem} key=${v.id} t=${t} session=${session} v=${v} selected=${picked.has(v.id)}
            onSelect=${(on) => pick(v.id, on)} onDone=${() => { setDone(''); onDone(); }} />`)}
        </ul>`}
      ${confirm && html`<${Confirm} t=${t} title=${t('approvals.confirmMany', chosen.length)} items=${chosen.map(describe)}
        confirmLabel=${t('approvals.confirmApprove')} busy=${busy} onConfirm=${approveMany} onCancel=${() => setConfirm(false)}>
          <${Refusals} t=${t} error=${refused} />
        </${Confirm}>`}
    </section>`;
}

// One completion request: the task (linked), the unit that asked (by
// name), when, the report's text and evidence; approve after a
// confirmation, or return with a reason.
function CompletionRow({ t, session, task, onDone }) {
  const [detail, setDetail] = useState(null);
  const [confirm, setConfirm] = useState(null);
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');
  useEffect(() => {
    apiSend('GET', `/api/v1/tasks/${task.id}`).then(setDetail, (e) => setError(e.message));
  }, [task.id]);
  const request = detail?.reports.filter((r) => r.kind === 'completion' && r.status === 'submitted').pop();
  const unitName = request && (request.unit_name
    || [detail.lead_unit, ...(detail.supporting_units || [])].find((u) => u && u.code === request.unit_code)?.name
    || (request.unit_code === task.lead_unit_code ? task.lead_unit_name : request.unit_code));
  const act = async () => {
    if (confirm === 'return' && !reason.trim()) { setError(t('approvals.reasonRequired')); return; }
    setBusy(true);
    try {
      await session.send('POST', `/api/v1/tasks/${task.id}/reports/${request.id}/${confirm}`, confirm === 'return' ? { reason: reason.trim() } : undefined);
      setConfirm(null);
      onDone();
    } catch (e) {
      setError(e.message);
    } finally {
      setBusy(false);
    }
  };
  const what = `${task.code} — ${task.title}`;
  return html`
    <li class="card review-item completion">
      <h3><a href=${`#/nhiem-vu/${encodeURIComponent(task.code)}`}>${task.code}</a> ${task.title}</h3>
      <p class="muted">${t('tasks.deadline')}: ${taskDeadline(t, task)}</p>
      ${request && html`
        <p>${t('approvals.requestBy', unitName, dateVi(request.at))}${request.period ? ` · ${t('tasks.period', request.period)}` : ''}</p>
        ${request.text && html`<p>${request.text}</p>`}
        <h4>${t('work.evidenceFiles')}</h4>
        <${Evidence} t=${t} files=${request.evidence} preview=${true} />
        <div class="review-actions">
          <button type="button" class="button primary" onClick=${() => { setError(''); setConfirm('approve'); }}>${t('work.approve')}</button>
          <button type="button" class="button" onClick=${() => { setError(''); setConfirm('return'); }}>${t('work.return')}</button>
        </div>`}
      ${!confirm && error && html`<p class="form-error" role="alert">${error}</p>`}
      ${confirm === 'approve' && html`<${Confirm} t=${t} title=${t('approvals.confirmCompletion')} items=${[what]}
        confirmLabel=${t('approvals.confirmApprove')} busy=${busy} error=${error} onConfirm=${act} onCancel=${() => setConfirm(null)} />`}
      ${confirm === 'return' && html`<${Confirm} t=${t} title=${t('approvals.returnCompletion')} items=${[what]}
        confirmLabel=${t('approvals.confirmReturn')} busy=${busy} error=${error} onConfirm=${act} onCancel=${() => setConfirm(null)}>
          <label for=${`creason-${task.id}`}>${t('work.reason')}</label>
          <textarea id=${`creason-${task.id}`} required rows="3" value=${reason} onInput=${(e) => setReason(e.target.value)}></textarea>
        </${Confirm}>`}
    </li>`;
}

function Completions({ t, session, version, onDone }) {
  const [tasks, setTasks] = useState(null);
  useEffect(() => {
    apiSend('GET', '/api/v1/tasks?waiting=1&limit=500').then((d) => setTasks(d.tasks), () => setTasks([]));
  }, [version, session.me]);
  if (!tasks) return null;
  return html`
    <section class="card completions" aria-labelledby="queue-tasks">
      <h2 id="queue-tasks">${t('work.completions')}</h2>
      ${tasks.length === 0 ? html`<p class="muted">${t('work.noCompletions')}</p>` : html`
        <ul class="review-list">${tasks.map((x) => html`<${CompletionRow} key=${x.id} t=${t} session=${session} task=${x} onDone=${onDone} />`)}</ul>`}
    </section>`;
}

export function ApprovalsView({ t, session, headingRef }) {
  const [version, setVersion] = useState(0);
  const reviewer = !!session.me?.grants.some((g) => g.role === 'steering' || g.role === 'admin');
  const heading = html`<h1 tabindex="-1" ref=${headingRef}>${t('view.phe-duyet')}</h1>`;
  if (!session.ready) return html`<section class="view">${heading}</section>`;
  if (!reviewer) {
    return html`<section class="view">${heading}<p>${session.me ? t('approvals.notYours') : html`<a href="#/dang-nhap">${t('session.signIn')}</a>`}</p></section>`;
  }
  const refresh = () => {
    setVersion((n) => n + 1);
    window.dispatchEvent(new Event('nq57-approvals-changed'));
  };
  return html`
    <section class="view view-approvals">
      ${heading}
      <p class="muted">${t('approvals.intro')}</p>
      <${ValuesQueue} t=${t} session=${session} version=${version} onDone=${refresh} />
      <${Completions} t=${t} session=${session} version=${version} onDone=${refresh} />
    </section>`;
}

// The menu's count of what waits for approval (steering office and
// administrators); refreshed on every page change and after a review.
export function ApprovalsBadge({ t }) {
  const [n, setN] = useState(0);
  useEffect(() => {
    const load = () => apiSend('GET', '/api/v1/approvals/count').then((d) => setN(d.total), () => setN(0));
    load();
    addEventListener('hashchange', load);
    addEventListener('nq57-approvals-changed', load);
    return () => { removeEventListener('hashchange', load); removeEventListener('nq57-approvals-changed', load); };
  }, []);
  if (!n) return null;
  return html`<span class="nav-badge" title=${t('nav.approvalsWaiting', n)} aria-label=${t('nav.approvalsWaiting', n)}>${n}</span>`;
}
