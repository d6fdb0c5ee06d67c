// The nq57 web shell: header with the language switch, side navigation,
// hash-routed views and a footer that shows the server's health.
import { html, render, useCallback, useEffect, useRef, useState } from './ui.js';
import { loadLang, saveLang, translator } from './i18n.js';
import { apiGet } from './api.js';
import { formatDateTime, formatDuration } from './format.js';
import { useSession } from './session.js';
import { SignInView } from './views/people/signin.js';
import { UnitsView } from './views/people/units.js';
import { PeopleView } from './views/people/people.js';
import { IndicatorsView, TasksView } from './views/programme/programme.js';
import { TaskView, taskCodeFromHash } from './views/programme/task.js';
import { MyWorkView } from './views/programme/mywork.js';
import { InboxView, InboxBell, InboxCount } from './views/people/inbox.js';
import { GridView } from './views/programme/values/grid.js';
import { ApprovalsView, ApprovalsBadge } from './views/programme/values/approvals.js';
import { ValidationView } from './views/programme/values/validation.js';
import { ReportsView } from './views/reports/reports.js';
import { IndicesView } from './views/indices/indices.js';
import { OverviewView, DashboardDetailView, dashboardSubroute } from './views/dashboards/dashboard.js';
import { DocumentsView } from './views/programme/document.js';
import { AuditView } from './views/people/audit.js';
import { ChangePasswordView } from './views/people/password.js';
import { ApiView } from './views/api/api.js';
import { EcosystemView } from './views/ecosystem/ecosystem.js';
import { OrganisationsView } from './views/ecosystem/organisations.js';
import { NetworksView, ResourceView } from './views/ecosystem/networks.js';
import { AgreementsView, FundsView } from './views/ecosystem/agreements.js';
import { MapView } from './views/stmap/mapview.js';
import { OutputsView } from './views/stmap/outputs.js';
import { StIndicatorsView } from './views/stmap/indicators.js';
import { CollaborationView } from './views/stmap/collaboration.js';
import { MarketView } from './views/market/market.js';

// The views in navigation order; `id` is both the hash route and the i18n key.
const VIEWS = ['tong-quan', 'chi-tieu', 'nhiem-vu', 'van-ban', 'don-vi', 'bao-cao', 'chi-so', 'he-sinh-thai', 'ban-do', 'cho-cong-nghe'];
const HOME = VIEWS[0];
const HEALTH_REFRESH_MS = 60000;

