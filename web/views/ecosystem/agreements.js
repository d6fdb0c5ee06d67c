// Agreements, funds, investments and support: #/thoa-thuan (the list with
// search and filters), #/thoa-thuan/<code> (parties, the file, committed
// actions as tasks with their status, problems partners bring), #/quy
// (funds and alliances, investments, support programmes with their
// recipients, commercialisation projects) and #/quy/<code> (one fund).
// Forms are shown to the registry's writers only.
import { html, useEffect, useState } from '../../ui.js';
import { apiGet } from '../../api.js';
import { formatNumber } from '../../format.js';
import { dateVi } from '../programme/programme.js';
import { LinkedText, useDocumentNumbers } from '../programme/linked.js';

// Text with its document numbers and task codes as links.
function Linked({ text }) {
  const ids = useDocumentNumbers();
  return html`<${LinkedText} text=${text} ids=${ids} />`;
}

const KINDS = ['mou', 'cooperation', 'contract', 'other'];
const STATUSES = ['active', 'expired', 'ended', 'draft'];
const FOCUS = ['training', 'st_development', 'innovation', 'digital_transformation'];
const PROBLEM_STATUSES = ['open', 'commissioned', 'solved', 'dropped'];
const ROUNDS = ['pre_seed', 'seed', 'series_a', 'series_b', 'series_c', 'grant', 'other'];
const INSTRUMENTS = ['equity', 'convertible', 'loan', 'grant', 'other'];
const COMM_STATUSES = ['announced', 'in_progress', 'on_market', 'stopped'];

const writer = (session) => !!session?.me?.registry_writer;
const signedIn = (session) => !!session?.me?.person;
const orgHref = (id) => `#/to-chuc/${id}`;
const agreementHref = (code) => `#/thoa-thuan/${encodeURIComponent(code)}`;
const fundHref = (code) => `#/quy/${encodeURIComponent(code)}`;
const taskHref = (code) => `#/nhiem-vu/${encodeURIComponent(code)}`;

