// What the market's pages share: links, loading, sectors, who the person is
// to the market, and the table of an import's bad cells.
import { html } from '../../ui.js';
import { sayMessage } from '../../api.js';
import { formatDateTime, formatNumber } from '../../format.js';
import { useLoad } from '../../load.js';
export { useLoad };

// [kind, the tab's hash part]
export const KIND_TABS = [['offer', ''], ['problem', 'bai-toan'], ['expert', 'chuyen-gia']];
export const TRANSFER_TYPES = ['full_assignment', 'partial_assignment', 'exclusive_licence', 'non_exclusive_licence', 'sublicence', 'licence_with_service'];
export const IP_STATUSES = ['none', 'pending', 'patent', 'utility_solution', 'industrial_design', 'copyright', 'plant_variety', 'trade_secret'];
export const PRICE_MODELS = ['negotiable', 'fixed', 'royalty', 'free'];
export const CONFIDENTIALITY = ['public', 'summary_only', 'private'];
export const FEEDBACK_REASONS = ['too_early', 'benefit_unclear', 'route_to_market_unclear', 'description_unclear', 'other'];
export const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

export const listingHref = (id) => `#/cho-cong-nghe/${id}`;
export const orgHref = (id) => `#/to-chuc/${id}`;
export const isOperator = (session) => !!session.me?.registry_writer;
const isEnglish = () => globalThis.document?.documentElement.lang === 'en';

// "2026-11-10..." -> "10/11/2026"
export const viDay = (s) => {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(s || '');
  return m ? `${m[3]}/${m[2]}/${m[1]}` : '';
};
export const when = (iso) => (iso ? formatDateTime(new Date(iso)) : '');


export function useSectors() {
  const [data] = useLoad('/api/v1/sectors');
  return data?.sectors || [];
}

export function sectorName(sectors, code) {
  if (!code) return '';
  const s = sectors.find((x) => x.code === code);
  return s ? (isEnglish() ? s.name_en : s.name_vi) : code;
}

export function Problems({ t, details }) {
  if (!details?.length) return null;
  return html`
    <div class="table-scroll">
      <table class="table bad-rows">
        <thead><tr><th scope="col">${t('market.line')}</th><th scope="col">${t('market.column')}</th><th scope="col">${t('market.problem')}</th></tr></thead>
        <tbody>${details.map((d) => html`
          <tr><td>${d.line ?? ''}</td><td>${d.column ? `${d.column}${d.title ? ` (${d.title})` : ''}` : ''}</td><td>${sayMessage(d) || d.message}</td></tr>`)}</tbody>
      </table>
    </div>`;
}

// What a row says besides its title, by kind.
function rowFacts(t, l) {
  if (l.kind === 'offer') return l.trl ? `TRL ${l.trl}` : '';
  if (l.kind === 'problem') {
    const parts = [];
    if (l.budget_max) parts.push(t('market.budgetUpTo', formatNumber(l.budget_max)));
    if (l.deadline) parts.push(t('market.deadlineOn', viDay(l.deadline)));
    return parts.join(' · ');
  }
  return l.expert_name || '';
}

export function ListingTable({ t, sectors, listings, showState = false }) {
  if (!listings.length) return html`<p class="muted">${t('market.none')}</p>`;
  return html`
    <div class="table-scroll">
      <table class="table market-table">
        <thead><tr>
          <th scope="col">${t('market.col.title')}</th><th scope="col">${t('market.col.organisation')}</th>
          <th scope="col">${t('market.col.sector')}</th><th scope="col">${t('market.col.facts')}</th>
          <th scope="col">${showState ? t('market.col.state') : t('market.col.published')}</th>
        </tr></thead>
        <tbody>${listings.map((l) => html`
          <tr key=${l.id}>
            <td><a href=${listingHref(l.id)}>${l.title}</a>${showState ? '' : html` <span class="badge">${t(`market.kind.${l.kind}`)}</span>`}
              ${l.summary && html`<br /><span class="muted small">${l.summary}</span>`}</td>
            <td>${l.organisation ? html`<a href=${orgHref(l.organisation.id)}>${l.organisation.name}</a>` : ''}</td>
            <td>${sectorName(sectors, l.sector)}</td>
            <td>${rowFacts(t, l)}</td>
            <td>${showState ? html`<span class=${`badge market-state-${l.state}`}>${t(`market.state.${l.state}`)}</span>` : viDay(l.published_at)}</td>
          </tr>`)}</tbody>
      </table>
    </div>`;
}