// "#/chi-tieu/..." -> "chi-tieu"; an empty hash is the overview.
function routeFromHash(hash) {
  const first = hash.replace(/^#\/?/, '').split(/[/?]/)[0];
  return first === '' ? HOME : decodeURIComponent(first);
}

// The route and the whole hash (sub-pages such as #/tong-quan/chi-tieu/7
// re-render on every change).
function useRoute() {
  const [hash, setHash] = useState(() => location.hash);
  useEffect(() => {
    const onChange = () => setHash(location.hash);
    addEventListener('hashchange', onChange);
    return () => removeEventListener('hashchange', onChange);
  }, []);
  return [routeFromHash(hash), hash];
}

function useLang() {
  const [lang, setLang] = useState(loadLang);
  useEffect(() => {
    document.documentElement.lang = lang;
    saveLang(lang);
  }, [lang]);
  return [lang, setLang];
}

// Polls GET /api/v1/health; returns [{state, data, error, at}, recheck].
function useHealth() {
  const [health, setHealth] = useState({ state: 'pending' });
  const inflight = useRef(null);
  const check = useCallback(async () => {
    inflight.current?.abort();
    const ctl = new AbortController();
    inflight.current = ctl;
    try {
      const data = await apiGet('/api/v1/health', { signal: ctl.signal });
      setHealth({ state: data.status === 'ok' ? 'ok' : 'degraded', data, at: new Date() });
    } catch (error) {
      if (error.name !== 'AbortError') setHealth({ state: 'error', error, at: new Date() });
    }
  }, []);
  useEffect(() => {
    check();
    const timer = setInterval(() => { if (!document.hidden) check(); }, HEALTH_REFRESH_MS);
    return () => { clearInterval(timer); inflight.current?.abort(); };
  }, [check]);
  return [health, check];
}

function healthText(t, health) {
  switch (health.state) {
    case 'ok': return t('status.ok', health.data);
    case 'degraded': return t('status.degraded', health.data);
    case 'error': {
      const e = health.error;
      const detail = e.kind === 'http' ? `HTTP ${e.status}` : t(e.kind === 'network' ? 'error.network' : 'error.invalid');
      return t('status.error', detail);
    }
    default: return t('status.checking');
  }
}

// ---------------------------------------------------------------- frame

// Keeps document numbers such as "57-NQ/TW" on one line: browsers would
// otherwise break them at the hyphen on narrow screens.
function keepCodesWhole(text) {
  return text.split(/(\d+-[\p{Lu}Đ]+(?:\/[\p{Lu}Đ]+)*)/u)
    .map((part, i) => (i % 2 ? html`<span class="nowrap">${part}</span>` : part));
}

function Who({ t, session }) {
  if (!session.ready) return null;
  if (!session.me) return html`<a class="who-signin" href="#/dang-nhap">${t('session.signIn')}</a>`;
  const units = [...new Set(session.me.grants.map((g) => g.unit_name))];
  return html`
    <div class="who">
      <${InboxBell} t=${t} session=${session} />
      <a class="who-name" href="#/doi-mat-khau" title=${t('session.account')}>${session.me.person.name}</a>
      ${units.length > 0 && html`<span class="who-units" title=${t('session.units')}>${units.join(', ')}</span>`}
      <button type="button" class="who-signout" onClick=${() => session.signOut()}>${t('session.signOut')}</button>
    </div>`;
}

function Header({ t, lang, onLang, session }) {
  return html`
    <header class="app-header">
      <a class="brand" href="#/">
        <span class="brand-name">nq57</span>
        <span class="brand-tagline">${keepCodesWhole(t('app.tagline'))}</span>
      </a>
      <${Who} t=${t} session=${session} />
      <div class="lang-switch" role="group" aria-label=${t('lang.label')}>
        ${['vi', 'en'].map((code) => html`
          <button type="button" lang=${code} title=${t(`lang.${code}`)}
            aria-pressed=${lang === code ? 'true' : 'false'}
            onClick=${() => onLang(code)}>${code.toUpperCase()}</button>`)}
      </div>
    </header>`;
}

// Whether the person has work of a unit to do or review ("Việc của đơn vị
// tôi"): a viewer has none.
function hasWork(session) {
  return !!session.me?.grants?.some((g) => g.role === 'officer' || g.role === 'admin' || g.role === 'steering');
}

// Where a signed-in person starts (#/ and after sign-in): an officer on its
// own work, everyone else on the overview.
function landing(session) {
  const grants = session.me?.grants || [];
  return grants.some((g) => g.role === 'officer') && !grants.some((g) => g.role === 'steering') ? '#/viec-cua-toi' : null;
}

function Nav({ t, route, session }) {
  const items = [...VIEWS, ...(hasWork(session) ? ['viec-cua-toi'] : []), ...(session.me ? ['hop-thu'] : []), ...(session.isAdmin ? ['nguoi-dung'] : []),
    ...(session.me?.grants?.some((g) => g.role === 'admin' || g.role === 'steering') ? ['phe-duyet', 'kiem-tra', 'nhat-ky'] : [])];
  return html`
    <nav class="app-nav" aria-label=${t('nav.label')}>
      <ul>
        ${items.map((id) => html`
          <li>
            <a href=${`#/${id}`} class=${route === id ? 'active' : undefined}
              aria-current=${route === id ? 'page' : undefined}>${t(`view.${id}`)}${id === 'phe-duyet' && html` <${ApprovalsBadge} t=${t} />`}${id === 'hop-thu' && html`<${InboxCount} t=${t} session=${session} />`}</a>
          </li>`)}
      </ul>
    </nav>`;
}

function Footer({ t, health }) {
  return html`
    <footer class="app-footer">
      <p class="status-line">
        <span class=${`status-dot status-${health.state}`} aria-hidden="true"></span>
        <span id="server-status" role="status">${healthText(t, health)}</span>
      </p>
      <p class="footer-links"><a href="#/api">${t('view.api')}</a></p>
    </footer>`;
}

// ---------------------------------------------------------------- views

// Gives focus to a view's heading when the view changes, so keyboard and
// screen-reader users land on the new content (not on the first load).
function useHeadingFocus(route) {
  const ref = useRef(null);
  const first = useRef(true);
  useEffect(() => {
    if (first.current) { first.current = false; return; }
    ref.current?.focus();
  }, [route]);
  return ref;
}

// The server's health, small, under the overview.
function HealthCard({ t, health, onRecheck }) {
  return html`
    <article class="card health-card">
      <h2>${t('status.heading')}</h2>
      <p class=${`health health-${health.state}`}>
        <span class=${`status-dot status-${health.state}`} aria-hidden="true"></span>
        ${healthText(t, health)}
      </p>
      ${health.data && html`<p class="muted">${t('status.uptime', formatDuration(health.data.uptime_seconds, t))}</p>`}
      ${health.at && html`<p class="muted">${t('status.checkedAt', formatDateTime(health.at))}</p>`}
      <button type="button" class="button" onClick=${onRecheck}>${t('status.retry')}</button>
    </article>`;
}

function WipView({ t, route, headingRef }) {
  const name = t(`view.${route}`);
  return html`
    <section class="view view-wip">
      <h1 tabindex="-1" ref=${headingRef}>${name}</h1>
      <div class="card notice">
        <h2>${t('wip.title')}</h2>
        <p>${t('wip.body', name)}</p>
        <p class="muted">${t(`about.${route}`)}</p>
      </div>
    </section>`;
}

function NotFoundView({ t, headingRef }) {
  return html`
    <section class="view view-notfound">
      <h1 tabindex="-1" ref=${headingRef}>${t('notfound.title')}</h1>
      <p>${t('notfound.body')}</p>
      <p><a href="#/">${t('notfound.back')}</a></p>
    </section>`;
}

// ---------------------------------------------------------------- app

function App() {
  const [lang, setLang] = useLang();
  const [route, hash] = useRoute();
  const [health, recheck] = useHealth();
  const headingRef = useHeadingFocus(route);
  const session = useSession();
  const t = translator(lang);

  useEffect(() => { document.title = t('app.title'); }, [lang]);
  useEffect(() => {
    const start = landing(session);
    // the live hash, not the rendered one: a page opened since the sign-in
    // (a click, a link) is not taken back to the landing page
    if (start && /^#?\/?$/.test(hash) && /^#?\/?$/.test(location.hash)) location.replace(start);
  }, [session.me, hash]);

  let view;
  const sub = route === HOME ? dashboardSubroute(hash) : [];
  if (route === HOME && sub.length === 2) view = html`<${DashboardDetailView} t=${t} session=${session} headingRef=${headingRef} sub=${sub} />`;
  else if (route === HOME) view = html`<${OverviewView} t=${t} headingRef=${headingRef}
    footer=${html`<${HealthCard} t=${t} health=${health} onRecheck=${recheck} />`} />`;
  else if (route === 'dang-nhap') view = html`<${SignInView} t=${t} session=${session} headingRef=${headingRef} />`;
  else if (route === 'don-vi') view = html`<${UnitsView} t=${t} session=${session} headingRef=${headingRef} />`;
  else if (route === 'chi-tieu') view = html`<${IndicatorsView} t=${t} headingRef=${headingRef} />`;
  else if (route === 'nhiem-vu' && taskCodeFromHash(hash)) view = html`<${TaskView} t=${t} session=${session} headingRef=${headingRef} code=${taskCodeFromHash(hash)} />`;
  else if (route === 'nhiem-vu') view = html`<${TasksView} t=${t} session=${session} headingRef=${headingRef} />`;
  else if (route === 'phe-duyet') view = html`<${ApprovalsView} t=${t} session=${session} headingRef=${headingRef} />`;
  else if (route === 'kiem-tra') view = html`<${ValidationView} t=${t} session=${session} headingRef=${headingRef} />`;
  else if (route === 'hop-thu') view = html`<${InboxView} t=${t} session=${session} headingRef=${headingRef} />`;
  else if (route === 'viec-cua-toi') view = html`<${MyWorkView} t=${t} session=${session} headingRef=${headingRef} />`;
  else if (route === 'nhap-lieu') view = html`<${GridView} t=${t} session=${session} headingRef=${headingRef} />`;
  else if (route === 'bao-cao') view = html`<${ReportsView} t=${t} session=${session} headingRef=${headingRef} />`;
  else if (route === 'chi-so') view = html`<${IndicesView} t=${t} session=${session} headingRef=${headingRef} />`;
  else if (route === 'nguoi-dung') view = html`<${PeopleView} t=${t} session=${session} headingRef=${headingRef} />`;
  else if (route === 'van-ban') view = html`<${DocumentsView} t=${t} session=${session} hash=${hash} headingRef=${headingRef} />`;
  else if (route === 'nhat-ky') view = html`<${AuditView} t=${t} session=${session} headingRef=${headingRef} />`;
  else if (route === 'he-sinh-thai') view = html`<${EcosystemView} t=${t} session=${session} hash=${hash} headingRef=${headingRef} />`;
  else if (route === 'to-chuc') view = html`<${OrganisationsView} t=${t} session=${session} hash=${hash} headingRef=${headingRef} />`;
  else if (route === 'mang-luoi') view = html`<${NetworksView} t=${t} session=${session} hash=${hash} headingRef=${headingRef} />`;
  else if (route === 'tai-nguyen') view = html`<${ResourceView} t=${t} session=${session} hash=${hash} headingRef=${headingRef} />`;
  else if (route === 'thoa-thuan') view = html`<${AgreementsView} t=${t} session=${session} hash=${hash} headingRef=${headingRef} />`;
  else if (route === 'quy') view = html`<${FundsView} t=${t} session=${session} hash=${hash} headingRef=${headingRef} />`;
  else if (route === 'ban-do') view = html`<${MapView} t=${t} session=${session} hash=${hash} headingRef=${headingRef} />`;
  else if (route === 'cong-bo') view = html`<${OutputsView} t=${t} session=${session} hash=${hash} headingRef=${headingRef} />`;
  else if (route === 'chi-so-khcn') view = html`<${StIndicatorsView} t=${t} session=${session} hash=${hash} headingRef=${headingRef} />`;
  else if (route === 'mang-hop-tac') view = html`<${CollaborationView} t=${t} session=${session} hash=${hash} headingRef=${headingRef} />`;
  else if (route === 'cho-cong-nghe') view = html`<${MarketView} t=${t} session=${session} hash=${hash} headingRef=${headingRef} />`;
  else if (route === 'api') view = html`<${ApiView} t=${t} headingRef=${headingRef} />`;
  else if (route === 'doi-mat-khau') view = html`<${ChangePasswordView} t=${t} session=${session} headingRef=${headingRef} />`;
  else if (VIEWS.includes(route)) view = html`<${WipView} t=${t} route=${route} headingRef=${headingRef} />`;
  else view = html`<${NotFoundView} t=${t} headingRef=${headingRef} />`;

  // A password an administrator set must be changed before anything else.
  const mustChange = !!session.me?.must_change_password;
  if (mustChange) view = html`<${ChangePasswordView} t=${t} session=${session} headingRef=${headingRef} forced=${true} />`;

  return html`
    <a class="skip-link" href="#main" onClick=${(e) => { e.preventDefault(); document.getElementById('main')?.focus(); }}>${t('app.skip')}</a>
    <${Header} t=${t} lang=${lang} onLang=${setLang} session=${session} />
    ${!mustChange && html`<${Nav} t=${t} route=${route} session=${session} />`}
    <main id="main" class="app-main" tabindex="-1">${view}</main>
    <${Footer} t=${t} health=${health} />`;
}

// index.html carries a static copy of the frame for the first paint; the
// live app replaces it.
const root = document.getElementById('app');
root.replaceChildren();
render(html`<${App} />`, root);
