// Networks of innovation centres and their shared resources: #/mang-luoi
// (the networks), #/mang-luoi/<code> (members, resources by kind, the
// request form anyone may send), #/mang-luoi/<code>/su-dung?thang=YYYY-MM
// (the monthly usage report), #/tai-nguyen/<id> (a resource's week
// calendar and, for its provider, the requests to decide and the use to
// record).
import { html, useEffect, useState } from '../../ui.js';
import { apiGet } from '../../api.js';
import { formatNumber } from '../../format.js';
import { LinkedText, useDocumentNumbers } from '../programme/linked.js';
import { useLoad } from '../../load.js';

const KINDS = ['space', 'lab', 'equipment', 'hosting', 'service'];
const STATUSES = ['requested', 'approved', 'used', 'refused', 'cancelled'];

export const networkHref = (code) => `#/mang-luoi/${encodeURIComponent(code)}`;
export const resourceHref = (id) => `#/tai-nguyen/${id}`;
const orgHref = (id) => `#/to-chuc/${id}`;
const usageHref = (code, month) => `${networkHref(code)}/su-dung${month ? `?thang=${month}` : ''}`;

// A description, its document numbers and task codes as links.
function Prose({ text, className }) {
  const ids = useDocumentNumbers();
  return html`<p class=${className}><${LinkedText} text=${text} ids=${ids} /></p>`;
}

const pad2 = (n) => String(n).padStart(2, '0');
const isoOf = (d) => `${d.getFullYear()}-${pad2(d.getMonth() + 1)}-${pad2(d.getDate())}`;
const addDays = (iso, n) => {
  const d = new Date(`${iso}T12:00:00`);
  d.setDate(d.getDate() + n);
  return isoOf(d);
};
// "2026-11-10" -> "10/11/2026"
const viDay = (s) => {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(s || '');
  return m ? `${m[3]}/${m[2]}/${m[1]}` : '';
};
const viMonth = (m) => (/^\d{4}-\d{2}$/.test(m || '') ? `${m.slice(5)}/${m.slice(0, 4)}` : m);
const hourText = (h) => `${pad2(h)}:00`;
const hourOf = (s) => Number((s || '').slice(0, 2));
const isEnglish = () => globalThis.document?.documentElement.lang === 'en';

