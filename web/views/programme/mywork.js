// "Việc của đơn vị tôi" (#/viec-cua-toi): an officer's tasks (with the
// unit's role in each), entering a value with evidence, the Excel sheet,
// and the unit's values: drafts sent one by one or all of a period at
// once, returned ones shown with the reason and fixed and sent again in
// place. The steering office reviews in #/phe-duyet (values/approvals.js).
import { html, useEffect, useRef, useState } from '../../ui.js';
import { ExcelExchange } from './values/exchange.js';
import { PeriodSelect, gridPeriods, parseTyped } from './values/grid.js';
import { apiSend } from '../../api.js';
import { formatNumber } from '../../format.js';
import { dateVi, taskDeadline } from './programme.js';
import { LinkedText, useDocumentNumbers } from './linked.js';
import { Confirm, Evidence, Refusals, StatusBadge, amount, dateTimeVi, periodLabel } from './values/common.js';
import { RuleCheck, RuleFlags, useRuleCheck } from './values/flags.js';

// Uploads file as evidence of entity (indicator_value or task_report) id.
async function uploadEvidence(session, entity, id, file) {
  const bytes = new Uint8Array(await file.arrayBuffer());
  return session.send('POST', `/api/v1/attachments?entity=${entity}&entity_id=${id}&name=${encodeURIComponent(file.name)}`,
    bytes, { contentType: 'application/octet-stream' });
}

