// The market's pages beside the public lists: a person's own listings with
// their status (#/cho-cong-nghe/cua-toi); for the market operator the review
// queue (#/cho-cong-nghe/duyet), the statistics (#/cho-cong-nghe/thong-ke) and
// the import of a fair's catalogue with its export (#/cho-cong-nghe/nhap).
// Each count of the statistics links to the search that shows those
// listings (search.js reads its filters from the hash).
import { html, useRef, useState } from '../../ui.js';
import { formatNumber } from '../../format.js';
import { KIND_TABS, ListingTable, Problems, XLSX, isOperator, listingHref, orgHref, sectorName, useLoad, useSectors, when } from './common.js';
import { searchHref } from './search.js';

export function MyListings({ t, session }) {
  const sectors = useSectors();
  const [data, error] = useLoad(session.me ? '/api/v1/market/listings?mine=1&limit=500' : null, [session.me]);
  const [sent] = useLoad(session.me ? '/api/v1/market/engagements' : null, [session.me]);
  if (!session.me) return html`<p class="notice"><a href="#/dang-nhap">${t('market.signInToPost')}</a></p>`;
  return html`
    <h2>${t('market.mine')}</h2>
    ${error && html`<p class="form-error" role="alert">${error}</p>`}
    ${data && html`<${ListingTable} t=${t} sectors=${sectors} listings=${data.listings} showState=${true} />`}
    ${data?.listings.some((l) => l.state === 'returned') && html`<p class="muted small">${t('market.mineReturned')}</p>`}
    <p class="actions">${KIND_TABS.map(([kind]) => html`<a class="button" href=${`#/cho-cong-nghe/moi/${kind}`}>${t(`market.new.${kind}`)}</a> `)}</p>
    <h2>${t('market.sent')}</h2>
    ${sent && sent.engagements.length === 0 && html`<p class="muted">${t('market.sentNone')}</p>`}
    ${sent && sent.engagements.length > 0 && html`<div class="table-scroll"><table class="table market-table">
      <thead><tr><th scope="col">${t('market.col.title')}</th><th scope="col">${t('market.panel.message')}</th><th scope="col">${t('market.panel.status')}</th></tr></thead>
      <tbody>${sent.engagements.map((e) => html`<tr key=${e.id}>
        <td><a href=${listingHref(e.listing.id)}>${e.listing.title}</a><br /><span class="muted small">${when(e.created_at)}</span></td>
        <td>${e.message}</td><td>${t(`market.engagement.${e.status}`)}</td></tr>`)}</tbody>
    </table></div>`}`;
}

function QueueRow({ t, session, l, sectors, onDone }) {
  const [reason, setReason] = useState('');
  const [state, setState] = useState(null);
  const act = async (what, body) => {
    setState({ busy: true });
    try {
      await session.send('POST', `/api/v1/market/listings/${l.id}/${what}`, body);
      onDone();
    } catch (err) {
      setState({ error: err.message });
    }
  };
  return html`
    <div class="card review-item">
      <h3><a href=${listingHref(l.id)}>${l.title}</a> <span class="badge">${t(`market.kind.${l.kind}`)}</span></h3>
      <p class="review-by">${l.submitted_by ? t('market.submittedBy', l.submitted_by.name) : ''}
        ${l.submitted_by && l.organisation ? ` ${t('market.submittedFor')} ` : l.submitted_by ? ' · ' : ''}
        ${l.organisation ? html`<a href=${orgHref(l.organisation.id)}>${l.organisation.name}</a>` : t('market.panel.noOrg')}
        ${l.sector && html` · ${sectorName(sectors, l.sector)}`} · <span class="muted small">${when(l.submitted_at || l.updated_at)}</span></p>
      ${l.summary && html`<p>${l.summary}</p>`}
      <p class="actions"><button type="button" class="button primary" disabled=${state?.busy} onClick=${() => act('publish')}>${t('market.publish')}</button></p>
      <form class="form" onSubmit=${(e) => { e.preventDefault(); act('return', { reason }); }}>
        <label for=${`reason-${l.id}`}>${t('market.returnReason')}</label>
        <input id=${`reason-${l.id}`} required value=${reason} onInput=${(e) => setReason(e.target.value)} />
        <p class="actions"><button type="submit" class="button" disabled=${state?.busy}>${t('market.return')}</button></p>
      </form>
      ${state?.error && html`<p class="form-error" role="alert">${state.error}</p>`}
    </div>`;
}