// "#/thoa-thuan/MOU-1" -> "MOU-1"; null for the list.
function codeFromHash(hash, route) {
  const parts = hash.replace(/^#\/?/, '').split('?')[0].split('/');
  return parts[0] === route && parts[1] ? decodeURIComponent(parts[1]) : null;
}

// An amount in VND as officials say it: "1.200 tỷ đồng", "850 triệu đồng".
export function vnd(t, v) {
  if (v === null || v === undefined) return '–';
  if (Math.abs(v) >= 1e9) return t('fund.billion', formatNumber(v / 1e9, 1));
  if (Math.abs(v) >= 1e6) return t('fund.million', formatNumber(v / 1e6, 1));
  return t('fund.dong', formatNumber(v));
}

const ROLES = ['signatory', 'partner', 'party', 'coordinator', 'witness'];
const roleWord = (t, r) => (ROLES.includes(r) ? t(`agr.role.${r}`) : r);
const focusWord = (t, f) => (FOCUS.includes(f) || f === 'other' ? t(`agr.focus.${f}`) : f);
const OrgLink = ({ org }) => (org ? html`<a href=${orgHref(org.id ?? org.organisation_id)}>${org.name}</a>` : '–');

function Message({ msg }) {
  if (!msg) return null;
  return msg.error ? html`<div class="form-error" role="alert"><p>${msg.error}</p>
      ${msg.details?.length > 0 && html`<ul>${msg.details.map((d) => html`<li>${d.line ? `${d.line}: ` : ''}${d.message}</li>`)}</ul>`}</div>`
    : html`<p class="form-ok" role="status">${msg.ok}</p>`;
}

// Runs a write; shows the refusal next to the form.
function useWrite() {
  const [msg, setMsg] = useState(null);
  const [busy, setBusy] = useState(false);
  const run = async (fn, ok) => {
    setBusy(true);
    setMsg(null);
    try {
      const r = await fn();
      setMsg(ok ? { ok: typeof ok === 'function' ? ok(r) : ok } : null);
      return r || true;
    } catch (e) {
      setMsg({ error: e.message, details: e.details });
      return null;
    } finally {
      setBusy(false);
    }
  };
  return { msg, busy, run };
}

// Finds an organisation of the registry by name (diacritics optional).
function OrgPicker({ t, id, value, onChange, label }) {
  const [q, setQ] = useState('');
  const [found, setFound] = useState([]);
  useEffect(() => {
    if (q.trim().length < 2) { setFound([]); return undefined; }
    const ctl = new AbortController();
    const timer = setTimeout(() => apiGet(`/api/v1/organisations?q=${encodeURIComponent(q)}&limit=20`, { signal: ctl.signal })
      .then((d) => setFound(d.organisations || []), () => {}), 250);
    return () => { clearTimeout(timer); ctl.abort(); };
  }, [q]);
  return html`
    <label for=${`${id}-q`}>${label}</label>
    <input id=${`${id}-q`} type="search" value=${q} placeholder=${t('agr.orgSearch')} onInput=${(e) => setQ(e.target.value)} />
    ${found.length > 0 && html`
      <select id=${id} aria-label=${label} value=${value || ''} onChange=${(e) => onChange(Number(e.target.value) || null)}>
        <option value="">${t('agr.orgChoose', formatNumber(found.length))}</option>
        ${found.map((o) => html`<option value=${o.id}>${o.name}</option>`)}
      </select>`}`;
}

// ------------------------------------------------------------ the list

function NewAgreement({ t, session }) {
  const w = useWrite();
  const [f, setF] = useState({ code: '', kind: 'mou', title: '', signed_on: '', ends_on: '', focus: [], description: '' });
  const set = (k) => (e) => setF({ ...f, [k]: e.target.value });
  const toggle = (x) => setF({ ...f, focus: f.focus.includes(x) ? f.focus.filter((y) => y !== x) : [...f.focus, x] });
  const submit = async (e) => {
    e.preventDefault();
    const body = { ...f };
    for (const k of ['signed_on', 'ends_on', 'description']) if (!body[k]) delete body[k];
    const r = await w.run(() => session.send('POST', '/api/v1/agreements', body));
    if (r) location.hash = agreementHref(r.code);
  };
  return html`
    <details class="card">
      <summary>${t('agr.new')}</summary>
      <form class="form" onSubmit=${submit}>
        <label for="agr-code">${t('agr.code')}</label><input id="agr-code" required value=${f.code} onInput=${set('code')} />
        <label for="agr-kind">${t('agr.kind')}</label>
        <select id="agr-kind" value=${f.kind} onChange=${set('kind')}>${KINDS.map((k) => html`<option value=${k}>${t(`agr.kind.${k}`)}</option>`)}</select>
        <label for="agr-title">${t('agr.title')}</label><input id="agr-title" required value=${f.title} onInput=${set('title')} />
        <label for="agr-signed">${t('agr.signedOn')}</label><input id="agr-signed" type="date" value=${f.signed_on} onInput=${set('signed_on')} />
        <label for="agr-ends">${t('agr.endsOn')}</label><input id="agr-ends" type="date" value=${f.ends_on} onInput=${set('ends_on')} />
        <fieldset class="checks"><legend>${t('agr.focus')}</legend>
          ${FOCUS.map((x) => html`<label class="check"><input type="checkbox" checked=${f.focus.includes(x)} onChange=${() => toggle(x)} /> ${t(`agr.focus.${x}`)}</label>`)}
        </fieldset>
        <label for="agr-desc">${t('agr.description')}</label><textarea id="agr-desc" rows="3" value=${f.description} onInput=${set('description')}></textarea>
        <button type="submit" class="button primary" disabled=${w.busy}>${t('agr.create')}</button>
        <${Message} msg=${w.msg} />
      </form>
    </details>`;
}

function ImportAgreements({ t, session, onDone }) {
  const w = useWrite();
  const upload = async (e) => {
    const file = e.target.files[0];
    if (!file) return;
    // a workbook goes as its bytes, a CSV as text
    const xlsx = /\.xlsx$/i.test(file.name);
    const body = xlsx ? new Uint8Array(await file.arrayBuffer()) : await file.text();
    e.target.value = '';
    const type = xlsx ? 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' : 'text/csv';
    const r = await w.run(() => session.send('POST', '/api/v1/agreements/import', body, { contentType: type }),
      (x) => t('agr.imported', formatNumber(x.created), formatNumber(x.updated)));
    if (r) onDone();
  };
  return html`
    <div class="import">
      <label for="agr-import">${t('agr.import')}</label>
      <input id="agr-import" type="file" accept=".csv,text/csv,.xlsx" onChange=${upload} />
      <${Message} msg=${w.msg} />
    </div>`;
}

function AgreementList({ t, session, headingRef }) {
  const [filter, setFilter] = useState({ q: '', kind: '', status: '', focus: '' });
  const [data, setData] = useState(null);
  const [error, setError] = useState('');
  const [version, setVersion] = useState(0);
  useEffect(() => {
    const p = new URLSearchParams({ limit: '200' });
    for (const [k, v] of Object.entries(filter)) if (v) p.set(k, v);
    const ctl = new AbortController();
    const timer = setTimeout(() => apiGet(`/api/v1/agreements?${p}`, { signal: ctl.signal }).then((d) => { setData(d); setError(''); },
      (e) => { if (e.name !== 'AbortError') setError(e.message); }), 200);
    return () => { clearTimeout(timer); ctl.abort(); };
  }, [filter, version, session?.me]);
  const set = (k) => (e) => setFilter({ ...filter, [k]: e.target.value });
  return html`
    <section class="view view-agreements">
      <h1 tabindex="-1" ref=${headingRef}>${t('view.thoa-thuan')}</h1>
      <p class="lead">${t('agr.intro')}</p>
      <p><a href="#/quy">${t('view.quy')}</a> · <a href="/api/v1/agreements/export" download="thoa-thuan.csv">${t('agr.export')}</a></p>
      ${writer(session) && html`<${NewAgreement} t=${t} session=${session} /><${ImportAgreements} t=${t} session=${session} onDone=${() => setVersion(version + 1)} />`}
      <form class="filters" role="search" onSubmit=${(e) => e.preventDefault()}>
        <label>${t('agr.search')}<input type="search" value=${filter.q} onInput=${set('q')} placeholder=${t('agr.searchHint')} /></label>
        <label>${t('agr.kind')}<select value=${filter.kind} onChange=${set('kind')}><option value="">${t('agr.any')}</option>
          ${KINDS.map((k) => html`<option value=${k}>${t(`agr.kind.${k}`)}</option>`)}</select></label>
        <label>${t('agr.status')}<select value=${filter.status} onChange=${set('status')}><option value="">${t('agr.any')}</option>
          ${STATUSES.map((k) => html`<option value=${k}>${t(`agr.status.${k}`)}</option>`)}</select></label>
        <label>${t('agr.focus')}<select value=${filter.focus} onChange=${set('focus')}><option value="">${t('agr.any')}</option>
          ${FOCUS.map((k) => html`<option value=${k}>${t(`agr.focus.${k}`)}</option>`)}</select></label>
      </form>
      ${error && html`<p class="form-error" role="alert">${error}</p>`}
      ${!data && !error && html`<p class="muted">${t('agr.loading')}</p>`}
      ${data && html`<p class="muted">${t('agr.count', formatNumber(data.total))}</p>`}
      ${data && data.agreements.length > 0 && html`
        <div class="table-scroll">
          <table class="table agreements" style="min-width: 40rem">
            <thead><tr><th scope="col">${t('agr.code')}</th><th scope="col">${t('agr.title')}</th><th scope="col">${t('agr.parties')}</th>
              <th scope="col">${t('agr.signedOn')}</th><th scope="col">${t('agr.status')}</th><th scope="col">${t('agr.actions')}</th></tr></thead>
            <tbody>${data.agreements.map((a) => html`
              <tr key=${a.id}>
                <td><a href=${agreementHref(a.code)}>${a.code}</a></td>
                <td>${a.title}<br /><span class="muted small">${t(`agr.kind.${a.kind}`)}</span></td>
                <td>${a.parties.map((p, i) => html`${i ? ', ' : ''}<${OrgLink} org=${p} />`)}</td>
                <td>${dateVi(a.signed_on) || '–'}</td>
                <td><span class=${`badge agr-${a.status}`}>${t(`agr.status.${a.status}`)}</span></td>
                <td>${formatNumber(a.n_actions)}</td>
              </tr>`)}</tbody>
          </table>
        </div>`}
    </section>`;
}

// ------------------------------------------------------------ one agreement

function Facts({ t, a }) {
  return html`
    <dl class="facts card">
      <dt>${t('agr.code')}</dt><dd>${a.code}</dd>
      <dt>${t('agr.kind')}</dt><dd>${t(`agr.kind.${a.kind}`)}</dd>
      <dt>${t('agr.status')}</dt><dd><span class=${`badge agr-${a.status}`}>${t(`agr.status.${a.status}`)}</span></dd>
      <dt>${t('agr.signedOn')}</dt><dd>${dateVi(a.signed_on) || '–'}</dd>
      <dt>${t('agr.endsOn')}</dt><dd>${dateVi(a.ends_on) || t('agr.noEnd')}</dd>
      <dt>${t('agr.focus')}</dt><dd>${a.focus.length ? a.focus.map((f) => focusWord(t, f)).join(', ') : '–'}</dd>
      ${a.description && html`<dt>${t('agr.description')}</dt><dd><${Linked} text=${a.description} /></dd>`}
      <dt>${t('agr.file')}</dt>
      <dd>${a.file ? html`<a href=${`/api/v1/attachments/${a.file.id}`} download=${a.file.name}>${a.file.name}</a>` : t('agr.noFile')}</dd>
    </dl>`;
}

function Parties({ t, session, a, onAgreement }) {
  const w = useWrite();
  const [org, setOrg] = useState(null);
  const [role, setRole] = useState('');
  const add = async (e) => {
    e.preventDefault();
    if (!org) return;
    const parties = [...a.parties.map((p) => ({ organisation_id: p.organisation_id, role: p.role })), { organisation_id: org, ...(role ? { role } : {}) }];
    const r = await w.run(() => session.send('PATCH', `/api/v1/agreements/${encodeURIComponent(a.code)}`, { parties }));
    if (r) { onAgreement(r); setOrg(null); setRole(''); }
  };
  return html`
    <section class="card"><h2>${t('agr.parties')}</h2>
      ${a.parties.length === 0 ? html`<p class="muted">${t('agr.noParties')}</p>` : html`
        <ul>${a.parties.map((p) => html`<li><${OrgLink} org=${p} /> <span class="muted">(${roleWord(t, p.role)})</span></li>`)}</ul>`}
      ${writer(session) && html`
        <form class="form" onSubmit=${add}>
          <${OrgPicker} t=${t} id="party-org" value=${org} onChange=${setOrg} label=${t('agr.addParty')} />
          <label for="party-role">${t('agr.role')}</label>
          <select id="party-role" value=${role} onChange=${(e) => setRole(e.target.value)}>
            <option value="">${t('agr.role.party')}</option>${ROLES.filter((r) => r !== 'party').map((r) => html`<option value=${r}>${t(`agr.role.${r}`)}</option>`)}</select>
          <button type="submit" class="button primary" disabled=${w.busy || !org}>${t('agr.addPartyButton')}</button>
          <${Message} msg=${w.msg} />
        </form>`}
    </section>`;
}

function FileUpload({ t, session, a, onAgreement }) {
  const w = useWrite();
  const upload = async (e) => {
    const file = e.target.files[0];
    if (!file) return;
    const body = new Uint8Array(await file.arrayBuffer());
    e.target.value = '';
    const ok = await w.run(() => session.send('POST', `/api/v1/attachments?entity=agreement&entity_id=${a.id}&name=${encodeURIComponent(file.name)}`,
      body, { contentType: 'application/octet-stream' }), t('agr.fileSaved'));
    if (ok) onAgreement(await apiGet(`/api/v1/agreements/${encodeURIComponent(a.code)}`));
  };
  return html`
    <div class="card"><label for="agr-file">${t('agr.uploadFile')}</label>
      <input id="agr-file" type="file" accept=".pdf,.docx,.png,.jpg" onChange=${upload} />
      <${Message} msg=${w.msg} /></div>`;
}

function LinkTask({ t, session, a, onAgreement }) {
  const w = useWrite();
  const [code, setCode] = useState('');
  const [task, setTask] = useState({ title: '', lead_unit_code: '', deadline: '' });
  const path = `/api/v1/agreements/${encodeURIComponent(a.code)}/actions`;
  const link = async (e) => {
    e.preventDefault();
    const r = await w.run(() => session.send('POST', path, { task_code: code.trim() }), t('agr.linked'));
    if (r) { onAgreement(r); setCode(''); }
  };
  const create = async (e) => {
    e.preventDefault();
    const body = { title: task.title, lead_unit_code: task.lead_unit_code.trim() };
    if (task.deadline) body.deadline = task.deadline;
    const r = await w.run(() => session.send('POST', path, { task: body }), t('agr.taskCreated'));
    if (r) { onAgreement(r); setTask({ title: '', lead_unit_code: '', deadline: '' }); }
  };
  const set = (k) => (e) => setTask({ ...task, [k]: e.target.value });
  return html`
    <div class="agr-action-forms">
      <form class="form" onSubmit=${link}>
        <label for="link-code">${t('agr.linkCode')}</label>
        <input id="link-code" required value=${code} onInput=${(e) => setCode(e.target.value)} placeholder="NV-005" />
        <button type="submit" class="button primary" disabled=${w.busy}>${t('agr.link')}</button>
      </form>
      <details><summary>${t('agr.newTask')}</summary>
        <form class="form" onSubmit=${create}>
          <label for="new-task-title">${t('agr.taskTitle')}</label><input id="new-task-title" required value=${task.title} onInput=${set('title')} />
          <label for="new-task-lead">${t('agr.taskLead')}</label><input id="new-task-lead" required value=${task.lead_unit_code} onInput=${set('lead_unit_code')} placeholder="HN-SKHCN" />
          <label for="new-task-deadline">${t('agr.taskDeadline')}</label><input id="new-task-deadline" type="date" value=${task.deadline} onInput=${set('deadline')} />
          <button type="submit" class="button primary" disabled=${w.busy}>${t('agr.createTask')}</button>
        </form>
      </details>
      <${Message} msg=${w.msg} />
    </div>`;
}

function Actions({ t, session, a, onAgreement }) {
  const w = useWrite();
  const unlink = async (x) => {
    const r = await w.run(() => session.send('DELETE', `/api/v1/agreements/${encodeURIComponent(a.code)}/actions/${x.task_id}`));
    if (r) onAgreement(r);
  };
  return html`
    <section class="card"><h2>${t('agr.actionsTitle', formatNumber(a.actions.length))}</h2>
      ${a.actions.length === 0 ? html`<p class="muted">${t('agr.noActions')}</p>` : html`
        <div class="table-scroll">
          <table class="table agr-actions" style="min-width: 40rem">
            <thead><tr><th scope="col">${t('tasks.code')}</th><th scope="col">${t('tasks.title')}</th><th scope="col">${t('agr.lead')}</th>
              <th scope="col">${t('tasks.deadline')}</th><th scope="col">${t('tasks.progress')}</th><th scope="col">${t('tasks.status')}</th>
              ${writer(session) && html`<th scope="col" aria-label=${t('agr.unlink')}></th>`}</tr></thead>
            <tbody>${a.actions.map((x) => html`
              <tr key=${x.task_id}>
                <td><a href=${taskHref(x.code)}>${x.code}</a></td><td>${x.title}</td>
                <td><a href=${`#/tong-quan/don-vi/${x.lead_unit.id}`}>${x.lead_unit.name}</a></td>
                <td>${dateVi(x.deadline) || '–'}</td><td>${formatNumber(x.progress)}%</td>
                <td><span class=${`badge status-${x.status}`}>${t(`task.${x.status}`)}</span></td>
                ${writer(session) && html`<td><button type="button" class="link" onClick=${() => unlink(x)}>${t('agr.unlink')}</button></td>`}
              </tr>`)}</tbody>
          </table>
        </div>`}
      <${Message} msg=${w.msg} />
      ${writer(session) && html`<${LinkTask} t=${t} session=${session} a=${a} onAgreement=${onAgreement} />`}
    </section>`;
}

function Problems({ t, session, a, onAgreement }) {
  const w = useWrite();
  const [f, setF] = useState({ title: '', description: '' });
  const [org, setOrg] = useState(null);
  const base = `/api/v1/agreements/${encodeURIComponent(a.code)}/problems`;
  const add = async (e) => {
    e.preventDefault();
    const body = { title: f.title };
    if (f.description) body.description = f.description;
    if (org) body.organisation_id = org;
    const r = await w.run(() => session.send('POST', base, body), t('agr.problemAdded'));
    if (r) { onAgreement(r); setF({ title: '', description: '' }); setOrg(null); }
  };
  const setStatus = async (p, status) => {
    const r = await w.run(() => session.send('PATCH', `${base}/${p.id}`, { status }));
    if (r) onAgreement(r);
  };
  return html`
    <section class="card"><h2>${t('agr.problems')}</h2>
      ${a.problems.length === 0 ? html`<p class="muted">${t('agr.noProblems')}</p>` : html`
        <ul class="agr-problems">${a.problems.map((p) => html`
          <li key=${p.id}><strong>${p.title}</strong>${p.organisation && html` — ${t('agr.broughtBy')} <${OrgLink} org=${p.organisation} />`}
            ${p.description && html`<br /><span>${p.description}</span>`}<br />
            ${writer(session) ? html`<label>${t('agr.status')} <select value=${p.status} onChange=${(e) => setStatus(p, e.target.value)}>
                ${PROBLEM_STATUSES.map((s) => html`<option value=${s}>${t(`agr.problem.${s}`)}</option>`)}</select></label>`
              : html`<span class="badge">${t(`agr.problem.${p.status}`)}</span>`}
          </li>`)}</ul>`}
      ${writer(session) && html`
        <details><summary>${t('agr.addProblem')}</summary>
          <form class="form" onSubmit=${add}>
            <label for="problem-title">${t('agr.problemTitle')}</label><input id="problem-title" required value=${f.title} onInput=${(e) => setF({ ...f, title: e.target.value })} />
            <label for="problem-desc">${t('agr.description')}</label><textarea id="problem-desc" rows="2" value=${f.description} onInput=${(e) => setF({ ...f, description: e.target.value })}></textarea>
            <${OrgPicker} t=${t} id="problem-org" value=${org} onChange=${setOrg} label=${t('agr.broughtByLabel')} />
            <button type="submit" class="button primary" disabled=${w.busy}>${t('agr.addProblemButton')}</button>
          </form>
        </details>`}
      <${Message} msg=${w.msg} />
    </section>`;
}

function AgreementPage({ t, session, code, headingRef }) {
  const [a, setA] = useState(null);
  const [error, setError] = useState('');
  useEffect(() => {
    setA(null);
    apiGet(`/api/v1/agreements/${encodeURIComponent(code)}`).then(setA, (e) => setError(e.message));
  }, [code, session?.me]);
  return html`
    <section class="view view-agreement">
      <p><a href="#/thoa-thuan">← ${t('view.thoa-thuan')}</a></p>
      <h1 tabindex="-1" ref=${headingRef}>${a ? a.title : code}</h1>
      ${error && html`<p class="form-error" role="alert">${error}</p>`}
      ${!a && !error && html`<p class="muted">${t('agr.loading')}</p>`}
      ${a && html`
        <${Facts} t=${t} a=${a} />
        ${writer(session) && html`<${FileUpload} t=${t} session=${session} a=${a} onAgreement=${setA} />`}
        <${Parties} t=${t} session=${session} a=${a} onAgreement=${setA} />
        ${a.actions ? html`<${Actions} t=${t} session=${session} a=${a} onAgreement=${setA} />
          <${Problems} t=${t} session=${session} a=${a} onAgreement=${setA} />`
          : html`<p class="muted">${t('agr.signInForActions')}</p>`}`}
    </section>`;
}

export function AgreementsView({ t, session, hash, headingRef }) {
  const code = codeFromHash(hash, 'thoa-thuan');
  return code ? html`<${AgreementPage} key=${code} t=${t} session=${session} code=${code} headingRef=${headingRef} />`
    : html`<${AgreementList} t=${t} session=${session} headingRef=${headingRef} />`;
}

// ------------------------------------------------------------ funds

function FundCard({ t, f }) {
  return html`
    <li class="card fund-card">
      <h3><a href=${fundHref(f.code)}>${f.name}</a> <span class="muted small">(${f.code})</span></h3>
      <p class="muted">${t(`fund.kind.${f.kind}`)}${f.launched_on ? ` · ${t('fund.launched', dateVi(f.launched_on))}` : ''}</p>
      <dl class="facts">
        <dt>${t('fund.committed')}</dt><dd>${vnd(t, f.committed_vnd)}</dd>
        ${f.members_committed_vnd !== undefined && f.members_committed_vnd !== null && html`<dt>${t('fund.membersCommitted')}</dt><dd>${vnd(t, f.members_committed_vnd)}</dd>`}
        <dt>${t('fund.disbursed')}</dt><dd>${vnd(t, f.disbursed_vnd)}</dd>
        <dt>${t('fund.members')}</dt><dd>${f.members.length === 0 ? '–' : f.members.map((m, i) => html`${i ? ', ' : ''}<${OrgLink} org=${m} />`)}</dd>
      </dl>
    </li>`;
}

function NewFund({ t, session, onDone }) {
  const w = useWrite();
  const [f, setF] = useState({ code: '', name: '', kind: 'fund', launched_on: '', committed: '' });
  const set = (k) => (e) => setF({ ...f, [k]: e.target.value });
  const submit = async (e) => {
    e.preventDefault();
    const body = { code: f.code, name: f.name, kind: f.kind };
    if (f.launched_on) body.launched_on = f.launched_on;
    if (f.committed) body.committed_vnd = Number(f.committed) * 1e9;
    if (await w.run(() => session.send('POST', '/api/v1/funds', body), t('fund.saved'))) onDone();
  };
  return html`
    <details class="card"><summary>${t('fund.new')}</summary>
      <form class="form" onSubmit=${submit}>
        <label for="fund-code">${t('agr.code')}</label><input id="fund-code" required value=${f.code} onInput=${set('code')} />
        <label for="fund-name">${t('fund.name')}</label><input id="fund-name" required value=${f.name} onInput=${set('name')} />
        <label for="fund-kind">${t('agr.kind')}</label><select id="fund-kind" value=${f.kind} onChange=${set('kind')}>
          ${['fund', 'alliance'].map((k) => html`<option value=${k}>${t(`fund.kind.${k}`)}</option>`)}</select>
        <label for="fund-launched">${t('fund.launchedOn')}</label><input id="fund-launched" type="date" value=${f.launched_on} onInput=${set('launched_on')} />
        <label for="fund-committed">${t('fund.committedBillion')}</label><input id="fund-committed" type="number" min="0" step="any" value=${f.committed} onInput=${set('committed')} />
        <button type="submit" class="button primary" disabled=${w.busy}>${t('fund.create')}</button>
        <${Message} msg=${w.msg} />
      </form>
    </details>`;
}

function InvestmentTable({ t, list }) {
  if (list.length === 0) return html`<p class="muted">${t('fund.noInvestments')}</p>`;
  return html`
    <div class="table-scroll">
      <table class="table investments" style="min-width: 40rem">
        <thead><tr><th scope="col">${t('fund.date')}</th><th scope="col">${t('fund.from')}</th><th scope="col">${t('fund.startup')}</th>
          <th scope="col">${t('fund.amount')}</th><th scope="col">${t('fund.round')}</th><th scope="col">${t('fund.instrument')}</th></tr></thead>
        <tbody>${list.map((x) => html`
          <tr key=${x.id}><td>${dateVi(x.invested_on)}</td>
            <td>${x.fund ? html`<a href=${fundHref(x.fund.code)}>${x.fund.name}</a>` : ''}${x.fund && x.investor ? ', ' : ''}${x.investor && html`<${OrgLink} org=${x.investor} />`}</td>
            <td><${OrgLink} org=${x.startup} /></td><td class="num">${vnd(t, x.amount_vnd)}</td>
            <td>${x.round ? t(`fund.round.${x.round}`) : '–'}</td><td>${x.instrument ? t(`fund.instrument.${x.instrument}`) : '–'}</td></tr>`)}</tbody>
      </table>
    </div>`;
}

function NewInvestment({ t, session, funds, onDone }) {
  const w = useWrite();
  const [f, setF] = useState({ fund_code: '', amount: '', invested_on: '', round: 'seed', instrument: 'equity' });
  const [startup, setStartup] = useState(null);
  const set = (k) => (e) => setF({ ...f, [k]: e.target.value });
  const submit = async (e) => {
    e.preventDefault();
    const body = { startup_id: startup, amount_vnd: Number(f.amount) * 1e6, invested_on: f.invested_on, round: f.round, instrument: f.instrument };
    if (f.fund_code) body.fund_code = f.fund_code;
    if (await w.run(() => session.send('POST', '/api/v1/investments', body), t('fund.investmentSaved'))) onDone();
  };
  return html`
    <details><summary>${t('fund.newInvestment')}</summary>
      <form class="form" onSubmit=${submit}>
        <label for="inv-fund">${t('fund.fund')}</label><select id="inv-fund" value=${f.fund_code} onChange=${set('fund_code')}>
          <option value="">–</option>${funds.map((x) => html`<option value=${x.code}>${x.name}</option>`)}</select>
        <${OrgPicker} t=${t} id="inv-startup" value=${startup} onChange=${setStartup} label=${t('fund.startup')} />
        <label for="inv-amount">${t('fund.amountMillion')}</label><input id="inv-amount" type="number" min="0" step="any" required value=${f.amount} onInput=${set('amount')} />
        <label for="inv-date">${t('fund.date')}</label><input id="inv-date" type="date" required value=${f.invested_on} onInput=${set('invested_on')} />
        <label for="inv-round">${t('fund.round')}</label><select id="inv-round" value=${f.round} onChange=${set('round')}>${ROUNDS.map((r) => html`<option value=${r}>${t(`fund.round.${r}`)}</option>`)}</select>
        <label for="inv-instrument">${t('fund.instrument')}</label><select id="inv-instrument" value=${f.instrument} onChange=${set('instrument')}>${INSTRUMENTS.map((r) => html`<option value=${r}>${t(`fund.instrument.${r}`)}</option>`)}</select>
        <button type="submit" class="button primary" disabled=${w.busy || !startup}>${t('fund.saveInvestment')}</button>
        <${Message} msg=${w.msg} />
      </form>
    </details>`;
}

function AddRecipient({ t, session, programme, onDone }) {
  const w = useWrite();
  const [org, setOrg] = useState(null);
  const [support, setSupport] = useState('');
  const [since, setSince] = useState('');
  const submit = async (e) => {
    e.preventDefault();
    const body = { organisation_id: org };
    if (support) body.support = support;
    if (since) body.since = since;
    if (await w.run(() => session.send('POST', `/api/v1/support-programmes/${encodeURIComponent(programme.code)}/recipients`, body), t('fund.recipientSaved'))) onDone();
  };
  const id = `rcp-${programme.id}`;
  return html`
    <details><summary>${t('fund.addRecipient')}</summary>
      <form class="form" onSubmit=${submit}>
        <${OrgPicker} t=${t} id=${id} value=${org} onChange=${setOrg} label=${t('fund.recipient')} />
        <label for=${`${id}-what`}>${t('fund.support')}</label><input id=${`${id}-what`} value=${support} onInput=${(e) => setSupport(e.target.value)} />
        <label for=${`${id}-since`}>${t('fund.since')}</label><input id=${`${id}-since`} type="date" value=${since} onInput=${(e) => setSince(e.target.value)} />
        <button type="submit" class="button primary" disabled=${w.busy || !org}>${t('fund.addRecipientButton')}</button>
        <${Message} msg=${w.msg} />
      </form>
    </details>`;
}

function SupportProgrammes({ t, session, version, onDone }) {
  const [list, setList] = useState(null);
  useEffect(() => {
    apiGet('/api/v1/support-programmes?limit=100').then((d) => Promise.all(d.support_programmes.map((p) =>
      apiGet(`/api/v1/support-programmes/${encodeURIComponent(p.code)}`)))).then(setList, () => setList([]));
  }, [version]);
  if (!list) return null;
  return html`
    <section class="card"><h2>${t('fund.programmes')}</h2>
      ${list.length === 0 && html`<p class="muted">${t('fund.noProgrammes')}</p>`}
      ${list.map((p) => html`
        <div class="support-programme" key=${p.id}>
          <h3>${p.name} <span class="muted small">(${p.code})</span></h3>
          <p class="muted">${p.provider && html`${t('fund.provider')}: <${OrgLink} org=${p.provider} />`}
            ${p.network && html` · ${t('fund.network')}: <a href=${`#/mang-luoi/${encodeURIComponent(p.network.code)}`}>${p.network.name}</a>`}
            ${p.starts_on && ` · ${t('fund.since')} ${dateVi(p.starts_on)}`} · ${t('fund.nRecipients', formatNumber(p.recipients.length))}</p>
          ${p.recipients.length > 0 && html`
            <div class="table-scroll"><table class="table recipients" style="min-width: 40rem">
              <thead><tr><th scope="col">${t('fund.recipient')}</th><th scope="col">${t('fund.support')}</th><th scope="col">${t('fund.since')}</th></tr></thead>
              <tbody>${p.recipients.map((r) => html`<tr key=${r.organisation_id}><td><${OrgLink} org=${r} /></td><td>${r.support || '–'}</td><td>${dateVi(r.since) || '–'}</td></tr>`)}</tbody>
            </table></div>`}
          ${writer(session) && html`<${AddRecipient} t=${t} session=${session} programme=${p} onDone=${onDone} />`}
        </div>`)}
    </section>`;
}

function NewCommercialisation({ t, session, onDone }) {
  const w = useWrite();
  const [title, setTitle] = useState('');
  const [date, setDate] = useState('');
  const [owner, setOwner] = useState(null);
  const [partner, setPartner] = useState(null);
  const submit = async (e) => {
    e.preventDefault();
    const body = { title };
    if (date) body.announced_on = date;
    if (owner) body.organisation_id = owner;
    if (partner) body.partner_id = partner;
    if (await w.run(() => session.send('POST', '/api/v1/commercialisations', body), t('fund.commSaved'))) onDone();
  };
  return html`
    <details><summary>${t('fund.newComm')}</summary>
      <form class="form" onSubmit=${submit}>
        <label for="comm-title">${t('fund.commTitle')}</label><input id="comm-title" required value=${title} onInput=${(e) => setTitle(e.target.value)} />
        <label for="comm-date">${t('fund.announced')}</label><input id="comm-date" type="date" value=${date} onInput=${(e) => setDate(e.target.value)} />
        <${OrgPicker} t=${t} id="comm-owner" value=${owner} onChange=${setOwner} label=${t('fund.owner')} />
        <${OrgPicker} t=${t} id="comm-partner" value=${partner} onChange=${setPartner} label=${t('fund.partner')} />
        <button type="submit" class="button primary" disabled=${w.busy}>${t('fund.saveComm')}</button>
        <${Message} msg=${w.msg} />
      </form>
    </details>`;
}

function Commercialisations({ t, session, version, onDone }) {
  const [data, setData] = useState(null);
  useEffect(() => { apiGet('/api/v1/commercialisations?limit=200').then(setData, () => setData(null)); }, [version]);
  if (!data) return null;
  return html`
    <section class="card"><h2>${t('fund.comms')}</h2>
      ${data.commercialisations.length === 0 ? html`<p class="muted">${t('fund.noComms')}</p>` : html`
        <div class="table-scroll"><table class="table commercialisations" style="min-width: 40rem">
          <thead><tr><th scope="col">${t('fund.commTitle')}</th><th scope="col">${t('fund.owner')}</th><th scope="col">${t('fund.partner')}</th>
            <th scope="col">${t('fund.announced')}</th><th scope="col">${t('agr.status')}</th><th scope="col">${t('fund.value')}</th></tr></thead>
          <tbody>${data.commercialisations.map((c) => html`<tr key=${c.id}><td>${c.title}</td><td><${OrgLink} org=${c.owner} /></td>
            <td><${OrgLink} org=${c.partner} /></td><td>${dateVi(c.announced_on) || '–'}</td><td>${t(`fund.comm.${c.status}`)}</td>
            <td class="num">${vnd(t, c.value_vnd)}</td></tr>`)}</tbody>
        </table></div>`}
      ${writer(session) && html`<${NewCommercialisation} t=${t} session=${session} onDone=${onDone} />`}
    </section>`;
}

function FundList({ t, session, headingRef }) {
  const [funds, setFunds] = useState(null);
  const [investments, setInvestments] = useState(null);
  const [error, setError] = useState('');
  const [version, setVersion] = useState(0);
  const refresh = () => setVersion(version + 1);
  useEffect(() => {
    apiGet('/api/v1/funds?limit=200').then((d) => setFunds(d.funds), (e) => setError(e.message));
    if (signedIn(session)) apiGet('/api/v1/investments?limit=200').then(setInvestments, () => setInvestments(null));
  }, [version, session?.me]);
  return html`
    <section class="view view-funds">
      <h1 tabindex="-1" ref=${headingRef}>${t('view.quy')}</h1>
      <p class="lead">${t('fund.intro')}</p>
      <p><a href="#/thoa-thuan">${t('view.thoa-thuan')}</a></p>
      ${error && html`<p class="form-error" role="alert">${error}</p>`}
      <h2>${t('fund.funds')}</h2>
      ${writer(session) && html`<${NewFund} t=${t} session=${session} onDone=${refresh} />`}
      ${funds && funds.length === 0 && html`<p class="muted">${t('fund.noFunds')}</p>`}
      ${funds && html`<ul class="fund-cards" style="list-style: none; padding: 0">${funds.map((f) => html`<${FundCard} key=${f.id} t=${t} f=${f} />`)}</ul>`}
      ${signedIn(session) ? html`
        <section class="card"><h2>${t('fund.investments')}</h2>
          ${investments && html`<p class="muted">${t('fund.investedTotal', formatNumber(investments.total), vnd(t, investments.amount_vnd))}
            · <a href="/api/v1/investments/export" download="dau-tu.csv">${t('fund.export')}</a></p>
            <${InvestmentTable} t=${t} list=${investments.investments} />`}
          ${writer(session) && funds && html`<${NewInvestment} t=${t} session=${session} funds=${funds} onDone=${refresh} />`}
        </section>
        <${SupportProgrammes} t=${t} session=${session} version=${version} onDone=${refresh} />
        <${Commercialisations} t=${t} session=${session} version=${version} onDone=${refresh} />`
        : html`<p class="muted">${t('fund.signInForMore')}</p>`}
    </section>`;
}

function FundPage({ t, session, code, headingRef }) {
  const [f, setF] = useState(null);
  const [error, setError] = useState('');
  useEffect(() => { apiGet(`/api/v1/funds/${encodeURIComponent(code)}`).then(setF, (e) => setError(e.message)); }, [code, session?.me]);
  return html`
    <section class="view view-fund">
      <p><a href="#/quy">← ${t('view.quy')}</a></p>
      <h1 tabindex="-1" ref=${headingRef}>${f ? f.name : code}</h1>
      ${error && html`<p class="form-error" role="alert">${error}</p>`}
      ${f && html`
        <dl class="facts card">
          <dt>${t('agr.code')}</dt><dd>${f.code}</dd>
          <dt>${t('agr.kind')}</dt><dd>${t(`fund.kind.${f.kind}`)}</dd>
          ${f.organisation && html`<dt>${t('fund.asOrganisation')}</dt><dd><${OrgLink} org=${f.organisation} /></dd>`}
          <dt>${t('fund.launchedOn')}</dt><dd>${dateVi(f.launched_on) || '–'}</dd>
          <dt>${t('fund.committed')}</dt><dd>${vnd(t, f.committed_vnd)}</dd>
          <dt>${t('fund.disbursed')}</dt><dd>${vnd(t, f.disbursed_vnd)}</dd>
          <dt>${t('fund.invested')}</dt><dd>${vnd(t, f.invested_vnd)}</dd>
          ${f.description && html`<dt>${t('agr.description')}</dt><dd><${Linked} text=${f.description} /></dd>`}
        </dl>
        <section class="card"><h2>${t('fund.members')}</h2>
          ${f.members.length === 0 ? html`<p class="muted">–</p>` : html`
            <div class="table-scroll"><table class="table fund-members" style="min-width: 40rem">
              <thead><tr><th scope="col">${t('fund.member')}</th>${f.members[0].committed_vnd !== undefined && html`<th scope="col">${t('fund.memberCommitted')}</th>`}<th scope="col">${t('fund.joined')}</th></tr></thead>
              <tbody>${f.members.map((m) => html`<tr key=${m.organisation_id}><td><${OrgLink} org=${m} /></td>
                ${m.committed_vnd !== undefined && html`<td class="num">${vnd(t, m.committed_vnd)}</td>`}<td>${dateVi(m.joined_on) || '–'}</td></tr>`)}</tbody>
            </table></div>`}
        </section>
        ${f.investments && html`<section class="card"><h2>${t('fund.investments')}</h2><${InvestmentTable} t=${t} list=${f.investments} /></section>`}`}
    </section>`;
}

export function FundsView({ t, session, hash, headingRef }) {
  const code = codeFromHash(hash, 'quy');
  return code ? html`<${FundPage} key=${code} t=${t} session=${session} code=${code} headingRef=${headingRef} />`
    : html`<${FundList} t=${t} session=${session} headingRef=${headingRef} />`;
}
