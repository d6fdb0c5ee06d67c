// The OpenAPI description of the technology market's listings (offers,
// problems, experts), their review, files, engagement, deals, statistics
// and exchange, merged by ../openapi.mjs (see there for the notation of
// h.obj).
export function describe(h) {
  const { obj, list, ref, q, qs, JSON_BODY } = h;
  const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
  const BINARY = { schema: { type: 'string', contentEncoding: 'binary' } };
  const fields = 'title:s ~summary:s? ~description:s? ~sector:s? ~organisation_id:i? ~contact_name:s? ~contact_email:s? ~contact_phone:s? '
    + '~trl:i? ~ip_status:s? ~ip_numbers:s? ~transfer_types:s[] ~price_model:s? ~price:s? ~context:s? ~expected_result:s? '
    + '~budget_min:n? ~budget_max:n? ~deadline:s? ~constraints:s? ~confidentiality:s ~expert_name:s? ~expert_person_id:i? '
    + '~expert_fields:s? ~expert_record:s? ~orcid:s? ~expires_on:s? ~demo:b';
  const schemas = {
    ListingOrg: obj('id:i name:s?'),
    ListingPerson: obj('id:i name:s?'),
    Listing: obj(`id:i kind:s status:s state:s organisation:@ListingOrg? role:s ${fields} ~created_by:@ListingPerson? ~submitted_by:@ListingPerson? `
      + '~return_reason:s? ~submitted_at:s? ~reviewed_at:s? published_at:s? ~generation:i created_at:s updated_at:s ~details_hidden:b ~files:o[]', {
      description: "A technology offer, a problem to solve (bài toán đặt hàng) or an expert. state is the status, or 'expired' for a published listing past expires_on (the day in Viet Nam). In the operator's review queue (status submitted) submitted_by is the person who last submitted it. Readers other than its owners and the market operator never get the contacts, the creator, the return reason or the generation; a summary_only problem hides its description, context, expected result and constraints from anonymous readers, a private one from every reader (details_hidden). role says who the caller is to it: reader, owner or operator.",
    }),
    ListingEngagement: obj('id:i kind:s message:s purpose:s? organisation:@ListingOrg? contact_shared:b contact:o? status:s created_at:s', {
      description: "Interest in an offer, a proposal on a problem or a question to an expert. contact is the sender's name, e-mail and phone only when they consented (contact_shared); otherwise the owners see the organisation alone.",
    }),
    ListingDeal: obj('id:i partner_id:i? partner_name:s transfer_type:s? value_vnd:n? signed_on:s note:s? engagement_id:i? recorded_by:s? created_at:s'),
    ListingPanel: obj('views:o engagements:@ListingEngagement[] feedback:o deals:@ListingDeal[]', {
      description: 'What a listing received, for its owners and the operator: views per day (the last 30) and in all, engagements, IN-PART-style feedback with its counts by reason, deals.',
    }),
    ExpertRecord: obj('listing:o organisation:@ListingOrg? works_by:s? works:o[] projects:o[] patents:o[] contracts:o[] agreements:o[] commercialisations:o[] totals:o', {
      description: "What the S&T map and the registry know of an expert listing's expert: works (by the listing's ORCID iD when it has one, else by the expert's name among the authors affiliated with the expert's organisation; works_by says which), and the organisation's projects (lead or partner), patents and utility solutions, technology contracts (seller or buyer, without their value), agreements and commercialisations, each list newest first and at most 50 long, totals counting them all.",
    }),
    MarketStats: obj('by_kind:o by_status:o by_sector:o by_trl:o published:o engagements:i views:i first_contact_days:o deals:o', {
      description: "Listings by kind, sector and TRL (offers) over every listing but withdrawn ones, by status over all (a published listing past its expiry counted as 'expired'); published: the same by kind, sector and TRL over the published listings the search shows; engagements and views in all, the median days from publication to the first engagement, deals (count, value in VND).",
    }),
  };
  const L = 'market';
  const id = 'the listing';
  const listingBody = obj(`kind:s ${fields}`);
  const routes = [
    ['GET', '/api/v1/market/listings', L, 'Listings, newest change first. Anonymous and readers: published ones that have not expired; mine=1: the caller\'s own in any status; the operator: any status asked for (all, or expired too)', 'Danh sách tin trên chợ công nghệ', {
      query: qs(q('kind', 'string', 'offer, problem or expert'), q('status', 'string', 'draft, submitted, published, returned, withdrawn, expired or all'), q('sector', 'string', 'a sector code'), q('trl', 'integer', '1 to 9'), q('organisation_id', 'integer'), q('mine', 'string', '1: the listings the caller owns'), 'limit', 'offset'),
      ok: list('listings', '@Listing', 'total:i'), errors: [401, 422], public: true }],
    ['POST', '/api/v1/market/listings', L, 'Create a draft: any signed-in person, for no organisation or for one they edit', 'Tạo tin mới (bản nháp)', {
      body: JSON_BODY(listingBody, { kind: 'problem', title: 'Mã hóa nguồn gen cây trồng bản địa', summary: 'Cần giải pháp số hóa và mã hóa nguồn gen lúa, cây ăn quả đặc sản', sector: 'biotech', organisation_id: 3, budget_min: 500000000, budget_max: 1500000000, deadline: '2027-06-30', confidentiality: 'summary_only', contact_name: 'Nguyễn Văn A', contact_email: 'a@example.vn' }),
      ok: ref('Listing'), status: 201, errors: [400, 401, 403, 422] }],
    ['GET', '/api/v1/market/listings/export', L, 'Every listing as CSV, or with format=xlsx as a workbook, header the field names; the import reads it back to no change (the operator)', 'Xuất danh sách tin (CSV, Excel)', {
      query: [q('format', 'string', 'csv (default) or xlsx')], ok: { 'text/csv': { schema: { type: 'string' } }, [XLSX]: BINARY }, errors: [401, 403] }],
    ['POST', '/api/v1/market/listings/import', L, "Import a fair's catalogue from CSV or XLSX (the operator): a row with an id updates that listing, one without creates one (status draft, submitted or published; published when empty); every bad cell named by line and column, nothing saved if any is", 'Nhập danh mục tin từ tệp CSV hoặc Excel', {
      query: [q('dry_run', 'string', '1: check and say what each row would do, save nothing', { vi: '1: chỉ kiểm tra, không lưu' })],
      body: { required: true, content: { 'text/csv': { schema: { type: 'string' }, example: 'kind,title,summary,sector,trl,organisation_id,transfer_types\noffer,Chế phẩm vi sinh xử lý rơm rạ,Phân hủy rơm rạ trong 3 tuần,biotech,7,Trường Đại học Bách khoa Hà Nội,exclusive_licence;licence_with_service\n' }, [XLSX]: BINARY } },
      ok: obj('created:i updated:i unchanged:i total:i dry_run:b rows:o[]'), errors: [401, 403, 413, 422] }],
    ['GET', '/api/v1/market/listings/{id}', L, 'A listing as the caller may see it (a view by a reader is counted)', 'Trang tin trên chợ công nghệ', { ok: ref('Listing'), errors: [404], public: true }],
    ['PATCH', '/api/v1/market/listings/{id}', L, 'Change a listing (its owners and the operator); a published one stays published, the change audited', 'Sửa tin', {
      body: JSON_BODY(obj(fields.replace('title:s', '~title:s'))), ok: ref('Listing'), errors: [400, 401, 403, 404, 409, 422] }],
    ['POST', '/api/v1/market/listings/{id}/submit', L, 'Submit a draft or returned listing for review (its owners)', 'Gửi tin để duyệt', { ok: ref('Listing'), errors: [401, 403, 404, 409, 422] }],
    ['POST', '/api/v1/market/listings/{id}/publish', L, 'Publish a submitted listing (the operator); it expires after a year unless its expires_on is later', 'Duyệt đăng tin', { ok: ref('Listing'), errors: [401, 403, 404, 409] }],
    ['POST', '/api/v1/market/listings/{id}/return', L, 'Return a submitted or published listing to its owners with a reason (the operator)', 'Trả lại tin kèm lý do', { body: JSON_BODY(obj('reason:s'), { reason: 'Bổ sung số bằng sáng chế' }), ok: ref('Listing'), errors: [400, 401, 403, 404, 409, 422] }],
    ['POST', '/api/v1/market/listings/{id}/withdraw', L, 'Withdraw a listing (its owners or the operator)', 'Rút tin', { ok: ref('Listing'), errors: [401, 403, 404, 409] }],
    ['POST', '/api/v1/market/listings/{id}/files', L, 'Add a file or an image (PNG, JPEG) to a listing (its owners and the operator); the body is the file', 'Thêm tệp, hình ảnh cho tin', {
      query: qs('name', q('role', 'string', 'file (default) or image')), body: { content: { 'application/octet-stream': BINARY } }, ok: ref('Attachment'), status: 201, errors: [401, 403, 404, 413, 422, 507] }],
    ['GET', '/api/v1/market/listings/{id}/files/{file_id}', L, "A listing's file, for whoever may see the listing (images shown inline)", 'Tải tệp của tin', { query: [q('inline', 'string', '1: show a PDF in the page')], ok: { 'application/octet-stream': BINARY }, errors: [404], public: true }],
    ['GET', '/api/v1/market/listings/{id}/record', L, "An expert listing's record: the expert's works and the projects, patents, contracts, agreements and commercialisations of the expert's organisation, for whoever may see the listing", 'Hồ sơ khoa học của chuyên gia', { ok: ref('ExpertRecord'), errors: [404, 422], public: true }],
    ['GET', '/api/v1/market/listings/{id}/engagements', L, `What ${id} received: views, interest, proposals, questions, feedback, deals (its owners and the operator)`, 'Lượt xem, quan tâm, đề xuất, phản hồi của tin', { ok: ref('ListingPanel'), errors: [401, 403, 404] }],
    ['POST', '/api/v1/market/listings/{id}/engagements', L, 'Express interest in an offer, propose on a problem or ask an expert (signed-in people who do not own it); the contact reaches the owners only with contact_shared', 'Gửi quan tâm, đề xuất hoặc câu hỏi', {
      body: JSON_BODY(obj('message:s ~purpose:s ~organisation_id:i ~contact_shared:b ~contact_name:s ~contact_email:s ~contact_phone:s'), { message: 'Chúng tôi có giải pháp mã vạch ADN cho giống lúa', purpose: 'Hợp tác triển khai tại Thái Bình', contact_shared: true }),
      ok: obj('id:i listing_id:i'), status: 201, errors: [400, 401, 403, 404, 409, 422] }],
    ['PATCH', '/api/v1/market/listings/{id}/engagements/{eid}', L, 'Mark a message read, accepted or declined (its owners and the operator)', 'Xử lý quan tâm, đề xuất', { body: JSON_BODY(obj('status:s'), { status: 'accepted' }), ok: ref('ListingPanel'), errors: [400, 401, 403, 404, 422] }],
    ['POST', '/api/v1/market/listings/{id}/feedback', L, 'Structured feedback on an offer: reasons too_early, benefit_unclear, route_to_market_unclear, description_unclear, other (with a text)', 'Góp ý có cấu trúc cho chào bán công nghệ', {
      body: JSON_BODY(obj('reasons:s[] ~text:s ~organisation_id:i'), { reasons: ['too_early', 'route_to_market_unclear'], text: 'Cần thử nghiệm quy mô pilot' }), ok: obj('id:i listing_id:i'), status: 201, errors: [400, 401, 403, 404, 409, 422] }],
    ['POST', '/api/v1/market/listings/{id}/deals', L, 'Record a deal closed on a listing (its owners and the operator); value in VND', 'Ghi nhận giao dịch', {
      body: JSON_BODY(obj('signed_on:s ~partner_id:i ~partner_name:s ~transfer_type:s ~value_vnd:n ~note:s ~engagement_id:i'), { partner_name: 'Công ty TNHH Nông nghiệp Xanh', transfer_type: 'exclusive_licence', value_vnd: 800000000, signed_on: '2026-11-20' }),
      ok: obj('id:i listing_id:i'), status: 201, errors: [400, 401, 403, 404, 422] }],
    ['GET', '/api/v1/market/engagements', L, 'The interest, proposals and questions the caller has sent', 'Quan tâm, đề xuất tôi đã gửi', { ok: list('engagements', 'o'), errors: [401] }],
    ['GET', '/api/v1/market/stats', L, "The operator's statistics of the market: listings by kind, status, sector and TRL (published: those the search shows), engagement, deals; with format=xlsx a workbook of a sheet per table (lang=en in English)", 'Thống kê chợ công nghệ', {
      query: [q('format', 'string', 'json (default) or xlsx', { vi: 'xlsx: bảng tính Excel, mỗi bảng thống kê một trang' }), q('lang', 'string', 'en: the workbook in English', { vi: 'en: bảng tính bằng tiếng Anh' })], ok: { 'application/json': { schema: ref('MarketStats') }, [XLSX]: BINARY }, errors: [401, 403] }],
  ];
  schemas.Listing.properties.kind.enum = ['offer', 'problem', 'expert'];
  schemas.Listing.properties.status.enum = ['draft', 'submitted', 'published', 'returned', 'withdrawn'];
  schemas.Listing.properties.state.enum = ['draft', 'submitted', 'published', 'returned', 'withdrawn', 'expired'];
  return { schemas, routes, tags: [['market', 'The technology market: offers, problems, experts, their review and engagement']] };
}