export function ReviewQueue({ t, session }) {
  const sectors = useSectors();
  const [data, error, reload] = useLoad(isOperator(session) ? '/api/v1/market/listings?status=submitted&limit=200' : null, [session.me]);
  if (!isOperator(session)) return html`<p class="notice">${t('market.operatorOnly')}</p>`;
  return html`
    <h2>${t('market.queue')}</h2>
    ${error && html`<p class="form-error" role="alert">${error}</p>`}
    ${data && data.listings.length === 0 && html`<p class="muted">${t('market.queueEmpty')}</p>`}
    ${data?.listings.map((l) => html`<${QueueRow} key=${l.id} t=${t} session=${session} l=${l} sectors=${sectors} onDone=${reload} />`)}`;
}

// Where the listings of a count are shown: the search with that filter
// (null when no page shows them, such as drafts).
const kindHref = (k) => {
  const tab = KIND_TABS.find(([kind]) => kind === k);
  return tab ? (tab[1] ? `#/cho-cong-nghe/${tab[1]}` : '#/cho-cong-nghe') : null;
};
const ALL = '#/cho-cong-nghe/tim-kiem';
const sectorHref = (k) => (k === 'none' ? null : searchHref(ALL, { chosen: { sector: [k] } }));
const trlHref = (k) => (k === 'none' ? null : searchHref('#/cho-cong-nghe', { chosen: { trl: [k] } }));
const statusHref = (k) => ({ published: ALL, submitted: '#/cho-cong-nghe/duyet' }[k] || null);

// A table of counts: every listing (but withdrawn ones) and, when shown,
// the published ones, each a link to the search that lists them.
function CountTable({ t, title, counts, shown, label, href }) {
  const rows = Object.entries(counts || {});
  const link = (k, n, text) => {
    const to = n > 0 ? href(k) : null;
    return to ? html`<a href=${to} title=${t('market.stats.showSearch', text, label(k))}>${text}</a>` : text;
  };
  return html`
    <div class="card">
      <h3>${title}</h3>
      ${rows.length === 0 ? html`<p class="muted">${t('market.none')}</p>` : html`<div class="table-scroll"><table class="table market-stats">
        ${shown && html`<thead><tr><th scope="col"></th><th scope="col" title=${t('market.stats.allHelp')}>${t('market.stats.all')}</th>
          <th scope="col" title=${t('market.stats.shownHelp')}>${t('market.stats.shown')}</th></tr></thead>`}
        <tbody>${rows.map(([k, n]) => html`<tr key=${k}><th scope="row">${label(k)}</th>
          ${shown ? html`<td>${formatNumber(n)}</td><td>${link(k, shown[k] || 0, formatNumber(shown[k] || 0))}</td>`
            : html`<td>${link(k, n, formatNumber(n))}</td>`}</tr>`)}</tbody>
      </table></div>`}
    </div>`;
}

