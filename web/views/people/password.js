// Changing one's own password (#/doi-mat-khau). A person whose password an
// administrator set is shown only this until they change it.
import { html, useState } from '../../ui.js';

export function ChangePasswordView({ t, session, headingRef, forced }) {
  const [f, setF] = useState({ current: '', next: '', again: '' });
  const [msg, setMsg] = useState(null);
  const [busy, setBusy] = useState(false);
  const set = (k) => (e) => setF({ ...f, [k]: e.target.value });
  const submit = async (e) => {
    e.preventDefault();
    setMsg(null);
    if (f.next !== f.again) { setMsg({ error: t('password.mismatch') }); return; }
    setBusy(true);
    try {
      await session.send('POST', '/api/v1/session/password', { current_password: f.current, new_password: f.next });
      setF({ current: '', next: '', again: '' });
      setMsg({ ok: t('password.done') });
      await session.reload();
      if (forced) location.hash = '#/';
    } catch (err) {
      setMsg({ error: err.message });
    } finally {
      setBusy(false);
    }
  };
  if (!session.me) {
    return html`
      <section class="view view-password">
        <h1 tabindex="-1" ref=${headingRef}>${t('password.title')}</h1>
        <p><a href="#/dang-nhap">${t('session.signIn')}</a></p>
      </section>`;
  }
  return html`
    <section class="view view-password">
      <h1 tabindex="-1" ref=${headingRef}>${t('password.title')}</h1>
      ${forced && html`<p class="card notice" role="alert">${t('password.mustChange')}</p>`}
      <form class="card form password-form" onSubmit=${submit}>
        <input type="text" autocomplete="username" value=${session.me.person.login} hidden readonly />
        <label for="pw-current">${t('password.current')}</label>
        <input id="pw-current" type="password" autocomplete="current-password" required value=${f.current} onInput=${set('current')} />
        <label for="pw-next">${t('password.next')}</label>
        <input id="pw-next" type="password" autocomplete="new-password" required minlength="10" value=${f.next} onInput=${set('next')} />
        <label for="pw-again">${t('password.again')}</label>
        <input id="pw-again" type="password" autocomplete="new-password" required minlength="10" value=${f.again} onInput=${set('again')} />
        <button type="submit" class="button primary" disabled=${busy}>${t('password.submit')}</button>
        ${msg?.ok && html`<p class="form-ok" role="status">${msg.ok}</p>`}
        ${msg?.error && html`<p class="form-error" role="alert">${msg.error}</p>`}
      </form>
    </section>`;
}
