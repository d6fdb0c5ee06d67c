// The OpenAPI description of the market's search, matching and saved
// searches, merged by ../openapi.mjs (see there for the notation of h.obj).
export function describe(h) {
  const { obj, list, ref, q, qs, JSON_BODY } = h;   // eslint-disable-line no-unused-vars
  const parts = { type: 'array', items: { type: 'string' }, description: 'The text as alternating parts: plain, matched, plain, … (the first is plain, possibly empty). Render the odd ones marked; never read them as HTML.' };
  const schemas = {
    MarketOrg: obj('id:i name:s'),
    MarketUnit: obj('id:i code:s name:s'),
    MarketHit: obj('id:i kind:s title:s summary:s? sector:s? trl:i? transfer_types:s[] organisation:@MarketOrg? unit:@MarketUnit? '
      + 'published_at:s? expires_on:s? expert_name:s? price_model:s? deadline:s? confidentiality:s? score:n ~highlight:@MarketHighlight', {
      description: 'A published listing as search and matching show it: its public fields only.',
    }),
    MarketHighlight: obj('~title:any ~summary:any'),
    MarketFacetValue: obj('value:s count:i ~name:s ~name_en:s ~code:s', { description: 'A value of a facet and the listings that have it among those matching the text and the filters of the other facets; name (and code) say what an id stands for.' }),
    MarketFacets: obj('~kind:@MarketFacetValue[] ~sector:@MarketFacetValue[] ~trl:@MarketFacetValue[] ~organisation:@MarketFacetValue[] ~commune:@MarketFacetValue[] ~transfer_type:@MarketFacetValue[]'),
    MarketTerm: obj('text:s folded:s phrase:b prefix:b', { description: 'A syllable or phrase of the query as the engine read it.' }),
    MarketSearch: obj('total:i offset:i limit:i hits:@MarketHit[] facets:@MarketFacets terms:@MarketTerm[]'),
    MatchReason: obj('code:s points:i ~terms:s[] ~sector:s ~trl:i ~expected:i ~publications:i ~patents:i ~projects:i ~spinoffs:i ~agreements:i ~commercialisations:i ~contracts:i ~deals:i', {
      description: 'Why a listing matches, and the points it adds: terms (shared two-syllable words and syllables), sector (the same), trl (the offer reaches the stage the problem expects, or nearly), record (the organisation\'s patents, spin-offs, commercialisation, projects, agreements, publications), contracts (technology contracts and market deals).',
    }),
    Match: { allOf: [ref('MarketHit'), obj('score:i reasons:@MatchReason[]')] },
    MatchPoints: obj('word:i term:i terms_max:i sector:i trl:i trl_near:i trl_expected:i record_max:i contract:i contracts_max:i', { description: 'What each reason adds: the score is their sum.' }),
    Matches: obj('listing:o matches:@Match[] points:@MatchPoints'),
    SavedSearch: obj('id:i name:s? q:s kind:s? ~sector:s ~trl:s ~organisation_id:s ~unit_id:i ~transfer_type:s notify:b created_at:s total:i', {
      description: 'A saved query with its filters (as the search takes them); total counts the listings it finds now. New listings it finds reach the inbox (kind market_match) and the mail.',
    }),
  };
  schemas.MarketHighlight.properties.title = parts;
  schemas.MarketHighlight.properties.summary = parts;
  schemas.MarketHit.properties.kind.enum = ['offer', 'problem', 'expert'];
  schemas.MatchReason.properties.code.enum = ['terms', 'sector', 'trl', 'record', 'contracts'];
  const filters = [
    q('q', 'string', 'Words, with or without marks; "quotes" for a phrase; the last word may be a prefix', { vi: 'Từ khóa, có dấu hoặc không dấu' }),
    q('kind', 'string', 'offer, problem, expert (comma-separated: any of them)', { vi: 'Loại tin' }),
    q('sector', 'string', 'Sector codes, comma-separated', { vi: 'Lĩnh vực' }),
    q('trl', 'string', 'Technology readiness levels 1–9, comma-separated', { vi: 'Mức độ sẵn sàng công nghệ' }),
    q('organisation_id', 'string', 'Organisation ids, comma-separated', { vi: 'Tổ chức' }),
    q('unit_id', 'integer', 'A unit: listings of organisations within it', { vi: 'Địa bàn' }),
    q('transfer_type', 'string', 'full_assignment, partial_assignment, exclusive_licence, non_exclusive_licence, sublicence, licence_with_service', { vi: 'Hình thức chuyển giao' }),
  ];
  const savedBody = obj('~name:s ~q:s ~kind:s ~sector:s ~trl:any ~organisation_id:any ~unit_id:i ~transfer_type:s ~notify:b');
  const routes = [
    ['GET', '/api/v1/market/search', 'market', 'Search the published listings: ranked hits with highlights, facet counts', 'Tìm kiếm trên chợ công nghệ', {
      query: qs(...filters, 'limit', 'offset'), ok: ref('MarketSearch'), errors: [422], public: true }],
    ['GET', '/api/v1/market/listings/{id}/matches', 'market', 'The published listings that match one: offers and experts for a problem, problems for an offer or expert; each with its reasons and points', 'Kết nối cung – cầu cho một tin', {
      query: qs('limit'), ok: ref('Matches'), errors: [404, 422], public: true }],
    ['GET', '/api/v1/market/saved-searches', 'market', "The caller's saved searches", 'Tìm kiếm đã lưu', { ok: list('saved_searches', '@SavedSearch'), errors: [401] }],
    ['POST', '/api/v1/market/saved-searches', 'market', 'Save a search: new listings it finds are notified in the inbox and by mail', 'Lưu tìm kiếm và nhận thông báo', {
      body: JSON_BODY(savedBody, { name: 'Xử lý nước thải', q: 'xử lý nước thải', kind: 'offer', sector: 'biotech' }), ok: ref('SavedSearch'), status: 201, errors: [400, 401, 403, 422] }],
    ['GET', '/api/v1/market/saved-searches/{id}', 'market', 'One of the caller\'s saved searches', 'Một tìm kiếm đã lưu', { ok: ref('SavedSearch'), errors: [401, 404] }],
    ['DELETE', '/api/v1/market/saved-searches/{id}', 'market', 'Delete a saved search; answers those that stay', 'Xóa tìm kiếm đã lưu', { ok: list('saved_searches', '@SavedSearch'), errors: [401, 403, 404] }],
  ];
  return { schemas, routes, tags: [] };
}