function EnterValue({ t, session, onDone }) {
  const units = [...new Map(session.me.grants.filter((g) => g.role === 'officer' || g.role === 'admin')
    .map((g) => [g.unit_code, g])).values()];
  const [indicators, setIndicators] = useState([]);
  const [f, setF] = useState({ indicator: '', unit: units[0]?.unit_code || '', period: gridPeriods().current, value: '', note: '' });
  const [file, setFile] = useState(null);
  const [msg, setMsg] = useState(null);
  const check = useRuleCheck(session, { indicator_code: f.indicator, unit_code: f.unit, period: f.period }, f.value);
  const needNote = !!check && check.hard.length === 0 && check.soft.length > 0;
  useEffect(() => {
    apiSend('GET', '/api/v1/indicators?limit=1000').then((d) => setIndicators(d.indicators.filter((i) => !i.derived)));
  }, []);
  if (units.length === 0) return null;
  const set = (k) => (e) => setF({ ...f, [k]: e.target.value });
  const submit = async (e) => {
    e.preventDefault();
    setMsg(null);
    const number = parseTyped(f.value);
    try {
      const v = await session.send('PUT', '/api/v1/values', { indicator_code: f.indicator, unit_code: f.unit, period: f.period, value: number, note: f.note || undefined });
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
      <${PeriodSelect} t=${t} id="v-period" value=${f.period} onChange=${(period) => setF({ ...f, period })} />
      <label for="v-value">${t('work.value')}</label>
      <input id="v-value" required inputmode="decimal" value=${f.value} onInput=${set('value')} />
      <${RuleCheck} t=${t} result=${check} />
      <label for="v-note">${t('work.note')}</label>
      <input id="v-note" value=${f.note} required=${needNote} onInput=${set('note')} />
      <label for="v-file">${t('work.evidence')}</label>
      <input id="v-file" type="file" onChange=${(e) => setFile(e.target.files[0] || null)} />
      <button type="submit" class="button primary">${t('work.submit')}</button>
      ${msg?.ok && html`<p class="form-ok" role="status">${msg.ok}</p>`}
      ${msg?.error && html`<p class="form-error" role="alert">${msg.error}</p>`}
    </form>`;
}

// A returned (or draft) value opened in place: its history, and value,
// note and evidence to change before sending it again.
function FixValue({ t, session, v, onDone, onClose }) {
  const [detail, setDetail] = useState(null);
  const [value, setValue] = useState(v.value === null ? '' : formatNumber(v.value, 6));
  const [note, setNote] = useState(v.note || '');
  const [file, setFile] = useState(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');
  useEffect(() => {
    apiSend('GET', `/api/v1/values/${v.id}`).then(setDetail, (e) => setError(e.message));
  }, [v.id]);
  const [submitToo, setSubmitToo] = useState(true);
  const check = useRuleCheck(session, { indicator_id: v.indicator_id, unit_id: v.unit_id, period: v.period }, value);
  const needNote = !!check && check.hard.length === 0 && check.soft.length > 0;
  const send = async (e) => {
    e.preventDefault();
    setBusy(true);
    setError('');
    const number = Number(String(value).replace(/\./g, '').replace(',', '.'));
    try {
      await session.send('PUT', '/api/v1/values', { indicator_id: v.indicator_id, unit_id: v.unit_id, period: v.period, value: number, note: note || undefined });
      if (file) await uploadEvidence(session, 'indicator_value', v.id, file);
      if (!submitToo) {
        onDone(t('values.saved', v.indicator_code));
        return;
      }
      await session.send('POST', `/api/v1/values/${v.id}/submit`);
      onDone(t(v.status === 'returned' ? 'values.resent' : 'values.sent', v.indicator_code));
    } catch (err) {
      setError(err.message);
    } finally {
      setBusy(false);
    }
  };
  const id = (k) => `fix-${v.id}-${k}`;
  return html`
    <form class="fix-value" onSubmit=${send}>
      <h3>${t(v.status === 'returned' ? 'values.fixTitle' : 'values.editTitle', v.indicator_code, periodLabel(v))}</h3>
      ${detail && html`
        <ol class="value-history" aria-label=${t('values.history')}>
          ${detail.history.map((h) => html`
            <li><span class="muted">${dateTimeVi(h.at)}</span> · ${t(`values.action.${h.action}`)}${h.by_name || h.by ? ` · ${h.by_name || h.by}` : ''}
              ${h.value !== null ? ` · ${amount(h.value, v.measure)}` : ''}${h.reason ? html` · <em>${h.reason}</em>` : ''}</li>`)}
        </ol>
        <p>${t('work.evidenceFiles')}:</p><${Evidence} t=${t} files=${detail.evidence} />`}
      <div class="fix-fields">
        <label for=${id('value')}>${t('work.value')}${v.measure ? ` (${v.measure})` : ''}</label>
        <input id=${id('value')} required inputmode="decimal" value=${value} onInput=${(e) => setValue(e.target.value)} />
        <${RuleCheck} t=${t} result=${check} />
        <label for=${id('note')}>${t('work.note')}</label>
        <textarea id=${id('note')} rows="2" value=${note} required=${needNote} onInput=${(e) => setNote(e.target.value)}></textarea>
        <label for=${id('file')}>${t('values.moreEvidence')}</label>
        <input id=${id('file')} type="file" onChange=${(e) => setFile(e.target.files[0] || null)} />
      </div>
      ${error && html`<p class="form-error" role="alert">${error}</p>`}
      <div class="confirm-actions">
        <button type="submit" class="button primary" disabled=${busy} onClick=${() => setSubmitToo(true)}>${t(v.status === 'returned' ? 'values.resend' : 'values.saveSend')}</button>
        <button type="submit" class="button" disabled=${busy} onClick=${() => setSubmitToo(false)}>${t('values.saveDraft')}</button>
        <button type="button" class="button" onClick=${onClose}>${t('values.cancel')}</button>
      </div>
    </form>`;
}

// The value a link asked for (#/viec-cua-toi?value=ID, from the inbox), or 0.
function focusedValue() {
  return Number(location.hash.match(/[?&]value=(\d+)/)?.[1] || 0);
}

function ValueRow({ t, session, v, onDone }) {
  const focused = focusedValue() === v.id;
  // A returned value opened from its notice opens ready to fix.
  const [open, setOpen] = useState(focused && v.status === 'returned' && !!v.can?.edit);
  const [error, setError] = useState('');
  const ref = useRef(null);
  useEffect(() => { if (focused) ref.current?.scrollIntoView({ block: 'center' }); }, [focused]);
  const submit = async () => {
    setError('');
    try {
      await session.send('POST', `/api/v1/values/${v.id}/submit`);
      onDone(t('values.sent', v.indicator_code));
    } catch (e) {
      setError(e.message);
    }
  };
  const ret = v.status === 'returned' ? (v.last_return || { reason: v.reason }) : null;
  return html`
    <li class=${`value-item value-item-${v.status}${focused ? ' value-item-focus' : ''}`} data-id=${v.id} ref=${ref}>
      <div class="value-main">
        <div class="value-what">
          <a href=${`#/tong-quan/chi-tieu/${v.indicator_id}`} class="unit-code">${v.indicator_code}</a>
          <span>${v.indicator_name}</span>
        </div>
        <div class="value-figure">${amount(v.value, v.measure)}</div>
        <div class="value-state"><${StatusBadge} t=${t} v=${v} /> <span class="muted">${t('work.deadline')} ${dateVi(v.deadline)}</span></div>
        <div class="value-actions">
          ${v.status === 'draft' && v.can?.submit && html`
            <button type="button" class="button primary" onClick=${submit} aria-label=${t('values.sendOne', v.indicator_code)}>${t('values.send')}</button>`}
          ${(v.status === 'returned' || v.status === 'draft') && v.can?.edit && !open && html`
            <button type="button" class=${v.status === 'returned' ? 'button primary' : 'button'} onClick=${() => setOpen(true)}
              aria-label=${t(v.status === 'returned' ? 'values.fixOne' : 'values.editOne', v.indicator_code)}>${t(v.status === 'returned' ? 'values.fix' : 'values.edit')}</button>`}
        </div>
      </div>
      ${ret && html`
        <p class="return-reason" role="note"><strong>${t('values.reason')}:</strong> ${ret.reason}
          ${ret.at && html`<span class="muted"> — ${ret.by_name || ret.by}, ${dateTimeVi(ret.at)}</span>`}</p>`}
      ${v.note && html`<p class="muted value-note">${t('work.note')}: ${v.note}</p>`}
      <${RuleFlags} t=${t} flags=${v.flags} />
      ${error && html`<p class="form-error" role="alert">${error}</p>`}
      ${open && html`<${FixValue} t=${t} session=${session} v=${v} onDone=${(m) => { setOpen(false); onDone(m); }} onClose=${() => setOpen(false)} />`}
    </li>`;
}

// The values of one unit and period, with "send all drafts".
function ValueGroup({ t, session, unit, period, rows, onDone }) {
  const [confirm, setConfirm] = useState(false);
  const [busy, setBusy] = useState(false);
  const [refused, setRefused] = useState(null);
  const open = rows.filter((v) => (v.status === 'draft' || v.status === 'returned') && v.can?.submit);
  const sendAll = async () => {
    setBusy(true);
    setRefused(null);
    try {
      const r = await session.send('POST', '/api/v1/values/submit', { unit_id: rows[0].unit_id, period: rows[0].period });
      setConfirm(false);
      onDone(t('values.sentAll', r.count, periodLabel(rows[0])));
    } catch (e) {
      setRefused(e);
    } finally {
      setBusy(false);
    }
  };
  return html`
    <section class="value-group" aria-label=${`${unit} — ${period}`}>
      <header class="value-group-head">
        <h3>${period} · <span class="muted">${unit}</span></h3>
        ${open.length > 0 && html`
          <button type="button" class="button primary" onClick=${() => { setRefused(null); setConfirm(true); }}>${t('values.sendAll')} (${open.length})</button>`}
      </header>
      <ul class="value-list">
        ${rows.map((v) => html`<${ValueRow} key=${v.id} t=${t} session=${session} v=${v} onDone=${onDone} />`)}
      </ul>
      ${confirm && html`<${Confirm} t=${t} title=${t('values.confirmAll', open.length, period, unit)}
        items=${open.map((v) => `${v.indicator_code} — ${v.indicator_name}: ${amount(v.value, v.measure)}${v.status === 'returned' ? ` (${t('value.returned')})` : ''}`)}
        confirmLabel=${t('values.confirmSend')} busy=${busy} onConfirm=${sendAll} onCancel=${() => setConfirm(false)}>
          <${Refusals} t=${t} error=${refused} />
        </${Confirm}>`}
    </section>`;
}

// The unit's values, newest period first, by unit and period.
function MyValues({ t, session, version, onDone }) {
  const [values, setValues] = useState(null);
  const [msg, setMsg] = useState('');
  const [showAll, setShowAll] = useState(false);
  useEffect(() => {
    apiSend('GET', '/api/v1/values?mine=1&limit=500').then((d) => setValues(d.values), () => setValues([]));
  }, [version, session.me]);
  if (!values) return null;
  const groups = new Map();
  for (const v of [...values].sort((a, b) => b.period.localeCompare(a.period) || a.unit_name.localeCompare(b.unit_name, 'vi'))) {
    const key = `${v.unit_id}|${v.period}`;
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key).push(v);
  }
  const done = (m) => { setMsg(m || ''); onDone(); };
  // groups with something to do or waiting come first; of the settled
  // ones only the latest two unless all are asked for
  const list = [...groups.values()];
  const busy = (rows) => rows.some((v) => v.status !== 'approved');
  const settled = list.filter((rows) => !busy(rows));
  const asked = focusedValue();
  const shown = [...list.filter(busy), ...(showAll ? settled : settled.filter((rows, i) => i < 2 || rows.some((v) => v.id === asked)))];
  return html`
    <div class="card my-values">
      <h2>${t('work.mine')}</h2>
      
      ${msg && html`<p class="form-ok" role="status">${msg}</p>`}
      ${values.length === 0 && html`<p class="muted">${t('work.none')}</p>`}
      ${shown.map((rows) => html`<${ValueGroup} key=${`${rows[0].unit_id}|${rows[0].period}`} t=${t} session=${session}
        unit=${rows[0].unit_name} period=${periodLabel(rows[0])} rows=${rows} onDone=${done} />`)}
      ${settled.length > 2 && !showAll && html`
        <button type="button" class="button" onClick=${() => setShowAll(true)}>${t('values.showAll', settled.length - 2)}</button>`}
    </div>`;
}
function TaskRow({ t, session, task, role, onDone }) {
  const ids = useDocumentNumbers();
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
      <td class="unit-code"><a href=${`#/nhiem-vu/${encodeURIComponent(task.code)}`}>${task.code}</a></td><td><${LinkedText} text=${task.title} ids=${ids} /></td>
      <td><span class=${`badge role-${role}`}>${t(`values.role.${role}`)}</span></td><td>${taskDeadline(t, task)}</td>
      <td><span class=${`badge status-${task.status}`}>${task.status_label}</span></td>
      <td>
        ${task.completion_waiting ? html`<span class="muted">${t('work.waiting')}</span>` : role !== 'lead'
          ? html`<a class="button" href=${`#/nhiem-vu/${encodeURIComponent(task.code)}`}>${t('values.reportSupport')}</a>` : html`
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

// The unit's open tasks: each code links to its page; the unit's role
// (chủ trì / phối hợp) is said; the lead unit reports progress here, a
// supporting unit its contribution on the task's page.
function MyTasks({ t, session, version, onDone }) {
  const grants = session.me.grants.filter((g) => g.role === 'officer' || g.role === 'admin');
  const units = [...new Set(grants.map((g) => g.unit_id))];
  const [tasks, setTasks] = useState(null);
  useEffect(() => {
    if (units.length === 0) return;
    const open = (list) => list.filter((x) => !x.status.startsWith('done'))
      .sort((a, b) => (a.deadline || '9').localeCompare(b.deadline || '9'));
    apiSend('GET', '/api/v1/tasks?mine=1&limit=500').then((d) => setTasks(open(d.tasks)), () =>
      Promise.all(units.map((u) => apiSend('GET', `/api/v1/tasks?unit_id=${u}&limit=500`))).then((lists) => {
        const seen = new Map();
        for (const l of lists) for (const x of l.tasks) seen.set(x.id, x);
        setTasks(open([...seen.values()]));
      }, () => setTasks([])));
  }, [version, session.me]);
  if (units.length === 0 || !tasks) return null;
  const roleOf = (x) => x.my_role || (units.includes(x.lead_unit_id) ? 'lead' : 'support');
  return html`
    <div class="card">
      <h2>${t('work.tasks')}</h2>
      ${tasks.length === 0 ? html`<p class="muted">${t('work.noTasks')}</p>` : html`
        <div class="table-scroll">
        <table class="table my-tasks">
          <thead><tr><th scope="col">${t('tasks.code')}</th><th scope="col">${t('tasks.title')}</th><th scope="col">${t('values.role')}</th>
            <th scope="col">${t('tasks.deadline')}</th><th scope="col">${t('tasks.status')}</th><th scope="col">${t('tasks.progress')}</th></tr></thead>
          <tbody>${tasks.map((x) => html`<${TaskRow} key=${x.id} t=${t} session=${session} task=${x} role=${roleOf(x)} onDone=${onDone} />`)}</tbody>
        </table>
        </div>`}
    </div>`;
}

// For the steering office and administrators: what waits in #/phe-duyet.
function ReviewCard({ t, version }) {
  const [count, setCount] = useState(null);
  useEffect(() => {
    apiSend('GET', '/api/v1/approvals/count').then(setCount, () => setCount(null));
  }, [version]);
  return html`
    <div class="card review-card">
      <h2>${t('view.phe-duyet')}</h2>
      ${count && html`<p>${t('values.waiting', count.values, count.tasks)}</p>`}
      <a class="button primary" href="#/phe-duyet">${t('values.openQueue')}</a>
    </div>`;
}

export function MyWorkView({ t, session, headingRef }) {
  const [version, setVersion] = useState(0);
  if (!session.me) {
    return html`<section class="view"><h1 tabindex="-1" ref=${headingRef}>${t('view.viec-cua-toi')}</h1>
      <p><a href="#/dang-nhap">${t('session.signIn')}</a></p></section>`;
  }
  const reviewer = session.me.grants.some((g) => g.role === 'steering' || g.role === 'admin');
  const officer = session.me.grants.some((g) => g.role === 'officer');
  const refresh = () => setVersion(version + 1);
  return html`
    <section class="view view-mywork">
      <h1 tabindex="-1" ref=${headingRef}>${t('view.viec-cua-toi')}</h1>
      ${reviewer && html`<${ReviewCard} t=${t} version=${version} />`}
      ${officer && html`<p class="grid-link"><a class="button primary" href="#/nhap-lieu">${t('grid.open')}</a></p>`}
      <${MyTasks} t=${t} session=${session} version=${version} onDone=${refresh} />
      ${officer && html`<${MyValues} t=${t} session=${session} version=${version} onDone=${refresh} />`}
      <${EnterValue} t=${t} session=${session} onDone=${refresh} />
      <${ExcelExchange} t=${t} session=${session} onDone=${refresh} />
      ${!reviewer && !officer && html`<p class="muted">${t('values.nothingToDo')}</p>`}
    </section>`;
}
