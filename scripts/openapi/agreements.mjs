// The OpenAPI description of the ecosystem registry's agreements routes
// (agreements with their actions and problems, funds, investments, support
// programmes, commercialisation projects), merged by ../openapi.mjs (see
// there for the notation of h.obj).
export function describe(h) {
  const { obj, list, ref, q, qs, JSON_BODY } = h;
  const CSV = { 'text/csv': { schema: { type: 'string' } } };
  // An import's body: CSV, or an .xlsx workbook of the same columns (a bad
  // row is then named by its sheet row).
  const csvBody = (example) => ({ required: true, content: { 'text/csv': { schema: { type: 'string' }, example }, 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': { schema: { type: 'string', contentEncoding: 'binary' } } } });
  const dryRun = q('dry_run', 'string', '1: check and count only, save nothing', { vi: '1: chỉ kiểm tra và đếm, không lưu' });
  const schemas = {
    OrgRef: obj('id:i name:s kind:s'),
    AgreementParty: obj('organisation_id:i name:s kind:s role:s'),
    AgreementAction: obj('task_id:i code:s title:s deadline:s? product:s? lead_unit:@UnitRef progress:n status:s status_label:s', {
      description: 'A committed action: a task of the programme, with its status derived as on the task pages.',
    }),
    AgreementProblem: obj('id:i title:s description:s? status:s created_at:s organisation:@OrgRef?'),
    Agreement: obj('id:i code:s kind:s title:s signed_on:s? ends_on:s? focus:s[] status:s description:s? demo:b created_at:s updated_at:s n_actions:i n_problems:i parties:@AgreementParty[] ~file:@Attachment? ~files:@Attachment[] ~actions:@AgreementAction[] ~problems:@AgreementProblem[]', {
      description: "An MOU or cooperation agreement. status is derived: 'expired' once ends_on has passed (the day in Viet Nam) for an active one. Anonymous readers get no actions or problems.",
    }),
    AgreementRef: obj('code:s title:s kind:s status:s'),
    FundMember: obj('organisation_id:i name:s kind:s joined_on:s? ~committed_vnd:n?'),
    Fund: obj('id:i code:s name:s kind:s launched_on:s? committed_vnd:n? disbursed_vnd:n invested_vnd:n members_committed_vnd:n? description:s? demo:b organisation:@OrgRef? n_members:i members:@FundMember[] ~investments:@Investment[]', {
      description: 'A fund or an alliance of funds, amounts in VND: committed_vnd as announced, members_committed_vnd the members\' sum, invested_vnd the sum of its investments, disbursed_vnd as recorded or else invested_vnd. Anonymous readers get no member amounts and no investments.',
    }),
    Investment: obj('id:i amount_vnd:n invested_on:s round:s? instrument:s? note:s? demo:b fund:o? investor:@OrgRef? startup:@OrgRef'),
    SupportRecipient: obj('organisation_id:i name:s kind:s support:s? since:s?'),
    SupportProgramme: obj('id:i code:s name:s description:s? starts_on:s? ends_on:s? demo:b provider:@OrgRef? network:o? n_recipients:i ~recipients:@SupportRecipient[]'),
    Commercialisation: obj('id:i title:s announced_on:s? status:s value_vnd:n? description:s? demo:b owner:@OrgRef? partner:@OrgRef?'),
  };
  schemas.Agreement.properties.status.enum = ['draft', 'active', 'expired', 'ended'];
  schemas.Agreement.properties.kind.enum = ['mou', 'cooperation', 'contract', 'other'];
  schemas.AgreementProblem.properties.status.enum = ['open', 'commissioned', 'solved', 'dropped'];
  schemas.Fund.properties.kind.enum = ['fund', 'alliance'];
  schemas.Commercialisation.properties.status.enum = ['announced', 'in_progress', 'on_market', 'stopped'];

  const agreementBody = obj('code:s kind:s title:s ~signed_on:s ~ends_on:s ~focus:s[] ~status:s ~description:s ~parties:o[]');
  const T = 'agreements';
  const F = 'funds';
  const routes = [
    ['GET', '/api/v1/agreements', T, 'Agreements (search by code or title without diacritics; filters). Anonymous: those active or expired', 'Danh sách thỏa thuận hợp tác', { query: qs('q', q('kind'), q('status', 'string', 'draft, active, expired or ended (derived)', { vi: 'draft, active, expired hoặc ended' }), q('organisation_id', 'integer', 'a party'), q('focus', 'string', 'a focus area code such as innovation'), 'limit', 'offset', 'format'), ok: list('agreements', '@Agreement', 'total:i'), errors: [422], public: true }],
    ['POST', '/api/v1/agreements', T, 'Add an agreement (registry writers)', 'Thêm thỏa thuận hợp tác', { body: JSON_BODY(agreementBody, { code: 'MOU-BKHCN-2025', kind: 'mou', title: 'Biên bản ghi nhớ hợp tác với Bộ Khoa học và Công nghệ', signed_on: '2025-12-25', ends_on: '2030-12-31', focus: ['innovation', 'digital_transformation'], parties: [{ organisation_id: 3, role: 'signatory' }] }), ok: ref('Agreement'), status: 201, errors: [400, 401, 403, 409, 422] }],
    ['GET', '/api/v1/agreements/export', T, 'Agreements as CSV (code,kind,title,signed_on,ends_on,focus,status,parties,description). Anonymous: those active or expired', 'Xuất thỏa thuận hợp tác (CSV)', { ok: CSV, errors: [], public: true }],
    ['POST', '/api/v1/agreements/import', T, 'Import agreements from CSV or XLSX: new codes are created, known ones updated; every bad row named (its sheet row in a workbook), nothing saved if any is', 'Nhập thỏa thuận hợp tác từ tệp CSV hoặc Excel', { query: [dryRun], body: csvBody('code,kind,title,signed_on,ends_on,focus,status,parties,description\nMOU-NUS,mou,Ghi nhớ hợp tác với NUS,2025-12-25,2028-12-25,training;innovation,active,Đại học Quốc gia Singapore,\n'), ok: obj('created:i updated:i total:i dry_run:b'), errors: [401, 403, 422] }],
    ['GET', '/api/v1/agreements/{code}', T, 'An agreement with its parties, file, actions (task status) and problems; anonymous: active or expired ones, without actions and problems', 'Trang thỏa thuận hợp tác', { ok: ref('Agreement'), errors: [404], public: true }],
    ['PATCH', '/api/v1/agreements/{code}', T, 'Change an agreement (parties given replace the parties)', 'Sửa thỏa thuận hợp tác', { body: JSON_BODY(obj('~kind:s ~title:s ~signed_on:s ~ends_on:s ~focus:s[] ~status:s ~description:s ~parties:o[]')), ok: ref('Agreement'), errors: [400, 401, 403, 404, 422] }],
    ['POST', '/api/v1/agreements/{code}/actions', T, 'Link a task as a committed action ({task_id} or {task_code}), or create the task and link it ({task: {title, lead_unit_code, deadline, code?}})', 'Gắn nhiệm vụ triển khai thỏa thuận', { body: JSON_BODY(obj('~task_id:i ~task_code:s ~task:o'), { task: { title: 'Tổ chức đào tạo đổi mới sáng tạo cho cán bộ', lead_unit_code: 'HN-SKHCN', deadline: '2026-06-30' } }), ok: ref('Agreement'), status: 201, errors: [400, 401, 403, 404, 409, 422] }],
    ['DELETE', '/api/v1/agreements/{code}/actions/{task_id}', T, 'Unlink a task (the task stays)', 'Bỏ gắn nhiệm vụ khỏi thỏa thuận', { ok: ref('Agreement'), errors: [401, 403, 404] }],
    ['POST', '/api/v1/agreements/{code}/problems', T, 'Record a problem a partner brings', 'Ghi nhận bài toán đối tác đặt ra', { body: JSON_BODY(obj('title:s ~description:s ~organisation_id:i ~status:s'), { title: 'Truy xuất nguồn gốc nông sản', organisation_id: 7 }), ok: ref('Agreement'), status: 201, errors: [400, 401, 403, 404, 422] }],
    ['PATCH', '/api/v1/agreements/{code}/problems/{id}', T, 'Change a problem (its status: open, commissioned, solved, dropped)', 'Cập nhật bài toán', { body: JSON_BODY(obj('~title:s ~description:s ~organisation_id:i? ~status:s')), ok: ref('Agreement'), errors: [400, 401, 403, 404, 422] }],

    ['GET', '/api/v1/funds', F, 'Funds and alliances with members and totals; anonymous: without member amounts', 'Quỹ và liên minh quỹ', { query: qs('q', q('kind', 'string', 'fund or alliance'), 'limit', 'offset', 'format'), ok: list('funds', '@Fund', 'total:i'), errors: [422], public: true }],
    ['POST', '/api/v1/funds', F, 'Add a fund or an alliance (registry writers)', 'Thêm quỹ, liên minh quỹ', { body: JSON_BODY(obj('code:s name:s kind:s ~organisation_id:i ~launched_on:s ~committed_vnd:n ~disbursed_vnd:n ~description:s ~members:o[]'), { code: 'LM-QDMST', name: 'Liên minh quỹ đầu tư mạo hiểm Hà Nội', kind: 'alliance', launched_on: '2025-12-25', committed_vnd: 1200000000000, members: [{ organisation_id: 9, committed_vnd: 200000000000 }] }), ok: ref('Fund'), status: 201, errors: [400, 401, 403, 409, 422] }],
    ['GET', '/api/v1/funds/{code}', F, 'A fund with members, totals and (signed in) its investments', 'Thông tin quỹ', { ok: ref('Fund'), errors: [404], public: true }],
    ['PATCH', '/api/v1/funds/{code}', F, 'Change a fund (members given replace the members)', 'Sửa thông tin quỹ', { body: JSON_BODY(obj('~name:s ~kind:s ~organisation_id:i? ~launched_on:s ~committed_vnd:n? ~disbursed_vnd:n? ~description:s ~members:o[]')), ok: ref('Fund'), errors: [400, 401, 403, 404, 422] }],
    ['GET', '/api/v1/investments', F, 'Investments into start-ups, newest first (signed in)', 'Các khoản đầu tư vào khởi nghiệp', { query: qs(q('fund', 'string', 'a fund code'), q('startup_id', 'integer'), q('investor_id', 'integer'), q('from', 'string', 'invested on or after, YYYY-MM-DD'), q('to', 'string', 'invested on or before'), 'limit', 'offset', 'format'), ok: list('investments', '@Investment', 'total:i amount_vnd:n'), errors: [401, 422] }],
    ['POST', '/api/v1/investments', F, 'Record an investment by a fund or an investor into a start-up', 'Ghi nhận khoản đầu tư', { body: JSON_BODY(obj('startup_id:i amount_vnd:n invested_on:s ~fund_id:i ~fund_code:s ~investor_id:i ~round:s ~instrument:s ~note:s'), { fund_code: 'LM-QDMST', startup_id: 12, amount_vnd: 5000000000, invested_on: '2026-03-15', round: 'seed', instrument: 'equity' }), ok: ref('Investment'), status: 201, errors: [400, 401, 403, 422] }],
    ['GET', '/api/v1/investments/export', F, 'Investments as CSV (fund_code,investor,startup,amount_vnd,invested_on,round,instrument,note)', 'Xuất các khoản đầu tư (CSV)', { ok: CSV, errors: [401] }],
    ['POST', '/api/v1/investments/import', F, 'Import investments from CSV or XLSX (organisations by id or name); every bad row named (its sheet row in a workbook), nothing saved if any is', 'Nhập các khoản đầu tư từ tệp CSV hoặc Excel', { query: [dryRun], body: csvBody('fund_code,investor,startup,amount_vnd,invested_on,round,instrument,note\nLM-QDMST,,Công ty Cổ phần Công nghệ ABC,5000000000,2026-03-15,seed,equity,\n'), ok: obj('created:i total:i dry_run:b'), errors: [401, 403, 422] }],
    ['GET', '/api/v1/support-programmes', F, 'Support programmes (signed in)', 'Chương trình hỗ trợ', { query: qs('limit', 'offset', 'format'), ok: list('support_programmes', '@SupportProgramme', 'total:i'), errors: [401] }],
    ['POST', '/api/v1/support-programmes', F, 'Add a support programme with its recipients', 'Thêm chương trình hỗ trợ', { body: JSON_BODY(obj('code:s name:s ~provider_id:i ~network_id:i ~description:s ~starts_on:s ~ends_on:s ~recipients:o[]'), { code: 'HIHUB-KN-DH', name: 'HiHUB hỗ trợ khởi nghiệp đại học', starts_on: '2025-12-25', recipients: [{ organisation_id: 21, support: 'Không gian làm việc', since: '2026-01-05' }] }), ok: ref('SupportProgramme'), status: 201, errors: [400, 401, 403, 409, 422] }],
    ['GET', '/api/v1/support-programmes/{code}', F, 'A support programme with its recipients', 'Thông tin chương trình hỗ trợ', { ok: ref('SupportProgramme'), errors: [401, 404] }],
    ['POST', '/api/v1/support-programmes/{code}/recipients', F, 'Add a recipient (who, what support, since)', 'Thêm đối tượng được hỗ trợ', { body: JSON_BODY(obj('organisation_id:i ~support:s ~since:s'), { organisation_id: 22, support: 'Cố vấn', since: '2026-02-01' }), ok: ref('SupportProgramme'), status: 201, errors: [400, 401, 403, 404, 409, 422] }],
    ['GET', '/api/v1/commercialisations', F, 'Commercialisation projects (signed in)', 'Dự án thương mại hóa kết quả nghiên cứu', { query: qs(q('status', 'string', 'announced, in_progress, on_market or stopped'), 'limit', 'offset', 'format'), ok: list('commercialisations', '@Commercialisation', 'total:i'), errors: [401, 422] }],
    ['POST', '/api/v1/commercialisations', F, 'Add a commercialisation project', 'Thêm dự án thương mại hóa', { body: JSON_BODY(obj('title:s ~organisation_id:i ~partner_id:i ~announced_on:s ~status:s ~value_vnd:n ~description:s'), { title: 'Thương mại hóa vật liệu nano xử lý nước', organisation_id: 4, announced_on: '2025-12-25' }), ok: ref('Commercialisation'), status: 201, errors: [400, 401, 403, 422] }],
  ];
  return {
    schemas,
    routes,
    tags: [['agreements', 'Cooperation agreements, their actions (tasks) and problems'], ['funds', 'Funds, investments, support programmes, commercialisation']],
  };
}
