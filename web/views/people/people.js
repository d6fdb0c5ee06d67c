// The people page (#/nguoi-dung), for administrators: the list with its
// search, adding a person, locking and unlocking, setting a new password,
// granting a role on a unit found by search and revoking one — each change
// to an account after a confirmation, none on one's own account.
import { html, useEffect, useState } from '../../ui.js';
import { apiSend } from '../../api.js';

const ROLES = ['admin', 'steering', 'officer', 'viewer'];

function UnitPicker({ t, id, onPick }) {
  const [q, setQ] = useState('');
  const [units, setUnits] = useState([]);
  useEffect(() => {
    if (!q.trim()) { setUnits([]); return undefined; }
    const timer = setTimeout(() => {
      apiSend('GET', `/api/v1/units?q=${encodeURIComponent(q.trim())}&limit=20`).then((d) => setUnits(d.units), () => setUnits([]));
    }, 250);
    return () => clearTimeout(timer);
  }, [q]);
  return html`
    <div class="unit-picker">
      <input id=${id} type="search" value=${q} placeholder=${t('people.unitSearch')} onInput=${(e) => setQ(e.target.value)} />
      ${units.length > 0 && html`
        <ul class="picker-results">
          ${units.map((u) => html`<li><button type="button" class="link-button"
            onClick=${() => { onPick(u); setQ(u.name); setUnits([]); }}>${u.name}${u.code ? ` (${u.code})` : ''}</button></li>`)}
        </ul>`}
    </div>`;
}

function AddPerson({ t, session, onDone }) {
  const empty = { login: '', name: '', email: '', password: '', role: 'officer', unit: null };
  const [f, setF] = useState(empty);
  const [msg, setMsg] = useState(null);
  const set = (k) => (e) => setF({ ...f, [k]: e.target.value });
  const submit = async (e) => {
    e.preventDefault();
    setMsg(null);
    const body = { login: f.login.trim(), name: f.name.trim(), password: f.password };
    if (f.email.trim()) body.email = f.email.trim();
    if (f.unit) body.grants = [{ role: f.role, unit_id: f.unit.id }];
    try {
      await session.send('POST', '/api/v1/people', body);
      setMsg({ ok: t('people.added', body.login) });
      setF(empty);
      onDone();
    } catch (err) {
      setMsg({ error: err.message });
    }
  };
  return html`
    <form class="card form add-person" onSubmit=${submit}>
      <h2>${t('people.add')}</h2>
      <label for="p-login">${t('people.login')}</label>
      <input id="p-login" required value=${f.login} onInput=${set('login')} autocomplete="off" />
      <label for="p-name">${t('people.name')}</label>
      <input id="p-name" required value=${f.name} onInput=${set('name')} />
      <label for="p-email">${t('people.email')}</label>
      <input id="p-email" type="email" value=${f.email} onInput=${set('email')} />
      <label for="p-password">${t('people.password')}</label>
      <input id="p-password" type="password" required minlength="10" value=${f.password} onInput=${set('password')} autocomplete="new-password" />
      <label for="p-role">${t('people.role')}</label>
      <select id="p-role" value=${f.role} onChange=${set('role')}>
        ${ROLES.map((r) => html`<option value=${r}>${t(`role.${r}`)}</option>`)}
      </select>
      <label for="p-unit">${t('people.unit')}</label>
      <${UnitPicker} t=${t} id="p-unit" onPick=${(u) => setF({ ...f, unit: u })} />
      <button type="submit" class="button primary">${t('people.addButton')}</button>
      ${msg?.ok && html`<p class="form-ok" role="status">${msg.ok}</p>`}
      ${msg?.error && html`<p class="form-error" role="alert">${msg.error}</p>`}
    </form>`;
}

function GrantForm({ t, session, person, onDone }) {
  const [role, setRole] = useState('viewer');
  const [unit, setUnit] = useState(null);
  const [error, setError] = useState('');
  const submit = async (e) => {
    e.preventDefault();
    if (!unit) return;
    try {
      await session.send('POST', `/api/v1/people/${person.id}/grants`, { role, unit_id: unit.id });
      setError('');
      onDone();
    } catch (err) {
      setError(err.message);
    }
  };
  return html`
    <form class="grant-form" onSubmit=${submit}>
      <select aria-label=${t('people.role')} value=${role} onChange=${(e) => setRole(e.target.value)}>
        ${ROLES.map((r) => html`<option value=${r}>${t(`role.${r}`)}</option>`)}
      </select>
      <${UnitPicker} t=${t} id=${`grant-unit-${person.id}`} onPick=${setUnit} />
      <button type="submit" class="button" disabled=${!unit}>${t('people.grant')}</button>
      ${error && html`<p class="form-error" role="alert">${error}</p>`}
    </form>`;
}

// An inline question with Confirm and Cancel; nothing is sent before Confirm.
function Confirm({ t, text, onYes, onNo, children }) {
  return html`
    <div class="confirm" role="group" aria-label=${text}>
      <p>${text}</p>
      ${children}
      <button type="button" class="button primary confirm-yes" onClick=${onYes}>${t('people.confirm')}</button>
      <button type="button" class="button confirm-no" onClick=${onNo}>${t('people.cancel')}</button>
    </div>`;
}

