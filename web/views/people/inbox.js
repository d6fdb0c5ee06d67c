// "Hộp thư" (#/hop-thu): what the server says each person should know about
// their units' work — values and reports returned (with the reason) or
// approved, comments, extension decisions, tasks due or overdue, for the
// steering office what waits for approval, and the technology market's
// notices (a listing published or returned, a proposal received, a saved
// search's new match), each linked to its listing. Also the bell in the
// header and the count in the menu, which share one request for the unread
// count.
import { html, useEffect, useState } from '../../ui.js';
import { apiSend } from '../../api.js';
import { formatNumber } from '../../format.js';
import { dateVi } from '../programme/programme.js';

const PAGE = 50;

// ------------------------------------------------------------ unread count

const listeners = new Set();
let unread = 0;
let loading = null;

function loadUnread() {
  if (!loading) {
    loading = apiSend('GET', '/api/v1/inbox?limit=1').then((d) => d.unread, () => 0).then((n) => {
      unread = n;
      loading = null;
      listeners.forEach((f) => f(n));
    });
  }
  return loading;
}

// Asks the bell and the menu to count again (after marking items read).
export function inboxChanged() {
  loadUnread();
}

function useUnread(session) {
  const [n, setN] = useState(unread);
  useEffect(() => {
    if (!session.me) return undefined;
    listeners.add(setN);
    loadUnread();
    const again = () => loadUnread();
    addEventListener('hashchange', again);
    const timer = setInterval(() => { if (!document.hidden) loadUnread(); }, 60000);
    return () => { listeners.delete(setN); removeEventListener('hashchange', again); clearInterval(timer); };
  }, [session.me]);
  return session.me ? n : 0;
}

// The bell in the header: the unread items, linking to the inbox.
export function InboxBell({ t, session }) {
  const n = useUnread(session);
  if (!session.me) return null;
  const label = n ? t('inbox.bell', n) : t('inbox.bellNone');
  return html`<a class="bell inbox-bell" href="#/hop-thu" title=${label} aria-label=${label}>
    <svg viewBox="0 0 24 24" width="20" height="20" aria-hidden="true" focusable="false">
      <path fill="currentColor" d="M12 22a2.5 2.5 0 0 0 2.45-2h-4.9A2.5 2.5 0 0 0 12 22zm7-6V11a7 7 0 0 0-5.5-6.84V3.5a1.5 1.5 0 0 0-3 0v.66A7 7 0 0 0 5 11v5l-2 2v1h18v-1z" />
    </svg>${n > 0 && html`<span class="bell-count">${formatNumber(n)}</span>`}</a>`;
}

// The unread count beside "Hộp thư" in the menu.
export function InboxCount({ t, session }) {
  const n = useUnread(session);
  if (!n) return null;
  return html` <span class="inbox-count" aria-label=${t('inbox.bell', n)}>${formatNumber(n)}</span>`;
}

// ------------------------------------------------------------ the page

// "23/11/2026 14:05" from an ISO time, in the browser's local time.
function when(iso) {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return dateVi(iso);
  const p = (n) => String(n).padStart(2, '0');
  return `${p(d.getDate())}/${p(d.getMonth() + 1)}/${d.getFullYear()} ${p(d.getHours())}:${p(d.getMinutes())}`;
}

// What happened, in the reader's language.
function headline(t, item) {
  switch (item.kind) {
    case 'value_returned': return t('inbox.valueReturned');
    case 'value_approved': return t('inbox.valueApproved');
    case 'report_returned': return t(item.report_kind === 'completion' ? 'inbox.completionReturned' : 'inbox.progressReturned');
    case 'report_approved': return t(item.report_kind === 'completion' ? 'inbox.completionApproved' : 'inbox.progressApproved');
    case 'comment': return t('inbox.comment', item.by || '');
    case 'extension_decided':
      return t(item.decision === 'approved' ? 'inbox.extensionApproved' : 'inbox.extensionRefused', dateVi(item.proposed_deadline));
    case 'task_due_soon': return t('inbox.dueSoon', dateVi(item.deadline));
    case 'task_overdue': return t('inbox.overdue', dateVi(item.deadline));
    case 'approvals_waiting': return t('inbox.waiting', formatNumber(item.count));
    case 'market_match': return t('inbox.marketMatch', item.search?.name || item.search?.q || '');
    case 'market_published': return t('inbox.marketPublished');
    case 'market_returned': return t('inbox.marketReturned');
    case 'market_engagement': return t(`inbox.marketEngagement.${item.engagement?.kind || 'interest'}`);
    default: return item.kind;
  }
}

