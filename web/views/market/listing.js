// A listing's page, #/cho-cong-nghe/<id>: its public fields for everyone;
// for a signed-in reader the interest (offer), proposal (problem) or
// question (expert) form and, on an offer, the structured feedback; on an
// expert, the expert's record from the S&T map and the registry; for its
// owners the submit and withdraw buttons, files and the panel of what it
// received (views, messages, feedback, deals); for the market operator
// the publish and return buttons.
import { html, useEffect, useState } from '../../ui.js';
import { apiGet } from '../../api.js';
import { formatNumber } from '../../format.js';
import { Matches } from './matches.js';
import { FEEDBACK_REASONS, TRANSFER_TYPES, orgHref, sectorName, useLoad, useSectors, viDay, when } from './common.js';

// The names of the organisations the person edits (session.me.organisations).
export function useMyOrganisations(session) {
  const ids = session.me?.organisations || [];
  const [orgs, setOrgs] = useState([]);
  const key = ids.join(',');
  useEffect(() => {
    let live = true;
    Promise.all(ids.map((id) => apiGet(`/api/v1/organisations/${id}`).then((o) => ({ id, name: o.name }), () => ({ id, name: `#${id}` }))))
      .then((list) => { if (live) setOrgs(list); });
    return () => { live = false; };
  }, [key]);
  return orgs;
}

function Fact({ t, name, value }) {
  if (value === null || value === undefined || value === false || value === '') return null;
  return html`<dt>${t(`market.field.${name}`)}</dt><dd>${value}</dd>`;
}

function Facts({ t, l, sectors }) {
  const money = (v) => (v === null || v === undefined ? null : `${formatNumber(v)} đ`);
  const budget = l.budget_min || l.budget_max ? `${money(l.budget_min) ?? '…'} – ${money(l.budget_max) ?? '…'}` : null;
  const price = l.price_model ? `${t(`market.price.${l.price_model}`)}${l.price ? ` — ${l.price}` : ''}` : l.price;
  return html`
    <dl class="facts">
      <${Fact} t=${t} name="kind" value=${t(`market.kind.${l.kind}`)} />
      <${Fact} t=${t} name="organisation_id" value=${l.organisation && html`<a href=${orgHref(l.organisation.id)}>${l.organisation.name}</a>`} />
      <${Fact} t=${t} name="sector" value=${sectorName(sectors, l.sector)} />
      <${Fact} t=${t} name="trl" value=${l.trl} />
      <${Fact} t=${t} name="ip_status" value=${l.ip_status && t(`market.ip.${l.ip_status}`)} />
      <${Fact} t=${t} name="ip_numbers" value=${l.ip_numbers} />
      <${Fact} t=${t} name="transfer_types" value=${(l.transfer_types || []).map((x) => t(`market.transfer.${x}`)).join('; ')} />
      <${Fact} t=${t} name="price_model" value=${price} />
      <${Fact} t=${t} name="budget" value=${budget} />
      <${Fact} t=${t} name="deadline" value=${viDay(l.deadline)} />
      <${Fact} t=${t} name="expert_name" value=${l.expert_name} />
      <${Fact} t=${t} name="expert_fields" value=${l.expert_fields} />
      <${Fact} t=${t} name="orcid" value=${l.orcid && html`<a href=${`https://orcid.org/${l.orcid}`} rel="noopener">${l.orcid}</a>`} />
      <${Fact} t=${t} name="published_at" value=${viDay(l.published_at)} />
      <${Fact} t=${t} name="expires_on" value=${viDay(l.expires_on)} />
    </dl>`;
}

function Texts({ t, l }) {
  const block = (k) => l[k] && html`<h3>${t(`market.field.${k}`)}</h3><p class="market-text">${l[k]}</p>`;
  return html`
    ${l.summary && html`<p class="lead">${l.summary}</p>`}
    ${block('description')}${block('context')}${block('expected_result')}${block('constraints')}${block('expert_record')}
    ${l.details_hidden && html`<p class="notice">${t(l.confidentiality === 'private' ? 'market.hiddenPrivate' : 'market.hiddenSummary')}</p>`}`;
}

