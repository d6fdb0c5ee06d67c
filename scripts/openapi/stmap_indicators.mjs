// The OpenAPI description of the S&T map's bibliometric indicators, merged
// by ../openapi.mjs (see there for the notation of h.obj).
export function describe(h) {
  const { obj, q, qs } = h;
  const IND = 'p:n tcs:n mcs:n? tncs:n mncs:n? p_top1:n pp_top1:n? p_top10:n pp_top10:n? p_top50:n pp_top50:n? '
    + 'p_collab:n pp_collab:n? p_int_collab:n pp_int_collab:n? p_industry:n pp_industry:n? p_short_dist:n pp_short_dist:n? '
    + 'p_long_dist:n pp_long_dist:n? mgcd:n? p_dist_known:n h_index:n';
  const CI = ['mcs', 'mncs', 'pp_top1', 'pp_top10', 'pp_top50', 'pp_collab', 'pp_int_collab']
    .map((k) => `~${k}_lo:n? ~${k}_hi:n?`).join(' ');
  const OUTPUTS = '~patents:n? ~utility_solutions:n? ~projects:n? ~funding:n? ~contracts:n? ~contract_value:n? ~spinoffs:n?';
  const schemas = {
    BiblioIndicators: obj(`${IND} ${CI}`, {
      description: 'The CWTS Leiden Ranking indicators of a set of publications (articles, reviews, book chapters) in one counting: '
        + 'P publications, TCS/MCS total and mean citations, TNCS/MNCS total and mean normalised citation score (citations over the mean of the '
        + 'same field and year), P/PP(top x %) publications among the x % most cited of their field and year (ties at the threshold shared '
        + 'fractionally), P/PP(collab) with another institution or country, (int collab) with another country, (industry) with a company, '
        + '(short_dist) collaborations within 100 km, (long_dist) 5000 km or more apart, MGCD the mean geographical collaboration distance (km, '
        + 'over the publications whose distance is known: p_dist_known of them; a collaboration with an institution without coordinates has none), the h-index. <name>_lo/_hi: the 95 % stability interval (bootstrap of 1,000 '
        + 'resamples, seeded). Ratios are null without publications.',
    }),
    BiblioRow: obj(`~organisation_id:i ~name:s? ~short_name:s? ~kind:s? ~unit_id:i? ~unit_code:s? ~unit_name:s? ~n_organisations:i `
      + `~field_id:s ~field:s? ~year:i ~counting:s ${IND} ${CI} ${OUTPUTS}`, {
      description: 'One row of the table: an organisation (organisation_id, name, kind and its commune), a commune (unit_id, unit_code, '
        + 'unit_name, n_organisations: the organisations its figures come from), a field (field_id, field) or a year, then its indicators '
        + '(see BiblioIndicators) and, for organisations and communes, their patents, utility solutions, projects (led or joined), funding '
        + '(budgets of the projects led, VND), technology-transfer contracts sold and their value (VND, signed-in people only) and spin-offs '
        + 'in the period.',
    }),
    BiblioTable: obj('by:s counting:s from:i? to:i? works:i rows:@BiblioRow[]', {
      description: 'works: the publications counted in the whole data set (normalisation is over all of them). Rows with at least one '
        + 'publication, most first (years in order).',
    }),
    BiblioYear: obj('year:i full:@BiblioIndicators fractional:@BiblioIndicators'),
    BiblioOrganisation: obj('organisation_id:i name:s? short_name:s? kind:s? unit_id:i? unit_code:s? unit_name:s?'),
    BiblioOrgPage: obj(`organisation:@BiblioOrganisation rows:@BiblioRow[] total:o years:@BiblioYear[] outputs:o`, {
      description: 'rows: one per year and counting (year, counting and the indicators: the workbook of ?format=xlsx); total: {full, fractional} BiblioIndicators over every year; years: those with publications; outputs: patents, '
        + 'utility_solutions, projects, funding, contracts, contract_value (signed in), spinoffs over every year.',
    }),
  };
  schemas.BiblioTable.properties.by.enum = ['organisation', 'commune', 'field', 'year'];
  schemas.BiblioTable.properties.counting.enum = ['full', 'fractional'];
  const T = 'stmap';
  const filters = [
    q('by', 'string', 'Rows: organisation (default), commune, field or year', { vi: 'Dòng của bảng: tổ chức, phường/xã, lĩnh vực, năm', enum: ['organisation', 'commune', 'field', 'year'] }),
    q('counting', 'string', 'fractional (default): each author\'s share split over the author\'s institutions; full: 1 per organisation', { vi: 'Cách đếm: phân số (mặc định) hoặc toàn phần', enum: ['full', 'fractional'] }),
    q('from', 'integer', 'First year of the period', { vi: 'Từ năm' }),
    q('to', 'integer', 'Last year of the period', { vi: 'Đến năm' }),
    q('field', 'string', 'One field (OpenAlex field id)', { vi: 'Lĩnh vực' }),
    q('kind', 'string', 'Organisations of one kind', { vi: 'Loại hình tổ chức' }),
    q('organisation_id', 'integer', 'One organisation', { vi: 'Một tổ chức' }),
  ];
  const routes = [
    ['GET', '/api/v1/stmap/indicators', T, 'Leiden-style bibliometric indicators by organisation, commune, field or year', 'Chỉ số năng suất và tác động khoa học theo tổ chức, phường/xã, lĩnh vực, năm', {
      query: [...filters, ...qs('format')], ok: h.ref('BiblioTable'), errors: [422], public: true,
    }],
    ['GET', '/api/v1/stmap/organisations/{id}/indicators', T, 'One organisation\'s bibliometric indicators by year, full and fractional, with stability intervals', 'Chỉ số khoa học của một tổ chức theo năm', {
      query: qs('format'), ok: h.ref('BiblioOrgPage'), errors: [404], public: true,
    }],
  ];
  return { schemas, routes, tags: [[T, 'Bibliometric indicators of the S&T map (CWTS Leiden Ranking methodology)']] };
}
