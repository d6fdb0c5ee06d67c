// The technology market, #/cho-cong-nghe: its kinds as tabs (offers
// #/cho-cong-nghe, problems #/cho-cong-nghe/bai-toan, experts
// #/cho-cong-nghe/chuyen-gia), each with the search box and its facets (the
// search of every kind at once is #/cho-cong-nghe/tim-kiem; the search's
// text and filters follow in the hash's query, search.js); the
// signed-in person's own listings and messages (#/cho-cong-nghe/cua-toi)
// and the create form (#/cho-cong-nghe/moi/<kind>); for the market
// operator the review queue, the statistics and the exchange
// (#/cho-cong-nghe/duyet, /thong-ke, /nhap). A listing's page is
// #/cho-cong-nghe/<id> (listing.js), its edit form #/cho-cong-nghe/<id>/sua.
import { html } from '../../ui.js';
import { MarketSearch } from './search.js';
import { ListingPage } from './listing.js';
import { ListingForm } from './listing_form.js';
import { MyListings, ReviewQueue, MarketStats, MarketExchange } from './market_admin.js';
import { KIND_TABS, isOperator } from './common.js';

function Tabs({ t, session, current }) {
  const tabs = [...KIND_TABS.map(([kind, slug]) => [slug, t(`market.tab.${kind}`)])];
  if (session.me) tabs.push(['cua-toi', t('market.tab.mine')]);
  if (isOperator(session)) tabs.push(['duyet', t('market.tab.review')], ['thong-ke', t('market.tab.stats')], ['nhap', t('market.tab.exchange')]);
  return html`
    <nav aria-label=${t('market.tabs')}>
      <ul class="chips market-tabs">${tabs.map(([slug, label]) => html`
        <li><a class="chip" href=${slug ? `#/cho-cong-nghe/${slug}` : '#/cho-cong-nghe'} aria-current=${slug === current ? 'page' : undefined}>${label}</a></li>`)}
      </ul>
    </nav>`;
}

// A kind's tab: the search (views/market/search.js: prefix search while
// typing, facets by sector, TRL, organisation, commune and transfer type)
// lists its published listings; signed-in people may post one.
function Browse({ t, session, kind, hash, headingRef }) {
  const slug = kind ? KIND_TABS.find(([k]) => k === kind)[1] : ALL_KINDS;
  return html`
    <section class="view view-market">
      <h1 tabindex="-1" ref=${headingRef}>${t('view.cho-cong-nghe')}</h1>
      <p class="lead">${t('market.lead')}</p>
      <${Tabs} t=${t} session=${session} current=${slug} />
      ${!kind && html`<h2>${t('market.search.all')}</h2>`}
      ${session.me && kind && html`<p class="actions"><a class="button primary" href=${`#/cho-cong-nghe/moi/${kind}`}>${t(`market.new.${kind}`)}</a></p>`}
      ${!session.me && html`<p><a href="#/dang-nhap">${t('market.signInToPost')}</a></p>`}
      <${MarketSearch} t=${t} session=${session} kind=${kind} hash=${hash} />
    </section>`;
}

// The search over every kind (the statistics link to it).
const ALL_KINDS = 'tim-kiem';

// "#/cho-cong-nghe/<sub...>?<query>" -> [sub parts]
function parse(hash) {
  const [path] = (hash || '').replace(/^#\/cho-cong-nghe\/?/, '').split('?');
  return [path.split('/').filter(Boolean)];
}

export function MarketView({ t, session, hash, headingRef }) {
  const [parts] = parse(hash);
  const [first, second] = parts;
  const frame = (body) => html`
    <section class="view view-market">
      <h1 tabindex="-1" ref=${headingRef}>${t('view.cho-cong-nghe')}</h1>
      <${Tabs} t=${t} session=${session} current=${first} />
      ${body}
    </section>`;
  if (/^\d+$/.test(first || '')) {
    if (second === 'sua') return html`<${ListingForm} t=${t} session=${session} id=${Number(first)} headingRef=${headingRef} />`;
    return html`<${ListingPage} t=${t} session=${session} id=${Number(first)} headingRef=${headingRef} />`;
  }
  if (first === 'moi') return html`<${ListingForm} t=${t} session=${session} kind=${second || 'offer'} headingRef=${headingRef} />`;
  if (first === 'cua-toi') return frame(html`<${MyListings} t=${t} session=${session} />`);
  if (first === 'duyet') return frame(html`<${ReviewQueue} t=${t} session=${session} />`);
  if (first === 'thong-ke') return frame(html`<${MarketStats} t=${t} session=${session} />`);
  if (first === 'nhap') return frame(html`<${MarketExchange} t=${t} session=${session} />`);
  if (first === ALL_KINDS) return html`<${Browse} t=${t} session=${session} hash=${hash} headingRef=${headingRef} />`;
  const tab = KIND_TABS.find(([, slug]) => slug === (first || '')) || KIND_TABS[0];
  // an unknown sub-page is the offers' search, without the query it does not understand
  const own = tab[1] === (first || '');
  return html`<${Browse} t=${t} session=${session} kind=${tab[0]} hash=${own ? hash : '#/cho-cong-nghe'} headingRef=${headingRef} />`;
}