function Contact({ t, l }) {
  if (!('contact_name' in l)) return null;
  return html`
    <div class="card">
      <h2>${t('market.contact')}</h2>
      <p class="muted small">${t('market.contactPrivate')}</p>
      <dl class="facts">
        <${Fact} t=${t} name="contact_name" value=${l.contact_name} />
        <${Fact} t=${t} name="contact_email" value=${l.contact_email} />
        <${Fact} t=${t} name="contact_phone" value=${l.contact_phone} />
      </dl>
    </div>`;
}

function Files({ t, session, l, owner, onChange }) {
  const [state, setState] = useState(null);
  const upload = async (e) => {
    e.preventDefault();
    const input = e.target.elements.file;
    const f = input.files?.[0];
    if (!f) return;
    setState({ busy: true });
    try {
      const role = e.target.elements.role.value;
      await session.send('POST', `/api/v1/market/listings/${l.id}/files?name=${encodeURIComponent(f.name)}&role=${role}`,
        new Uint8Array(await f.arrayBuffer()), { contentType: 'application/octet-stream' });
      setState({ ok: t('market.fileAdded') });
      input.value = '';
      onChange();
    } catch (err) {
      setState({ error: err.message });
    }
  };
  const files = l.files || [];
  if (!files.length && !owner) return null;
  const href = (f) => `/api/v1/market/listings/${l.id}/files/${f.id}`;
  return html`
    <div class="card">
      <h2>${t('market.files')}</h2>
      ${files.filter((f) => f.role === 'image').map((f) => html`<img class="market-image" src=${href(f)} alt=${f.name} />`)}
      ${files.length > 0 && html`<ul>${files.filter((f) => f.role !== 'image').map((f) => html`<li><a href=${href(f)}>${f.name}</a></li>`)}</ul>`}
      ${owner && html`
        <form class="form" onSubmit=${upload}>
          <label for="market-file">${t('market.file')}</label>
          <input id="market-file" name="file" type="file" required />
          <label for="market-file-role">${t('market.fileRole')}</label>
          <select id="market-file-role" name="role"><option value="file">${t('market.fileRole.file')}</option><option value="image">${t('market.fileRole.image')}</option></select>
          <p class="actions"><button type="submit" class="button" disabled=${state?.busy}>${t('market.upload')}</button></p>
          ${state?.ok && html`<p class="form-ok" role="status">${state.ok}</p>`}
          ${state?.error && html`<p class="form-error" role="alert">${state.error}</p>`}
        </form>`}
    </div>`;
}

// Submit, withdraw (owners); publish, return (the operator).
function Review({ t, session, l, onChange }) {
  const [reason, setReason] = useState('');
  const [state, setState] = useState(null);
  const act = async (what, body) => {
    setState({ busy: true });
    try {
      await session.send('POST', `/api/v1/market/listings/${l.id}/${what}`, body);
      setState({ ok: t(`market.done.${what}`) });
      setReason('');
      onChange();
    } catch (err) {
      setState({ error: err.message });
    }
  };
  const owner = l.role === 'owner' || l.role === 'operator';
  const operator = l.role === 'operator';
  const canSubmit = owner && (l.status === 'draft' || l.status === 'returned');
  const canWithdraw = owner && l.status !== 'withdrawn';
  const canPublish = operator && l.status === 'submitted';
  const canReturn = operator && (l.status === 'submitted' || l.status === 'published');
  if (!canSubmit && !canWithdraw && !canPublish && !canReturn) return null;
  return html`
    <div class="card market-review">
      <h2>${t('market.review')}</h2>
      ${l.status === 'returned' && l.return_reason && html`<p class="return-reason">${t('market.returnedBecause', l.return_reason)}</p>`}
      <p class="actions">
        ${l.status !== 'withdrawn' && html`<a class="button" href=${`#/cho-cong-nghe/${l.id}/sua`}>${t('market.edit')}</a>`}
        ${canSubmit && html` <button type="button" class="button primary" disabled=${state?.busy} onClick=${() => act('submit')}>${t('market.submit')}</button>`}
        ${canPublish && html` <button type="button" class="button primary" disabled=${state?.busy} onClick=${() => act('publish')}>${t('market.publish')}</button>`}
        ${canWithdraw && html` <button type="button" class="button" disabled=${state?.busy} onClick=${() => { if (confirm(t('market.withdrawConfirm'))) act('withdraw'); }}>${t('market.withdraw')}</button>`}
      </p>
      ${canReturn && html`
        <form class="form" onSubmit=${(e) => { e.preventDefault(); act('return', { reason }); }}>
          <label for="market-reason">${t('market.returnReason')}</label>
          <textarea id="market-reason" rows="2" required value=${reason} onInput=${(e) => setReason(e.target.value)}></textarea>
          <p class="actions"><button type="submit" class="button" disabled=${state?.busy}>${t('market.return')}</button></p>
        </form>`}
      ${state?.ok && html`<p class="form-ok" role="status">${state.ok}</p>`}
      ${state?.error && html`<p class="form-error" role="alert">${state.error}</p>`}
    </div>`;
}

