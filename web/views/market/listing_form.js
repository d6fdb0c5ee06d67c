// The form that creates a listing (#/cho-cong-nghe/moi/<kind>: any signed-in
// person, for no organisation or one they edit; the operator for any) or
// changes one (#/cho-cong-nghe/<id>/sua: its owners and the operator). A new
// listing is a draft until its owner submits it from its page.
import { html, useState } from '../../ui.js';
import { CONFIDENTIALITY, IP_STATUSES, PRICE_MODELS, TRANSFER_TYPES, isOperator, listingHref, sectorName, useLoad, useSectors } from './common.js';
import { useMyOrganisations } from './listing.js';

const COMMON = ['title', 'summary', 'description', 'sector', 'organisation_id'];
const BY_KIND = {
  offer: ['trl', 'ip_status', 'ip_numbers', 'transfer_types', 'price_model', 'price'],
  problem: ['context', 'expected_result', 'budget_min', 'budget_max', 'deadline', 'constraints', 'confidentiality'],
  expert: ['expert_name', 'orcid', 'expert_fields', 'expert_record'],
};
const CONTACT = ['contact_name', 'contact_email', 'contact_phone', 'expires_on'];
const NUMBERS = new Set(['trl', 'organisation_id']);
const AMOUNTS = new Set(['budget_min', 'budget_max']);
const LONG = new Set(['description', 'context', 'expected_result', 'constraints', 'expert_record']);

const fieldsOf = (kind) => [...COMMON, ...BY_KIND[kind], ...CONTACT];

function formValue(l, k) {
  const v = l?.[k];
  if (k === 'transfer_types') return [...(v || [])];
  return v === null || v === undefined ? '' : String(v);
}

// "1.500.000.000" or "1500000000" -> 1500000000; anything else is sent as
// typed, for the server to name the field it does not take.
const amount = (s) => {
  const n = Number(s.replace(/[.\s]/g, '').replace(',', '.'));
  return Number.isFinite(n) ? n : s.trim();
};

function bodyOf(l, f, kind) {
  const body = {};
  for (const k of fieldsOf(kind)) {
    const before = formValue(l, k), now = f[k];
    if (l && JSON.stringify(before) === JSON.stringify(now)) continue;
    if (!l && (now === '' || (Array.isArray(now) && !now.length))) continue;
    if (k === 'transfer_types') body[k] = now;
    else if (now.trim() === '') body[k] = null;
    else if (NUMBERS.has(k)) body[k] = Number(now);
    else if (AMOUNTS.has(k)) body[k] = amount(now);
    else body[k] = now.trim();
  }
  return body;
}

function OrganisationSelect({ t, session, value, onChange, current }) {
  const mine = useMyOrganisations(session);
  const [all] = useLoad(isOperator(session) ? '/api/v1/organisations?limit=1000' : null);
  const orgs = isOperator(session) ? (all?.organisations || []) : mine;
  return html`
    <select id="listing-organisation_id" value=${value} onChange=${onChange}>
      <option value="">${t('market.form.noOrg')}</option>
      ${current && !orgs.some((o) => o.id === current.id) && html`<option value=${String(current.id)}>${current.name}</option>`}
      ${orgs.map((o) => html`<option value=${String(o.id)}>${o.name}</option>`)}
    </select>`;
}