// What it is about: the value (indicator and period) or the task, linked.
function Subject({ t, item, onOpen }) {
  if (item.indicator) {
    const period = item.period?.[t('inbox.lang')] || item.period?.code;
    return html`<p class="inbox-subject">
      <a href=${item.link} onClick=${onOpen}>${t('inbox.openValue')}: ${item.indicator.code} – ${item.indicator.name}</a>
      <span class="nowrap"> · ${period}</span></p>`;
  }
  if (item.task) {
    return html`<p class="inbox-subject"><a class="unit-code" href=${item.link} onClick=${onOpen}>${item.task.code}</a> ${item.task.title}</p>`;
  }
  if (item.listing) {
    return html`<p class="inbox-subject"><a href=${item.link} onClick=${onOpen}>${item.listing.title}</a>
      ${item.listing.organisation && html`<span> · <a href=${`#/to-chuc/${item.listing.organisation.id}`}>${item.listing.organisation.name}</a></span>`}</p>`;
  }
  if (item.kind === 'approvals_waiting') {
    const parts = [item.values > 0 && t('inbox.waitingValues', formatNumber(item.values)),
      item.reports > 0 && t('inbox.waitingReports', formatNumber(item.reports))].filter(Boolean);
    return html`<p class="inbox-subject"><a href=${item.link} onClick=${onOpen}>${parts.join(t('inbox.and'))}</a></p>`;
  }
  return null;
}

function Item({ t, item, onRead }) {
  const open = () => { if (!item.read) onRead([item.key]); };
  return html`
    <li class=${`inbox-item${item.read ? '' : ' unread'}`} data-key=${item.key}>
      <div class="inbox-head">
        <strong>${!item.read && html`<span class="inbox-dot" aria-hidden="true"></span>`}${headline(t, item)}</strong>
        <span class="muted nowrap">${when(item.at)}</span>
        ${!item.read && html`<span class="visually-hidden">${t('inbox.unread')}</span>`}
      </div>
      <${Subject} t=${t} item=${item} onOpen=${open} />
      ${item.reason && html`<p class="inbox-reason"><span class="muted">${t('inbox.reason')}:</span> ${item.reason}</p>`}
      ${item.kind === 'comment' && item.text && html`<blockquote class="inbox-text">${item.text}</blockquote>`}
      ${item.kind === 'market_engagement' && html`<p class="inbox-from"><span class="muted">${t('inbox.from')}:</span>
        ${item.from ? html` <a href=${`#/to-chuc/${item.from.id}`}>${item.from.name}</a>` : ''}${item.by ? ` ${item.from ? '· ' : ''}${item.by}` : ''}
        ${!item.from && !item.by && html` <span class="muted">${t('inbox.fromUnnamed')}</span>`}</p>`}
      <p class="muted inbox-meta">
        ${item.unit && html`<a href=${`#/tong-quan/don-vi/${item.unit.id}`}>${item.unit.name}</a>`}
        ${item.by && item.kind !== 'comment' && item.kind !== 'market_engagement' && html`${item.unit ? ' · ' : ''}${t('inbox.by', item.by)}`}
      </p>
      ${!item.read && html`<button type="button" class="button inbox-mark" onClick=${() => onRead([item.key])}>${t('inbox.markRead')}</button>`}
    </li>`;
}

export function InboxView({ t, session, headingRef }) {
  const [data, setData] = useState(null);
  const [limit, setLimit] = useState(PAGE);
  const [onlyUnread, setOnlyUnread] = useState(false);
  const [error, setError] = useState('');
  const [version, setVersion] = useState(0);
  useEffect(() => {
    if (!session.me) return;
    apiSend('GET', `/api/v1/inbox?limit=${limit}`).then((d) => { setData(d); setError(''); }, (e) => setError(e.message));
  }, [session.me, limit, version]);

  const heading = html`<h1 tabindex="-1" ref=${headingRef}>${t('view.hop-thu')}</h1>`;
  if (!session.me) {
    return html`<section class="view view-inbox">${heading}<p><a href="#/dang-nhap">${t('session.signIn')}</a></p></section>`;
  }
  const mark = async (body) => {
    try {
      await session.send('POST', '/api/v1/inbox/read', body);
      setVersion((v) => v + 1);
      inboxChanged();
    } catch (e) {
      setError(e.message);
    }
  };
  const items = (data?.items || []).filter((i) => !onlyUnread || !i.read);
  return html`
    <section class="view view-inbox">
      ${heading}
      <p class="muted">${t('inbox.intro')}</p>
      <div class="inbox-tools">
        <label><input type="checkbox" checked=${onlyUnread} onChange=${(e) => setOnlyUnread(e.target.checked)} /> ${t('inbox.onlyUnread')}</label>
        ${data && html`<span class="muted" role="status">${t('inbox.counts', formatNumber(data.unread), formatNumber(data.total))}</span>`}
        ${data?.unread > 0 && html`<button type="button" class="button" onClick=${() => mark({ all: true })}>${t('inbox.markAll')}</button>`}
      </div>
      ${error && html`<p class="form-error" role="alert">${error}</p>`}
      ${data && items.length === 0 && html`<p class="card muted">${onlyUnread ? t('inbox.noneUnread') : t('inbox.none')}</p>`}
      ${items.length > 0 && html`
        <ul class="inbox-list">
          ${items.map((item) => html`<${Item} key=${item.key} t=${t} item=${item} onRead=${(keys) => mark({ keys })} />`)}
        </ul>`}
      ${data && data.total > data.items.length && html`
        <button type="button" class="button" onClick=${() => setLimit(limit + PAGE)}>${t('inbox.more')}</button>`}
    </section>`;
}