// Interest in an offer, a proposal on a problem, a question to an expert.
function Engage({ t, session, l }) {
  const orgs = useMyOrganisations(session);
  const [f, setF] = useState({ message: '', purpose: '', organisation_id: '', contact_shared: false, contact_name: '', contact_email: '', contact_phone: '' });
  const [state, setState] = useState(null);
  const set = (k) => (e) => setF({ ...f, [k]: e.target.type === 'checkbox' ? e.target.checked : e.target.value });
  const send = async (e) => {
    e.preventDefault();
    const body = { message: f.message.trim(), contact_shared: f.contact_shared };
    if (f.purpose.trim()) body.purpose = f.purpose.trim();
    if (f.organisation_id) body.organisation_id = Number(f.organisation_id);
    if (f.contact_shared) for (const k of ['contact_name', 'contact_email', 'contact_phone']) if (f[k].trim()) body[k] = f[k].trim();
    setState({ busy: true });
    try {
      await session.send('POST', `/api/v1/market/listings/${l.id}/engagements`, body);
      setState({ ok: t('market.engage.sent') });
    } catch (err) {
      setState({ error: err.message });
    }
  };
  if (state?.ok) return html`<div class="card"><p class="form-ok" role="status">${state.ok}</p></div>`;
  return html`
    <form class="card form market-engage" onSubmit=${send}>
      <h2>${t(`market.engage.${l.kind}`)}</h2>
      <label for="engage-message">${t(`market.engage.what.${l.kind}`)}</label>
      <textarea id="engage-message" rows="4" required value=${f.message} onInput=${set('message')}></textarea>
      <label for="engage-purpose">${t('market.engage.why')}</label>
      <textarea id="engage-purpose" rows="2" value=${f.purpose} onInput=${set('purpose')}></textarea>
      ${orgs.length > 0 && html`
        <label for="engage-org">${t('market.engage.org')}</label>
        <select id="engage-org" value=${f.organisation_id} onChange=${set('organisation_id')}>
          <option value="">${t('market.engage.noOrg')}</option>
          ${orgs.map((o) => html`<option value=${String(o.id)}>${o.name}</option>`)}
        </select>`}
      <label class="check"><input type="checkbox" checked=${f.contact_shared} onChange=${set('contact_shared')} /> ${t('market.engage.consent')}</label>
      <span class="muted small">${t('market.engage.consentHelp')}</span>
      ${f.contact_shared && html`
        <label for="engage-cname">${t('market.field.contact_name')}</label>
        <input id="engage-cname" value=${f.contact_name} placeholder=${session.me?.person?.name || ''} onInput=${set('contact_name')} />
        <label for="engage-cemail">${t('market.field.contact_email')}</label>
        <input id="engage-cemail" type="email" value=${f.contact_email} onInput=${set('contact_email')} />
        <label for="engage-cphone">${t('market.field.contact_phone')}</label>
        <input id="engage-cphone" type="tel" value=${f.contact_phone} onInput=${set('contact_phone')} />`}
      <p class="actions"><button type="submit" class="button primary" disabled=${state?.busy}>${t('market.engage.send')}</button></p>
      ${state?.error && html`<p class="form-error" role="alert">${state.error}</p>`}
    </form>`;
}