// The hash's path parts after the route and its query.
function hashParts(hash) {
  const [path, query = ''] = hash.replace(/^#\/?/, '').split('?');
  return { parts: path.split('/').map(decodeURIComponent), query: new URLSearchParams(query) };
}

// When a booking holds its resource, in words.
export function bookingWhen(b) {
  if (b.resource.booking === 'period') return `${viDay(b.starts_at)} – ${viDay(addDays(b.ends_at, -1))}`;
  return `${b.starts_at.slice(11, 16)}–${b.ends_at.slice(11, 16) === '00:00' ? '24:00' : b.ends_at.slice(11, 16)} ${viDay(b.starts_at)}`;
}


function useSectors() {
  const [sectors, setSectors] = useState([]);
  useEffect(() => { apiGet('/api/v1/sectors').then((d) => setSectors(d.sectors || []), () => setSectors([])); }, []);
  return sectors;
}

// ------------------------------------------------------------ the list

function NetworkList({ t, headingRef }) {
  const [data, error] = useLoad('/api/v1/networks', []);
  return html`
    <section class="view view-networks">
      <h1 tabindex="-1" ref=${headingRef}>${t('view.mang-luoi')}</h1>
      <p class="lead">${t('net.intro')}</p>
      ${error && html`<p class="form-error" role="alert">${error}</p>`}
      ${!data && !error && html`<p class="muted">${t('net.loading')}</p>`}
      ${data && data.networks.length === 0 && html`<p>${t('net.none')}</p>`}
      ${data && html`<div class="cards">${data.networks.map((n) => html`
        <article class="card network-card" key=${n.code}>
          <h2><a href=${networkHref(n.code)}>${n.name}</a></h2>
          ${n.description && html`<${Prose} text=${n.description} />`}
          <p class="muted">${t('net.counts', formatNumber(n.n_members), formatNumber(n.n_resources))}</p>
          ${n.launched_on && html`<p class="muted small">${t('net.launched', viDay(n.launched_on))}</p>`}
          ${!n.public && html`<p><span class="badge">${t('net.private')}</span></p>`}
        </article>`)}</div>`}
    </section>`;
}

// ------------------------------------------------------ one network

function priceText(t, r) {
  return `${t(`net.price.${r.price_model}`)}${r.price ? `: ${r.price}` : ''}`;
}

function ResourceFacts({ t, r, withProvider = true }) {
  return html`
    <ul class="resource-facts">
      ${withProvider && html`<li>${t('net.provider')}: <a href=${orgHref(r.organisation.id)}>${r.organisation.name}</a></li>`}
      <li>${r.booking === 'slot' ? t('net.bySlot', r.opens, r.closes) : t('net.byPeriod', formatNumber(r.capacity || 1))}</li>
      ${r.booking === 'slot' && r.capacity && html`<li>${t('net.capacity', formatNumber(r.capacity), r.capacity_unit)}</li>`}
      <li><strong>${priceText(t, r)}</strong></li>
      ${r.conditions && html`<li>${t('net.conditions')}: ${r.conditions}</li>`}
    </ul>`;
}

function ResourceCard({ t, r, session, sectors }) {
  const [asking, setAsking] = useState(false);
  return html`
    <article class="card resource-card" data-resource=${r.id}>
      <h4><a href=${resourceHref(r.id)}>${r.name}</a></h4>
      ${r.description && html`<${Prose} text=${r.description} />`}
      <${ResourceFacts} t=${t} r=${r} />
      ${!asking && html`<p class="actions">
        <button type="button" class="button primary" onClick=${() => setAsking(true)}>${t('net.request')}</button>
        <a class="button" href=${resourceHref(r.id)}>${t('net.calendarLink')}</a></p>`}
      ${asking && html`<${RequestForm} t=${t} r=${r} session=${session} sectors=${sectors} onClose=${() => setAsking(false)} />`}
    </article>`;
}

// The request form: anyone may send it; the answer is the reference.
function RequestForm({ t, r, session, sectors, onClose }) {
  const me = session.me?.person;
  const tomorrow = addDays(isoOf(new Date()), 1);
  const opens = hourOf(r.opens), closes = hourOf(r.closes);
  const [f, setF] = useState({ requester_name: '', contact_name: me?.name || '', contact_email: '', contact_phone: '', sector: '', purpose: '',
    day: tomorrow, from: hourText(opens), to: hourText(Math.min(opens + 1, closes)), first_day: tomorrow, last_day: addDays(tomorrow, 29) });
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');
  const [sent, setSent] = useState(null);
  const set = (k) => (e) => setF({ ...f, [k]: e.target.value });
  const hours = [];
  for (let h = opens; h <= closes; h++) hours.push(hourText(h));

  const submit = async (e) => {
    e.preventDefault();
    setBusy(true);
    setError('');
    const body = { requester_name: f.requester_name, contact_name: f.contact_name };
    for (const k of ['contact_email', 'contact_phone', 'sector', 'purpose']) if (f[k].trim()) body[k] = f[k].trim();
    if (r.booking === 'slot') Object.assign(body, { day: f.day, from: f.from, to: f.to });
    else Object.assign(body, { first_day: f.first_day, last_day: f.last_day });
    try {
      setSent(await session.send('POST', `/api/v1/resources/${r.id}/bookings`, body));
    } catch (err) {
      setError(err.message);
    } finally {
      setBusy(false);
    }
  };

  if (sent) {
    return html`
      <div class="request-sent notice card" role="status">
        <h5>${t('net.sent')}</h5>
        <p>${t('net.sentBody', sent.reference)}</p>
        <p class="muted">${bookingWhen(sent)}</p>
        <p class="actions"><button type="button" class="button" onClick=${() => setSent(null)}>${t('net.another')}</button>
          <button type="button" class="button" onClick=${onClose}>${t('net.close')}</button></p>
      </div>`;
  }
  const id = (k) => `rq-${r.id}-${k}`;
  const sectorName = (s) => (isEnglish() ? s.name_en || s.name_vi : s.name_vi);
  return html`
    <form class="form request-form" onSubmit=${submit}>
      <h5>${t('net.requestTitle', r.name)}</h5>
      <label for=${id('who')}>${t('net.requester')}</label>
      <input id=${id('who')} name="requester_name" required maxlength="200" value=${f.requester_name} onInput=${set('requester_name')} />
      <label for=${id('contact')}>${t('net.contactName')}</label>
      <input id=${id('contact')} name="contact_name" required maxlength="120" value=${f.contact_name} onInput=${set('contact_name')} />
      <label for=${id('email')}>${t('net.email')}</label>
      <input id=${id('email')} name="contact_email" type="email" maxlength="200" value=${f.contact_email} onInput=${set('contact_email')} />
      <label for=${id('phone')}>${t('net.phone')}</label>
      <input id=${id('phone')} name="contact_phone" type="tel" maxlength="30" value=${f.contact_phone} onInput=${set('contact_phone')} />
      <p class="muted small">${t('net.contactHint')}</p>
      <label for=${id('sector')}>${t('net.sector')}</label>
      <select id=${id('sector')} name="sector" value=${f.sector} onChange=${set('sector')}>
        <option value="">${t('net.sectorNone')}</option>
        ${sectors.map((s) => html`<option value=${s.code}>${sectorName(s)}</option>`)}
      </select>
      ${r.booking === 'slot' ? html`
        <label for=${id('day')}>${t('net.day')}</label>
        <input id=${id('day')} name="day" type="date" required min=${isoOf(new Date())} value=${f.day} onInput=${set('day')} />
        <div class="hour-pair">
          <span><label for=${id('from')}>${t('net.from')}</label>
            <select id=${id('from')} name="from" value=${f.from} onChange=${set('from')}>${hours.slice(0, -1).map((h) => html`<option value=${h}>${h}</option>`)}</select></span>
          <span><label for=${id('to')}>${t('net.to')}</label>
            <select id=${id('to')} name="to" value=${f.to} onChange=${set('to')}>${hours.slice(1).map((h) => html`<option value=${h}>${h}</option>`)}</select></span>
        </div>` : html`
        <label for=${id('first')}>${t('net.firstDay')}</label>
        <input id=${id('first')} name="first_day" type="date" required value=${f.first_day} onInput=${set('first_day')} />
        <label for=${id('last')}>${t('net.lastDay')}</label>
        <input id=${id('last')} name="last_day" type="date" required value=${f.last_day} onInput=${set('last_day')} />`}
      <label for=${id('purpose')}>${t('net.purpose')}</label>
      <textarea id=${id('purpose')} name="purpose" rows="3" maxlength="2000" value=${f.purpose} onInput=${set('purpose')}></textarea>
      ${error && html`<p class="form-error" role="alert">${error}</p>`}
      <p class="actions">
        <button type="submit" class="button primary" disabled=${busy}>${busy ? t('net.sending') : t('net.send')}</button>
        <button type="button" class="button" onClick=${onClose}>${t('net.close')}</button>
      </p>
    </form>`;
}

function NetworkPage({ t, session, code, headingRef }) {
  const [net, error] = useLoad(`/api/v1/networks/${encodeURIComponent(code)}`, [session.me]);
  const sectors = useSectors();
  if (!net) {
    return html`<section class="view view-network">
      <h1 tabindex="-1" ref=${headingRef}>${t('view.mang-luoi')}</h1>
      ${error ? html`<p class="form-error" role="alert">${error}</p>` : html`<p class="muted">${t('net.loading')}</p>`}
      <p><a href="#/mang-luoi">${t('net.back')}</a></p>
    </section>`;
  }
  const kinds = KINDS.filter((k) => net.resources.some((r) => r.kind === k));
  return html`
    <section class="view view-network">
      <p class="muted small"><a href="#/mang-luoi">${t('net.back')}</a></p>
      <h1 tabindex="-1" ref=${headingRef}>${net.name}</h1>
      ${net.description && html`<${Prose} className="lead" text=${net.description} />`}
      <p class="muted">
        ${net.coordinator && html`${t('net.coordinator')}: <a href=${orgHref(net.coordinator.id)}>${net.coordinator.name}</a>. `}
        ${net.launched_on && t('net.launched', viDay(net.launched_on))}
      </p>
      ${session.me?.person && html`<p><a class="button" href=${usageHref(net.code)}>${t('net.usageLink')}</a></p>`}
      <h2>${t('net.members')} (${formatNumber(net.members.length)})</h2>
      ${net.members.length === 0 ? html`<p>${t('net.noMembers')}</p>` : html`
        <ul class="member-list">${net.members.map((m) => html`
          <li key=${m.organisation_id}>
            <a href=${orgHref(m.organisation_id)}>${m.name}</a>
            <span class="muted small"> · ${t(`net.orgKind.${m.kind}`)} · ${t(`net.role.${m.role}`) === `net.role.${m.role}` ? m.role : t(`net.role.${m.role}`)}
              ${m.joined_on && ` · ${t('net.joined', viDay(m.joined_on))}`}${m.left_on && ` · ${t('net.left', viDay(m.left_on))}`}
              ${m.n_resources > 0 && ` · ${t('net.nResources', formatNumber(m.n_resources))}`}</span>
          </li>`)}</ul>`}
      <h2>${t('net.resources')} (${formatNumber(net.resources.length)})</h2>
      ${net.resources.length === 0 && html`<p>${t('net.noResources')}</p>`}
      ${kinds.map((k) => html`
        <section class="resource-kind" key=${k}>
          <h3>${t(`net.kind.${k}`)}</h3>
          <div class="cards">${net.resources.filter((r) => r.kind === k).map((r) => html`
            <${ResourceCard} key=${r.id} t=${t} r=${r} session=${session} sectors=${sectors} />`)}</div>
        </section>`)}
    </section>`;
}

// ------------------------------------------------- the usage report

function UsageReport({ t, session, code, month, headingRef }) {
  const now = new Date();
  const m = /^\d{4}-\d{2}$/.test(month || '') ? month : `${now.getFullYear()}-${pad2(now.getMonth() + 1)}`;
  const signedIn = !!session.me?.person;
  const [data, error] = useLoad(signedIn ? `/api/v1/networks/${encodeURIComponent(code)}/usage?month=${m}` : null, []);
  const [picked, setPicked] = useState(m);
  useEffect(() => setPicked(m), [m]);
  const title = data ? t('usage.title', data.network.name) : t('net.usageLink');
  if (!signedIn) {
    return html`<section class="view view-usage">
      <h1 tabindex="-1" ref=${headingRef}>${t('net.usageLink')}</h1>
      <p><a href="#/dang-nhap">${t('usage.signIn')}</a></p>
    </section>`;
  }
  const sectorName = (s) => (isEnglish() ? s.name_en : s.name_vi);
  const used = data ? data.sectors.filter((s) => data.by_member.some((r) => r.hours_by_sector[s.code] > 0)) : [];
  const go = (e) => {
    e.preventDefault();
    if (/^\d{4}-\d{2}$/.test(picked)) location.hash = usageHref(code, picked);
  };
  return html`
    <section class="view view-usage">
      <p class="muted small"><a href=${networkHref(code)}>${data ? data.network.name : code}</a></p>
      <h1 tabindex="-1" ref=${headingRef}>${title}</h1>
      <form class="usage-month" onSubmit=${go}>
        <label for="usage-month">${t('usage.month')}</label>
        <input id="usage-month" type="month" value=${picked} onInput=${(e) => setPicked(e.target.value)} />
        <button type="submit" class="button">${t('usage.show')}</button>
        <a class="button excel" href=${`/api/v1/networks/${encodeURIComponent(code)}/usage?month=${m}&format=xlsx`} download>${t('usage.excel')}</a>
      </form>
      ${error && html`<p class="form-error" role="alert">${error}</p>`}
      ${!data && !error && html`<p class="muted">${t('net.loading')}</p>`}
      ${data && html`
        <p class="muted">${t('usage.note', viMonth(data.month))}</p>
        <div class="table-scroll">
          <table class="table usage-table">
            <thead><tr>
              <th scope="col" rowspan=${used.length ? 2 : 1}>${t('usage.member')}</th>
              <th scope="col" rowspan=${used.length ? 2 : 1} class="num">${t('usage.hours')}</th>
              <th scope="col" rowspan=${used.length ? 2 : 1} class="num">${t('usage.bookings')}</th>
              <th scope="col" rowspan=${used.length ? 2 : 1} class="num">${t('usage.firms')}</th>
              ${used.length > 0 && html`<th scope="colgroup" colspan=${used.length} class="usage-sectors">${t('usage.bySector')}</th>`}
            </tr>
            ${used.length > 0 && html`<tr>${used.map((s) => html`<th scope="col" class="num">${sectorName(s)}</th>`)}</tr>`}</thead>
            <tbody>${data.by_member.map((r) => html`
              <tr key=${r.organisation_id}>
                <th scope="row"><a href=${orgHref(r.organisation_id)}>${r.name}</a></th>
                <td class="num">${formatNumber(r.hours_used, 1)}</td>
                <td class="num">${formatNumber(r.bookings)}</td>
                <td class="num">${formatNumber(r.firms)}</td>
                ${used.map((s) => html`<td class="num">${formatNumber(r.hours_by_sector[s.code] || 0, 1)}</td>`)}
              </tr>`)}
            </tbody>
            <tfoot><tr class="usage-total">
              <th scope="row">${t('usage.total')}</th>
              <td class="num">${formatNumber(data.total.hours_used, 1)}</td>
              <td class="num">${formatNumber(data.total.bookings)}</td>
              <td class="num">${formatNumber(data.total.firms)}</td>
              ${used.map((s) => html`<td class="num">${formatNumber(data.by_member.reduce((a, r) => a + (r.hours_by_sector[s.code] || 0), 0), 1)}</td>`)}
            </tr></tfoot>
          </table>
        </div>`}
    </section>`;
}

export function NetworksView({ t, session, hash, headingRef }) {
  const { parts, query } = hashParts(hash || '');
  const code = parts[1];
  if (code && parts[2] === 'su-dung') return html`<${UsageReport} t=${t} session=${session} code=${code} month=${query.get('thang')} headingRef=${headingRef} />`;
  if (code) return html`<${NetworkPage} key=${code} t=${t} session=${session} code=${code} headingRef=${headingRef} />`;
  return html`<${NetworkList} t=${t} headingRef=${headingRef} />`;
}

// ------------------------------------------------------ one resource

// Monday of the week holding day (ISO).
function mondayOf(iso) {
  const d = new Date(`${iso}T12:00:00`);
  return addDays(iso, -((d.getDay() + 6) % 7));
}

function WeekCalendar({ t, r, cal }) {
  const days = Array.from({ length: 7 }, (_, i) => addDays(cal.from, i));
  if (r.booking === 'period') {
    const taken = Object.fromEntries(cal.days.map((d) => [d.day, d.taken]));
    return html`
      <div class="table-scroll"><table class="table calendar-days">
        <tbody>${days.map((d) => html`
          <tr class=${taken[d] >= cal.capacity ? 'cal-full' : ''}>
            <th scope="row">${viDay(d)}</th>
            <td>${taken[d] ? t('res.places', formatNumber(taken[d]), formatNumber(cal.capacity)) : t('res.dayFree')}</td>
          </tr>`)}</tbody>
      </table></div>`;
  }
  const opens = hourOf(cal.opens), closes = hourOf(cal.closes);
  const state = {};
  for (const b of cal.busy) {
    const start = new Date(`${b.starts_at}:00`), end = new Date(`${b.ends_at}:00`);
    for (let x = start; x < end; x = new Date(x.getTime() + 3600e3)) state[`${isoOf(x)}T${pad2(x.getHours())}`] = b.status;
  }
  const hours = [];
  for (let h = opens; h < closes; h++) hours.push(h);
  return html`
    <div class="table-scroll"><table class="table calendar-week">
      <thead><tr><th scope="col">${t('res.hour')}</th>${days.map((d) => html`<th scope="col">${viDay(d).slice(0, 5)}</th>`)}</tr></thead>
      <tbody>${hours.map((h) => html`
        <tr><th scope="row">${hourText(h)}</th>
          ${days.map((d) => {
            const s = state[`${d}T${pad2(h)}`];
            const cls = !s ? 'cal-free' : s === 'requested' ? 'cal-pending' : 'cal-busy';
            return html`<td class=${cls}>${s ? (s === 'requested' ? t('res.pending') : t('res.busy')) : ''}</td>`;
          })}
        </tr>`)}</tbody>
    </table></div>
    <p class="muted small">${t('res.legend')}: <span class="cal-key cal-busy">${t('res.busy')}</span> <span class="cal-key cal-pending">${t('res.pending')}</span> <span class="cal-key cal-free">${t('res.free')}</span></p>`;
}

// One request as its provider sees it, with what may be done next.
function RequestItem({ t, b, session, onChanged }) {
  const [mode, setMode] = useState('');
  const [reason, setReason] = useState('');
  const [hours, setHours] = useState(b.hours ?? 0);
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const act = async (what, body) => {
    setBusy(true);
    setError('');
    try {
      await session.send('POST', `/api/v1/bookings/${b.id}/${what}`, body);
      setMode('');
      onChanged();
    } catch (e) {
      setError(e.message);
    } finally {
      setBusy(false);
    }
  };
  return html`
    <li class="card request-item" data-booking=${b.id}>
      <p><strong>${b.organisation_id ? html`<a href=${orgHref(b.organisation_id)}>${b.requester_name}</a>` : b.requester_name}</strong> <span class=${`badge booking-${b.status}`}>${t(`status.booking.${b.status}`)}</span>
        <span class="muted small"> · ${t('res.reference')} ${b.reference}</span></p>
      <p>${bookingWhen(b)} · ${b.hours != null ? t('res.hours', formatNumber(b.hours)) : t('res.days', formatNumber(b.days))}
        ${b.status === 'used' && b.used_hours != null && ` · ${t('res.used', formatNumber(b.used_hours, 1))}`}</p>
      <p class="small">${t('res.contact')}: ${b.contact_name}${b.contact_email && html` · <a href=${`mailto:${b.contact_email}`}>${b.contact_email}</a>`}${b.contact_phone && ` · ${b.contact_phone}`}</p>
      ${b.purpose && html`<p class="small">${b.purpose}</p>`}
      ${b.reason && html`<p class="small">${t('res.reason')}: ${b.reason}</p>`}
      ${error && html`<p class="form-error" role="alert">${error}</p>`}
      ${!mode && b.status === 'requested' && html`<p class="actions">
        <button type="button" class="button primary" disabled=${busy} onClick=${() => act('approve', {})}>${t('res.approve')}</button>
        <button type="button" class="button" onClick=${() => setMode('refuse')}>${t('res.refuse')}</button></p>`}
      ${!mode && b.status === 'approved' && html`<p class="actions">
        <button type="button" class="button primary" onClick=${() => setMode('usage')}>${t('res.usage')}</button>
        <button type="button" class="button" disabled=${busy} onClick=${() => act('cancel', {})}>${t('res.cancel')}</button></p>`}
      ${mode === 'refuse' && html`
        <form class="form" onSubmit=${(e) => { e.preventDefault(); act('refuse', { reason }); }}>
          <label for=${`reason-${b.id}`}>${t('res.reasonRefuse')}</label>
          <textarea id=${`reason-${b.id}`} required rows="2" value=${reason} onInput=${(e) => setReason(e.target.value)}></textarea>
          <p class="actions"><button type="submit" class="button primary" disabled=${busy || !reason.trim()}>${t('res.confirmRefuse')}</button>
            <button type="button" class="button" onClick=${() => setMode('')}>${t('res.back2')}</button></p>
        </form>`}
      ${mode === 'usage' && html`
        <form class="form" onSubmit=${(e) => { e.preventDefault(); act('usage', { used_hours: Number(String(hours).replace(',', '.')) }); }}>
          <label for=${`hours-${b.id}`}>${t('res.usedHours')}</label>
          <input id=${`hours-${b.id}`} type="number" min="0" step="0.5" required value=${hours} onInput=${(e) => setHours(e.target.value)} />
          <p class="actions"><button type="submit" class="button primary" disabled=${busy}>${t('res.saveUsage')}</button>
            <button type="button" class="button" onClick=${() => setMode('')}>${t('res.back2')}</button></p>
        </form>`}
    </li>`;
}

function Requests({ t, r, session, onChanged }) {
  const [status, setStatus] = useState('');
  const [data, error, reload] = useLoad(`/api/v1/bookings?resource=${r.id}&limit=200${status ? `&status=${status}` : ''}`, [session.me]);
  const changed = () => { reload(); onChanged(); };
  return html`
    <section class="resource-requests">
      <h2>${t('res.requests')}${data ? ` (${formatNumber(data.total)})` : ''}</h2>
      <p><label for="req-status">${t('res.status')} </label>
        <select id="req-status" value=${status} onChange=${(e) => setStatus(e.target.value)}>
          <option value="">${t('res.filterAll')}</option>
          ${STATUSES.map((s) => html`<option value=${s}>${t(`status.booking.${s}`)}</option>`)}
        </select></p>
      ${error && html`<p class="form-error" role="alert">${error}</p>`}
      ${data && data.bookings.length === 0 && html`<p>${t('res.noRequests')}</p>`}
      ${data && html`<ul class="request-list">${data.bookings.map((b) => html`
        <${RequestItem} key=${`${b.id}-${b.status}`} t=${t} b=${b} session=${session} onChanged=${changed} />`)}</ul>`}
    </section>`;
}

export function ResourceView({ t, session, hash, headingRef }) {
  const { parts } = hashParts(hash || '');
  const id = /^\d+$/.test(parts[1] || '') ? Number(parts[1]) : 0;
  const [week, setWeek] = useState(() => mondayOf(isoOf(new Date())));
  const [r, error] = useLoad(id ? `/api/v1/resources/${id}` : null, [session.me]);
  const [cal, calError, reloadCal] = useLoad(id ? `/api/v1/resources/${id}/calendar?from=${week}&to=${addDays(week, 6)}` : null, [session.me]);
  const sectors = useSectors();
  const [asking, setAsking] = useState(false);
  if (!r) {
    return html`<section class="view view-resource">
      <h1 tabindex="-1" ref=${headingRef}>${t('view.tai-nguyen')}</h1>
      ${error ? html`<p class="form-error" role="alert">${error}</p>` : id ? html`<p class="muted">${t('res.loading')}</p>` : ''}
      <p><a href="#/mang-luoi">${t('net.back')}</a></p>
    </section>`;
  }
  return html`
    <section class="view view-resource">
      ${r.network_code && html`<p class="muted small"><a href=${networkHref(r.network_code)}>${t('res.back', r.network_name)}</a></p>`}
      <h1 tabindex="-1" ref=${headingRef}>${r.name}</h1>
      <p class="muted">${t(`net.kind.${r.kind}`)}${!r.active ? ` · ${t('net.inactive')}` : ''}</p>
      ${r.description && html`<${Prose} className="lead" text=${r.description} />`}
      <${ResourceFacts} t=${t} r=${r} />
      ${r.active && !asking && html`<p><button type="button" class="button primary" onClick=${() => setAsking(true)}>${t('net.request')}</button></p>`}
      ${r.active && asking && html`<div class="card"><${RequestForm} t=${t} r=${r} session=${session} sectors=${sectors} onClose=${() => { setAsking(false); reloadCal(); }} /></div>`}
      <h2>${t('res.calendar')}</h2>
      <p class="week-nav">
        <button type="button" class="button" onClick=${() => setWeek(addDays(week, -7))}>${t('res.prevWeek')}</button>
        <button type="button" class="button" onClick=${() => setWeek(mondayOf(isoOf(new Date())))}>${t('res.thisWeek')}</button>
        <button type="button" class="button" onClick=${() => setWeek(addDays(week, 7))}>${t('res.nextWeek')}</button>
      </p>
      <p><strong>${t('res.week', viDay(week), viDay(addDays(week, 6)))}</strong></p>
      ${calError && html`<p class="form-error" role="alert">${calError}</p>`}
      ${cal && html`<${WeekCalendar} t=${t} r=${r} cal=${cal} />`}
      ${r.can_manage && html`<${Requests} t=${t} r=${r} session=${session} onChanged=${reloadCal} />`}
    </section>`;
}