// What an administrator does to a person: lock or unlock, set a new
// password, grant and revoke roles. One's own row offers none of what the
// server refuses to do to oneself.
function PersonRow({ t, session, person, onDone }) {
  const [error, setError] = useState('');
  const [ok, setOk] = useState('');
  const [granting, setGranting] = useState(false);
  const [asking, setAsking] = useState(null);   // {kind: 'lock'|'reset'|'revoke', grant?}
  const [password, setPassword] = useState('');
  const self = session.me?.person?.id === person.id;
  const run = async (fn, done) => {
    setError('');
    setOk('');
    try {
      await fn();
      setAsking(null);
      setPassword('');
      if (done) setOk(done);
      onDone();
    } catch (err) {
      setError(err.message);
    }
  };
  const lock = () => run(() => session.send('PATCH', `/api/v1/people/${person.id}`, { active: !person.active }));
  const reset = () => run(() => session.send('POST', `/api/v1/people/${person.id}/password`, { password }), t('people.resetDone', person.login));
  const revoke = (g) => run(() => session.send('DELETE', `/api/v1/people/${person.id}/grants/${g.id}`));
  return html`
    <tr class=${self ? 'self' : undefined} data-login=${person.login}>
      <td>${person.login}${self ? html` <span class="badge">${t('people.you')}</span>` : ''}</td>
      <td>${person.name}</td>
      <td>${person.grants.map((g) => html`
        <span class="grant">${t(`role.${g.role}`)} · ${g.unit_name}
          ${!(self && g.role === 'admin') && html`<button type="button" class="link-button revoke"
            aria-label=${`${t('people.revoke')}: ${t(`role.${g.role}`)} · ${g.unit_name}`}
            onClick=${() => setAsking({ kind: 'revoke', grant: g })}>${t('people.revoke')}</button>`}</span>`)}</td>
      <td>${person.active ? t('people.active') : html`<span class="badge">${t('people.disabled')}</span>`}
        ${person.must_change_password && html` <span class="badge">${t('people.mustChange')}</span>`}</td>
      <td class="person-actions">
        ${!self && html`<button type="button" class="button lock" onClick=${() => setAsking({ kind: 'lock' })}>
          ${person.active ? t('people.disable') : t('people.enable')}</button>`}
        ${!self && html`<button type="button" class="button reset" onClick=${() => setAsking({ kind: 'reset' })}>${t('people.resetPassword')}</button>`}
        <button type="button" class="button" onClick=${() => setGranting(!granting)}>${t('people.grant')}</button>
        ${asking?.kind === 'lock' && html`<${Confirm} t=${t} text=${person.active ? t('people.lockAsk', person.login) : t('people.unlockAsk', person.login)}
          onYes=${lock} onNo=${() => setAsking(null)} />`}
        ${asking?.kind === 'revoke' && html`<${Confirm} t=${t}
          text=${t('people.revokeAsk', t(`role.${asking.grant.role}`), asking.grant.unit_name, person.login)}
          onYes=${() => revoke(asking.grant)} onNo=${() => setAsking(null)} />`}
        ${asking?.kind === 'reset' && html`<${Confirm} t=${t} text=${t('people.resetAsk', person.login)}
          onYes=${reset} onNo=${() => { setAsking(null); setPassword(''); }}>
            <label for=${`reset-${person.id}`}>${t('people.newPassword')}</label>
            <input id=${`reset-${person.id}`} class="reset-password" type="password" minlength="10" autocomplete="new-password"
              value=${password} onInput=${(e) => setPassword(e.target.value)} />
          </${Confirm}>`}
        ${granting && html`<${GrantForm} t=${t} session=${session} person=${person} onDone=${() => { setGranting(false); onDone(); }} />`}
        ${error && html`<p class="form-error" role="alert">${error}</p>`}
        ${ok && html`<p class="form-ok" role="status">${ok}</p>`}
      </td>
    </tr>`;
}

export function PeopleView({ t, session, headingRef }) {
  const [q, setQ] = useState('');
  const [data, setData] = useState(null);
  const [error, setError] = useState('');
  const [version, setVersion] = useState(0);
  useEffect(() => {
    if (!session.isAdmin) return undefined;
    const timer = setTimeout(() => {
      apiSend('GET', `/api/v1/people?limit=200&q=${encodeURIComponent(q.trim())}`).then(setData, (e) => setError(e.message));
    }, 200);
    return () => clearTimeout(timer);
  }, [q, version, session.isAdmin]);
  if (!session.isAdmin) {
    return html`
      <section class="view view-people">
        <h1 tabindex="-1" ref=${headingRef}>${t('view.nguoi-dung')}</h1>
        <p>${t('people.adminsOnly')}</p>
      </section>`;
  }
  const refresh = () => setVersion(version + 1);
  return html`
    <section class="view view-people">
      <h1 tabindex="-1" ref=${headingRef}>${t('view.nguoi-dung')}</h1>
      <div class="search">
        <label for="people-search">${t('people.search')}</label>
        <input id="people-search" type="search" value=${q} onInput=${(e) => setQ(e.target.value)} />
      </div>
      ${error && html`<p class="form-error">${error}</p>`}
      ${data && html`
        <div class="table-scroll">
        <table class="table people">
          <thead><tr>
            <th scope="col">${t('people.login')}</th><th scope="col">${t('people.name')}</th>
            <th scope="col">${t('people.roles')}</th><th scope="col">${t('people.status')}</th><th scope="col">${t('people.actions')}</th>
          </tr></thead>
          <tbody>${data.people.map((p) => html`<${PersonRow} key=${p.id} t=${t} session=${session} person=${p} onDone=${refresh} />`)}</tbody>
        </table>
        </div>`}
      <${AddPerson} t=${t} session=${session} onDone=${refresh} />
    </section>`;
}