export function MarketStats({ t, session }) {
  const sectors = useSectors();
  const [s, error] = useLoad(isOperator(session) ? '/api/v1/market/stats' : null, [session.me]);
  if (!isOperator(session)) return html`<p class="notice">${t('market.operatorOnly')}</p>`;
  if (error) return html`<p class="form-error" role="alert">${error}</p>`;
  if (!s) return html`<p class="muted">${t('market.loading')}</p>`;
  const median = s.first_contact_days.median;
  return html`
    <h2>${t('market.stats')}</h2>
    <p class="actions"><a class="button" href=${`/api/v1/market/stats?format=xlsx${globalThis.document?.documentElement.lang === 'en' ? '&lang=en' : ''}`} download>${t('market.stats.xlsx')}</a></p>
    <p class="muted small">${t('market.stats.help')}</p>
    <div class="eco-counts">
      <p class="card eco-count"><span class="eco-count-n">${formatNumber(s.engagements)}</span>${t('market.stats.engagements')}</p>
      <p class="card eco-count"><span class="eco-count-n">${formatNumber(s.views)}</span>${t('market.stats.views')}</p>
      <p class="card eco-count"><span class="eco-count-n">${median === null ? '—' : formatNumber(median, 1)}</span>${t('market.stats.firstContact')}</p>
      <p class="card eco-count"><span class="eco-count-n">${formatNumber(s.deals.count)}</span>${t('market.stats.deals', formatNumber(s.deals.value_vnd))}</p>
    </div>
    <div class="cards">
      <${CountTable} t=${t} title=${t('market.stats.byKind')} counts=${s.by_kind} shown=${s.published.by_kind} href=${kindHref} label=${(k) => t(`market.kind.${k}`)} />
      <${CountTable} t=${t} title=${t('market.stats.byStatus')} counts=${s.by_status} href=${statusHref} label=${(k) => t(`market.state.${k}`)} />
      <${CountTable} t=${t} title=${t('market.stats.bySector')} counts=${s.by_sector} shown=${s.published.by_sector} href=${sectorHref} label=${(k) => (k === 'none' ? t('market.stats.unset') : sectorName(sectors, k))} />
      <${CountTable} t=${t} title=${t('market.stats.byTrl')} counts=${s.by_trl} shown=${s.published.by_trl} href=${trlHref} label=${(k) => (k === 'none' ? t('market.stats.unset') : `TRL ${k}`)} />
    </div>`;
}

export function MarketExchange({ t, session }) {
  const [state, setState] = useState(null);
  const file = useRef(null);
  if (!isOperator(session)) return html`<p class="notice">${t('market.operatorOnly')}</p>`;
  const send = async (dryRun) => {
    const f = file.current?.files?.[0];
    if (!f) return;
    setState({ busy: true, preview: state?.preview });
    try {
      const isXlsx = /\.xlsx$/i.test(f.name);
      const body = isXlsx ? new Uint8Array(await f.arrayBuffer()) : await f.text();
      const r = await session.send('POST', `/api/v1/market/listings/import${dryRun ? '?dry_run=1' : ''}`, body, { contentType: isXlsx ? XLSX : 'text/csv' });
      setState(dryRun ? { preview: r } : { saved: r });
    } catch (err) {
      setState({ error: err.message, details: err.details || [] });
    }
  };
  const p = state?.preview;
  return html`
    <div class="card">
      <h2>${t('market.export')}</h2>
      <p class="actions"><a class="button" href="/api/v1/market/listings/export" download="cho-cong-nghe.csv">${t('market.exportCsv')}</a>
        <a class="button" href="/api/v1/market/listings/export?format=xlsx" download="cho-cong-nghe.xlsx">${t('market.exportXlsx')}</a></p>
    </div>
    <form class="card form" onSubmit=${(e) => { e.preventDefault(); send(true); }}>
      <h2>${t('market.import')}</h2>
      <p class="muted">${t('market.importHelp')}</p>
      <label for="market-import-file">${t('market.file')}</label>
      <input id="market-import-file" type="file" accept=".csv,text/csv,.xlsx" ref=${file} required onChange=${() => setState(null)} />
      <p class="actions">
        <button type="submit" class="button" disabled=${state?.busy}>${t('market.check')}</button>
        ${p && html` <button type="button" class="button primary" disabled=${state?.busy} onClick=${() => send(false)}>${t('market.importSave')}</button>`}
      </p>
      ${p && html`<p role="status">${t('market.preview', formatNumber(p.created), formatNumber(p.updated), formatNumber(p.unchanged))}</p>`}
      ${state?.saved && html`<p class="form-ok" role="status">${t('market.imported', formatNumber(state.saved.created), formatNumber(state.saved.updated), formatNumber(state.saved.unchanged))}</p>`}
      ${state?.error && html`<div role="alert"><p class="form-error">${state.error}</p><${Problems} t=${t} details=${state.details} /></div>`}
    </form>`;
}