function Form({ t, session, kind, l, headingRef }) {
  const sectors = useSectors();
  const [f, setF] = useState(() => Object.fromEntries(fieldsOf(kind).map((k) => [k, formValue(l, k)])));
  const [state, setState] = useState(null);
  const set = (k) => (e) => setF({ ...f, [k]: e.target.value });
  const toggle = (x) => setF({ ...f, transfer_types: f.transfer_types.includes(x) ? f.transfer_types.filter((y) => y !== x) : [...f.transfer_types, x] });
  const submit = async (e) => {
    e.preventDefault();
    const body = bodyOf(l, f, kind);
    if (l && Object.keys(body).length === 0) { location.hash = listingHref(l.id); return; }
    if (!l) body.kind = kind;
    setState({ busy: true });
    try {
      const r = l ? await session.send('PATCH', `/api/v1/market/listings/${l.id}`, body)
        : await session.send('POST', '/api/v1/market/listings', body);
      location.hash = listingHref(r.id);
    } catch (err) {
      setState({ error: err.message });
    }
  };
  const input = (k) => {
    const id = `listing-${k}`;
    const label = html`<label for=${id}>${t(`market.field.${k}`)}${k === 'title' ? ' *' : ''}</label>`;
    if (k === 'sector') {
      return html`${label}<select id=${id} value=${f[k]} onChange=${set(k)}><option value="">—</option>
        ${sectors.map((s) => html`<option value=${s.code}>${sectorName(sectors, s.code)}</option>`)}</select>`;
    }
    if (k === 'organisation_id') return html`${label}<${OrganisationSelect} t=${t} session=${session} value=${f[k]} onChange=${set(k)} current=${l?.organisation} />`;
    if (k === 'trl') {
      return html`${label}<select id=${id} value=${f[k]} onChange=${set(k)}><option value="">—</option>
        ${[1, 2, 3, 4, 5, 6, 7, 8, 9].map((n) => html`<option value=${String(n)}>${t('market.form.trl', n)}</option>`)}</select>`;
    }
    const choices = { ip_status: ['ip', IP_STATUSES], price_model: ['price', PRICE_MODELS], confidentiality: ['confidentiality', CONFIDENTIALITY] }[k];
    if (choices) {
      return html`${label}<select id=${id} value=${f[k]} onChange=${set(k)}>${k !== 'confidentiality' && html`<option value="">—</option>`}
        ${choices[1].map((x) => html`<option value=${x}>${t(`market.${choices[0]}.${x}`)}</option>`)}</select>`;
    }
    if (k === 'transfer_types') {
      return html`<fieldset><legend>${t('market.field.transfer_types')}</legend>
        ${TRANSFER_TYPES.map((x) => html`<label class="check"><input type="checkbox" checked=${f.transfer_types.includes(x)} onChange=${() => toggle(x)} /> ${t(`market.transfer.${x}`)}</label>`)}
      </fieldset>`;
    }
    if (LONG.has(k)) return html`${label}<textarea id=${id} rows="4" value=${f[k]} onInput=${set(k)}></textarea>`;
    const type = k === 'deadline' || k === 'expires_on' ? 'date' : k === 'contact_email' ? 'email' : k === 'contact_phone' ? 'tel' : 'text';
    return html`${label}<input id=${id} type=${type} value=${f[k]} required=${k === 'title'} inputmode=${AMOUNTS.has(k) ? 'numeric' : undefined} onInput=${set(k)} />`;
  };
  return html`
    <section class="view view-market">
      <p class="muted"><a href="#/cho-cong-nghe">${t('view.cho-cong-nghe')}</a>${l && html` › <a href=${listingHref(l.id)}>${l.title}</a>`}</p>
      <h1 tabindex="-1" ref=${headingRef}>${l ? t('market.form.edit') : t(`market.new.${kind}`)}</h1>
      <form class="form card market-form" onSubmit=${submit}>
        ${!l && html`<p class="muted">${t('market.form.help')}</p>`}
        ${l?.status === 'published' && html`<p class="notice">${t('market.form.publishedEdit')}</p>`}
        ${[...COMMON, ...BY_KIND[kind]].map(input)}
        <h2>${t('market.contact')}</h2>
        <p class="muted small">${t('market.contactPrivate')}</p>
        ${CONTACT.map(input)}
        <p class="actions">
          <button type="submit" class="button primary" disabled=${state?.busy}>${l ? t('market.form.save') : t('market.form.create')}</button>
          <a class="button" href=${l ? listingHref(l.id) : '#/cho-cong-nghe'}>${t('market.form.cancel')}</a>
        </p>
        ${state?.error && html`<p class="form-error" role="alert">${state.error}</p>`}
      </form>
    </section>`;
}

export function ListingForm({ t, session, kind, id, headingRef }) {
  const [l, error] = useLoad(id ? `/api/v1/market/listings/${id}` : null, [session.me]);
  const refusal = (text) => html`<section class="view view-market"><h1 tabindex="-1" ref=${headingRef}>${t('view.cho-cong-nghe')}</h1><p class="notice">${text}</p></section>`;
  if (!session.me) return refusal(html`<a href="#/dang-nhap">${t('market.signInToPost')}</a>`);
  if (id) {
    if (error) return refusal(error);
    if (!l) return refusal(t('market.loading'));
    if (l.role === 'reader' || l.status === 'withdrawn') return refusal(t('market.form.notYours'));
    return html`<${Form} t=${t} session=${session} kind=${l.kind} l=${l} headingRef=${headingRef} />`;
  }
  if (!BY_KIND[kind]) return refusal(t('market.notFound'));
  return html`<${Form} t=${t} session=${session} kind=${kind} l=${null} headingRef=${headingRef} />`;
}