function Feedback({ t, session, l }) {
  const [reasons, setReasons] = useState([]);
  const [text, setText] = useState('');
  const [state, setState] = useState(null);
  const toggle = (r) => setReasons(reasons.includes(r) ? reasons.filter((x) => x !== r) : [...reasons, r]);
  const send = async (e) => {
    e.preventDefault();
    setState({ busy: true });
    try {
      await session.send('POST', `/api/v1/market/listings/${l.id}/feedback`, { reasons, ...(text.trim() ? { text: text.trim() } : {}) });
      setState({ ok: t('market.feedback.sent') });
    } catch (err) {
      setState({ error: err.message });
    }
  };
  if (state?.ok) return html`<div class="card"><p class="form-ok" role="status">${state.ok}</p></div>`;
  return html`
    <form class="card form" onSubmit=${send}>
      <h2>${t('market.feedback')}</h2>
      <p class="muted small">${t('market.feedback.help')}</p>
      <fieldset><legend>${t('market.feedback.reasons')}</legend>
        ${FEEDBACK_REASONS.map((r) => html`<label class="check"><input type="checkbox" checked=${reasons.includes(r)} onChange=${() => toggle(r)} /> ${t(`market.reason.${r}`)}</label>`)}
      </fieldset>
      <label for="feedback-text">${t('market.feedback.text')}</label>
      <textarea id="feedback-text" rows="2" value=${text} onInput=${(e) => setText(e.target.value)}></textarea>
      <p class="actions"><button type="submit" class="button" disabled=${state?.busy || !reasons.length}>${t('market.feedback.send')}</button></p>
      ${state?.error && html`<p class="form-error" role="alert">${state.error}</p>`}
    </form>`;
}

function DealForm({ t, session, l, onSaved }) {
  const [f, setF] = useState({ partner_name: '', transfer_type: '', value_vnd: '', signed_on: '' });
  const [state, setState] = useState(null);
  const set = (k) => (e) => setF({ ...f, [k]: e.target.value });
  const send = async (e) => {
    e.preventDefault();
    const body = { partner_name: f.partner_name.trim(), signed_on: f.signed_on };
    if (f.transfer_type) body.transfer_type = f.transfer_type;
    if (f.value_vnd.trim()) {
      // "2.000.000.000" as a number; anything else as typed, for the server to refuse by name
      const n = Number(f.value_vnd.replace(/[.\s]/g, '').replace(',', '.'));
      body.value_vnd = Number.isFinite(n) ? n : f.value_vnd.trim();
    }
    setState({ busy: true });
    try {
      await session.send('POST', `/api/v1/market/listings/${l.id}/deals`, body);
      setState({ ok: t('market.deal.saved') });
      onSaved();
    } catch (err) {
      setState({ error: err.message });
    }
  };
  return html`
    <form class="form" onSubmit=${send}>
      <h3>${t('market.deal.add')}</h3>
      <label for="deal-partner">${t('market.deal.partner')}</label>
      <input id="deal-partner" required value=${f.partner_name} onInput=${set('partner_name')} />
      <label for="deal-type">${t('market.field.transfer_types')}</label>
      <select id="deal-type" value=${f.transfer_type} onChange=${set('transfer_type')}>
        <option value="">—</option>${TRANSFER_TYPES.map((x) => html`<option value=${x}>${t(`market.transfer.${x}`)}</option>`)}
      </select>
      <label for="deal-value">${t('market.deal.value')}</label>
      <input id="deal-value" inputmode="numeric" value=${f.value_vnd} onInput=${set('value_vnd')} />
      <label for="deal-signed">${t('market.deal.signed')}</label>
      <input id="deal-signed" type="date" required value=${f.signed_on} onInput=${set('signed_on')} />
      <p class="actions"><button type="submit" class="button" disabled=${state?.busy}>${t('market.deal.save')}</button></p>
      ${state?.ok && html`<p class="form-ok" role="status">${state.ok}</p>`}
      ${state?.error && html`<p class="form-error" role="alert">${state.error}</p>`}
    </form>`;
}

