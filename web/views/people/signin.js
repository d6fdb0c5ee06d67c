// The sign-in page (#/dang-nhap): login and password, errors in words.
import { html, useState } from '../../ui.js';

export function SignInView({ t, session, headingRef }) {
  const [login, setLogin] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);

  const submit = async (e) => {
    e.preventDefault();
    setBusy(true);
    setError('');
    try {
      await session.signIn(login.trim(), password);
      location.hash = '#/';
    } catch (err) {
      if (err.status === 429) setError(t('signin.tooMany', err.retryAfter || 30));
      else if (err.status === 401) setError(t('signin.wrong'));
      else setError(t('signin.failed', err.message));
    } finally {
      setBusy(false);
    }
  };

  if (session.me) {
    return html`
      <section class="view view-signin">
        <h1 tabindex="-1" ref=${headingRef}>${t('signin.title')}</h1>
        <p>${t('signin.already', session.me.person.name)}</p>
      </section>`;
  }
  return html`
    <section class="view view-signin">
      <h1 tabindex="-1" ref=${headingRef}>${t('signin.title')}</h1>
      <form class="card form signin-form" onSubmit=${submit}>
        <label for="signin-login">${t('signin.login')}</label>
        <input id="signin-login" name="login" autocomplete="username" required
          value=${login} onInput=${(e) => setLogin(e.target.value)} />
        <label for="signin-password">${t('signin.password')}</label>
        <input id="signin-password" name="password" type="password" autocomplete="current-password" required
          value=${password} onInput=${(e) => setPassword(e.target.value)} />
        ${error && html`<p class="form-error" role="alert">${error}</p>`}
        <button type="submit" class="button primary" disabled=${busy}>${t('signin.submit')}</button>
      </form>
    </section>`;
}