// ------------------------------------------------- an expert's record

const workHref = (id) => `#/cong-bo/bai/${id}`;
const agreementHref = (code) => `#/thoa-thuan/${encodeURIComponent(code)}`;
// The outputs tab of the S&T map filtered by the organisation (projects,
// patents and contracts have no page of their own).
const outputsHref = (tab, org) => `#/cong-bo/${tab}?to-chuc=${org.id}`;
const orgLink = (o) => (o?.id ? html`<a href=${orgHref(o.id)}>${o.name}</a>` : o?.name || '');

// One list of the record: a heading with the count, the rows, and a link to
// all of them when there are more than shown.
function RecordList({ t, name, rows, total, more, children }) {
  return html`
    <h3>${t(`market.record.${name}`)} (${formatNumber(total)})</h3>
    ${rows.length === 0 ? html`<p class="muted small">${t('market.record.none')}</p>` : html`<ul class="market-record-list">${children}</ul>`}
    ${total > rows.length && more && html`<p class="small"><a href=${more}>${t('market.record.more', formatNumber(total))}</a></p>`}`;
}

// What the S&T map and the registry know of the expert: the works found by
// ORCID iD or by name, the organisation's projects, patents, contracts,
// agreements and commercialisations, each linked to its page.
function ExpertRecord({ t, l }) {
  const [rec, error] = useLoad(`/api/v1/market/listings/${l.id}/record`);
  if (error) return html`<p class="form-error" role="alert">${error}</p>`;
  if (!rec) return null;
  const org = rec.organisation;
  const n = rec.totals;
  return html`
    <div class="card market-record">
      <h2>${t('market.record')}</h2>
      <p class="muted small">${rec.works_by === 'orcid' ? t('market.record.byOrcid', rec.listing.orcid)
        : rec.works_by === 'name' ? t('market.record.byName', rec.listing.expert_name, org?.name || '') : t('market.record.noOrg')}</p>
      <${RecordList} t=${t} name="works" rows=${rec.works} total=${n.works} more=${org && `#/cong-bo?to-chuc=${org.id}`}>
        ${rec.works.map((w) => html`<li key=${w.id}><a href=${workHref(w.id)}>${w.title}</a>
          <span class="muted small"> · ${[w.year, w.venue, t('market.record.cited', formatNumber(w.cited_by_count))].filter(Boolean).join(' · ')}</span></li>`)}
      <//>
      ${org && html`
        <p class="small">${t('market.record.ofOrg')} <a href=${orgHref(org.id)}>${org.name}</a></p>
        <${RecordList} t=${t} name="projects" rows=${rec.projects} total=${n.projects} more=${outputsHref('de-tai', org)}>
          ${rec.projects.map((p) => html`<li key=${p.id}><a class="unit-code" href=${outputsHref('de-tai', org)}>${p.code}</a> ${p.title}
            <span class="muted small"> · ${t(p.lead ? 'market.record.lead' : 'market.record.partner')}${p.funder ? ` · ${p.funder}` : ''}${p.started_on ? ` · ${viDay(p.started_on)}` : ''}</span></li>`)}
        <//>
        <${RecordList} t=${t} name="patents" rows=${rec.patents} total=${n.patents} more=${outputsHref('sang-che', org)}>
          ${rec.patents.map((p) => html`<li key=${p.id}><a class="unit-code" href=${outputsHref('sang-che', org)}>${p.number}</a> ${p.title}
            <span class="muted small"> · ${t(`out.kind.${p.kind}`)}${p.granted_on ? ` · ${viDay(p.granted_on)}` : ''}</span></li>`)}
        <//>
        <${RecordList} t=${t} name="contracts" rows=${rec.contracts} total=${n.contracts} more=${outputsHref('hop-dong', org)}>
          ${rec.contracts.map((c) => html`<li key=${c.id}><a class="unit-code" href=${outputsHref('hop-dong', org)}>${c.number}</a> ${c.title}
            <span class="muted small"> · ${t(`out.kind.${c.kind}`)} · ${orgLink(c.seller)} → ${orgLink(c.buyer)}${c.signed_on ? ` · ${viDay(c.signed_on)}` : ''}</span></li>`)}
        <//>
        <${RecordList} t=${t} name="agreements" rows=${rec.agreements} total=${n.agreements} more=${'#/thoa-thuan'}>
          ${rec.agreements.map((a) => html`<li key=${a.id}><a class="unit-code" href=${agreementHref(a.code)}>${a.code}</a> ${a.title}
            <span class="muted small"> · ${t(`agr.kind.${a.kind}`)} · ${t(`agr.status.${a.status}`)}${a.signed_on ? ` · ${viDay(a.signed_on)}` : ''}</span></li>`)}
        <//>
        <${RecordList} t=${t} name="commercialisations" rows=${rec.commercialisations} total=${n.commercialisations} more=${orgHref(org.id)}>
          ${rec.commercialisations.map((c) => html`<li key=${c.id}>${c.title}
            <span class="muted small"> · ${t(`fund.comm.${c.status}`)}${c.partner ? html` · ${orgLink(c.partner)}` : ''}${c.announced_on ? ` · ${viDay(c.announced_on)}` : ''}</span></li>`)}
        <//>`}
    </div>`;
}

// What the listing received, for its owners and the operator.
function OwnerPanel({ t, session, l }) {
  const [data, error, reload] = useLoad(`/api/v1/market/listings/${l.id}/engagements`);
  const answer = async (e, status) => {
    await session.send('PATCH', `/api/v1/market/listings/${l.id}/engagements/${e.id}`, { status });
    reload();
  };
  if (error) return html`<p class="form-error" role="alert">${error}</p>`;
  if (!data) return null;
  const fb = data.feedback;
  return html`
    <div class="card market-panel">
      <h2>${t('market.panel')}</h2>
      <p>${t('market.views', formatNumber(data.views.total))}</p>
      <h3>${t(`market.panel.messages.${l.kind}`)} (${formatNumber(data.engagements.length)})</h3>
      ${data.engagements.length === 0 && html`<p class="muted">${t('market.panel.noMessages')}</p>`}
      ${data.engagements.length > 0 && html`<div class="table-scroll"><table class="table market-table">
        <thead><tr><th scope="col">${t('market.panel.from')}</th><th scope="col">${t('market.panel.message')}</th><th scope="col">${t('market.panel.contact')}</th><th scope="col">${t('market.panel.status')}</th></tr></thead>
        <tbody>${data.engagements.map((e) => html`<tr key=${e.id}>
          <td>${e.organisation ? html`<a href=${orgHref(e.organisation.id)}>${e.organisation.name}</a>` : html`<span class="muted">${t('market.panel.noOrg')}</span>`}<br /><span class="muted small">${when(e.created_at)}</span></td>
          <td>${e.message}${e.purpose && html`<br /><span class="muted small">${t('market.engage.why')}: ${e.purpose}</span>`}</td>
          <td>${e.contact ? [e.contact.name, e.contact.email, e.contact.phone].filter(Boolean).join(' · ') : html`<span class="muted">${t('market.panel.notShared')}</span>`}</td>
          <td>${t(`market.engagement.${e.status}`)}
            ${e.status !== 'accepted' && html` <button type="button" class="link-button" onClick=${() => answer(e, 'accepted')}>${t('market.panel.accept')}</button>`}
            ${e.status !== 'declined' && html` <button type="button" class="link-button" onClick=${() => answer(e, 'declined')}>${t('market.panel.decline')}</button>`}</td>
        </tr>`)}</tbody>
      </table></div>`}
      ${l.kind === 'offer' && html`
        <h3>${t('market.feedback')} (${formatNumber(fb.items.length)})</h3>
        <ul>${FEEDBACK_REASONS.map((r) => html`<li>${t(`market.reason.${r}`)}: ${formatNumber(fb.counts[r] || 0)}</li>`)}</ul>
        ${fb.items.filter((x) => x.text).map((x) => html`<p class="small">“${x.text}”${x.organisation && html` — <a href=${orgHref(x.organisation.id)}>${x.organisation.name}</a>`}</p>`)}`}
      <h3>${t('market.deals')} (${formatNumber(data.deals.length)})</h3>
      ${data.deals.length > 0 && html`<ul>${data.deals.map((d) => html`<li>${viDay(d.signed_on)} — ${d.partner_id ? html`<a href=${orgHref(d.partner_id)}>${d.partner_name}</a>` : d.partner_name}
        ${d.transfer_type && ` · ${t(`market.transfer.${d.transfer_type}`)}`}${d.value_vnd !== null && ` · ${formatNumber(d.value_vnd)} đ`}</li>`)}</ul>`}
      ${l.published_at && html`<${DealForm} t=${t} session=${session} l=${l} onSaved=${reload} />`}
    </div>`;
}

export function ListingPage({ t, session, id, headingRef }) {
  const sectors = useSectors();
  const [l, error, reload, status] = useLoad(`/api/v1/market/listings/${id}`, [session.me]);
  if (error) {
    return html`<section class="view view-market">
      <h1 tabindex="-1" ref=${headingRef}>${t('view.cho-cong-nghe')}</h1>
      <p class="form-error" role="alert">${status === 404 ? t('market.notFound') : error}</p>
      <p><a href="#/cho-cong-nghe">${t('market.back')}</a></p>
    </section>`;
  }
  if (!l) return html`<section class="view view-market"><h1 tabindex="-1" ref=${headingRef}>${t('view.cho-cong-nghe')}</h1><p class="muted">${t('market.loading')}</p></section>`;
  const owner = l.role === 'owner' || l.role === 'operator';
  const reader = session.me && l.role === 'reader' && l.state === 'published';
  return html`
    <section class="view view-market">
      <p class="muted"><a href="#/cho-cong-nghe">${t('view.cho-cong-nghe')}</a> › ${t(`market.kind.${l.kind}`)}</p>
      <h1 tabindex="-1" ref=${headingRef}>${l.title}</h1>
      <p><span class="badge">${t(`market.kind.${l.kind}`)}</span> <span class=${`badge market-state-${l.state}`}>${t(`market.state.${l.state}`)}</span></p>
      <${Texts} t=${t} l=${l} />
      <${Facts} t=${t} l=${l} sectors=${sectors} />
      <${Review} t=${t} session=${session} l=${l} onChange=${reload} />
      ${l.kind === 'expert' && html`<${ExpertRecord} t=${t} l=${l} />`}
      <${Contact} t=${t} l=${l} />
      <${Files} t=${t} session=${session} l=${l} owner=${owner && l.status !== 'withdrawn'} onChange=${reload} />
      ${reader && html`<${Engage} t=${t} session=${session} l=${l} />`}
      ${reader && l.kind === 'offer' && html`<${Feedback} t=${t} session=${session} l=${l} />`}
      ${!session.me && l.state === 'published' && html`<p class="notice"><a href="#/dang-nhap">${t(`market.signInToEngage.${l.kind}`)}</a></p>`}
      ${owner && html`<${OwnerPanel} t=${t} session=${session} l=${l} />`}
      ${l.state === 'published' && html`<${Matches} t=${t} session=${session} id=${l.id} listing=${l} />`}
    </section>`;
}
