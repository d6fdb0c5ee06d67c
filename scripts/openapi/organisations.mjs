// The OpenAPI description of the ecosystem registry's organisations routes, merged
// by ../openapi.mjs (see there for the notation of h.obj).
export function describe(h) {
  const { obj, list, ref, q, qs, JSON_BODY } = h;   // eslint-disable-line no-unused-vars
  const KINDS = ['university', 'institute', 'enterprise', 'st_enterprise', 'startup', 'innovation_centre', 'fund', 'agency', 'foreign_partner'];
  const schemas = {
    OrganisationRow: obj('id:i kind:s name:s short_name:s? tax_code:s? unit_id:i? unit_code:s? unit_name:s? sectors:s[] size:s? employees:i? founded_on:s? status:s published:b website:s?'),
    OrganisationPerson: obj('name:s role:s ~email:s? ~phone:s?'),
    OrganisationNetwork: obj('id:i code:s name:s role:s joined_on:s?'),
    OrganisationUnit: obj('id:i code:s? name:s path:s'),
    OrganisationEditor: obj('id:i login:s name:s since:s'),
    OrganisationChange: obj('id:i status:s fields:o proposed_by:i proposed_by_name:s proposed_at:s decided_by_name:s? decided_at:s? reason:s?'),
    Organisation: obj('id:i kind:s name:s short_name:s? aliases:s[] tax_code:s? ror:s? openalex_id:s? unit_id:i? unit_code:s? unit_name:s? unit:@OrganisationUnit? '
      + 'address:s? lat:n? lon:n? sectors:s[] size:s? employees:i? founded_on:s? status:s ended_on:s? merged_into:i? website:s? ~email:s? ~phone:s? '
      + 'description:s? published:b demo:b created_at:s updated_at:s people:@OrganisationPerson[] networks:@OrganisationNetwork[] '
      + '~editors:@OrganisationEditor[] ~change:@OrganisationChange? ~logo:@OrganisationLogo? can_edit:b', {
      description: 'An organisation of the registry. Without sign-in: published ones only, without email and phone (its own and its people\'s). editors: for registry writers; change: the latest proposed change, for registry writers and the organisation\'s editors. merged_into: the organisation a merged duplicate now lives in. '
        + 'logo: its image, or null; the profile\'s GET answers it (other answers may leave it out). The organisation\'s editors and the registry writers set it with POST /api/v1/attachments?entity=organisation_logo&entity_id={id}&name={file} '
        + '(PNG, JPEG, WebP or SVG, at most 1 MiB, the type decided from the bytes): a direct change without review, since a logo is not profile text, recorded in the organisation\'s history. '
        + 'The image is public while the profile is (published, not merged), else for those signed in; an SVG is served with a policy that runs no script.',
    }),
    OrganisationLogo: obj('id:i url:s', { description: 'An organisation\'s logo: the attachment id and where to download it.' }),
    OrganisationSide: obj('id:i name:s kind:s tax_code:s? unit_id:i? unit_code:s? unit_name:s?'),
    OrganisationDuplicate: obj('reason:s a:@OrganisationSide b:@OrganisationSide'),
    OrganisationImportRow: obj('line:i action:s id:i name:s'),
  };
  schemas.OrganisationRow.properties.kind.enum = KINDS;
  schemas.Organisation.properties.kind.enum = KINDS;
  schemas.OrganisationChange.properties.status.enum = ['submitted', 'approved', 'refused'];
  schemas.OrganisationDuplicate.properties.reason.enum = ['tax_code', 'ror', 'openalex_id', 'name'];

  const body = '~short_name:s? ~aliases:s[] ~tax_code:s? ~ror:s? ~openalex_id:s? ~unit_id:i? ~unit_code:s? ~address:s? ~lat:n? ~lon:n? ~sectors:s[] '
    + '~size:s? ~employees:i? ~founded_on:s? ~status:s ~ended_on:s? ~website:s? ~email:s? ~phone:s? ~description:s? ~people:@OrganisationPerson[] ~published:b';
  const example = {
    kind: 'university', name: 'Đại học Bách khoa Hà Nội', short_name: 'HUST', aliases: ['Hanoi University of Science and Technology'],
    tax_code: '0100233488', unit_code: '00256', sectors: ['ai', 'automation'], website: 'https://hust.edu.vn',
  };
  const filters = [
    q('q', 'string', 'Words of the name, short name or an alias, with or without marks (ranked: the exact name, then names starting so, then names with a word starting so)', { vi: 'Tên, tên viết tắt hoặc tên khác, có dấu hay không dấu' }),
    q('kind', 'string', 'One kind', { vi: 'Loại hình', enum: KINDS }),
    q('sector', 'string', 'A sector code', { vi: 'Mã lĩnh vực' }),
    q('unit', 'string', 'A unit code: organisations in its subtree', { vi: 'Mã đơn vị (gồm cả đơn vị trực thuộc)' }),
    q('unit_id', 'integer', 'A unit id: organisations in its subtree', { vi: 'Đơn vị (gồm cả đơn vị trực thuộc)' }),
    q('status', 'string', 'active, inactive, dissolved or merged (every one but merged by default)', { vi: 'Trạng thái' }),
  ];
  const CSV = {
    required: true,
    content: {
      'text/csv': { schema: { type: 'string' }, example: 'kind,name,tax_code,unit_code,sectors\nstartup,Công ty Cổ phần Ví dụ,0100109106,00070,ai\n' },
      'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': { schema: { type: 'string', contentEncoding: 'binary' } },
    },
  };
  const T = 'organisations';
  const routes = [
    ['GET', '/api/v1/organisations', T, 'Search the organisations of the registry', 'Tìm tổ chức trong hệ sinh thái', { query: [...filters, ...qs('limit', 'offset', 'format')], ok: obj('organisations:@OrganisationRow[] total:i facets:o'), errors: [404, 422], public: true }],
    ['POST', '/api/v1/organisations', T, 'Add an organisation', 'Thêm tổ chức', { body: JSON_BODY(obj(`kind:s name:s ${body}`), example), ok: ref('Organisation'), status: 201, errors: [400, 401, 403, 409, 422] }],
    ['GET', '/api/v1/organisations/duplicates', T, 'Organisations that look like the same one twice', 'Tổ chức có thể bị trùng', { ok: list('duplicates', '@OrganisationDuplicate', 'total:i'), errors: [401, 403] }],
    ['POST', '/api/v1/organisations/import', T, 'Import organisations from CSV or XLSX, all rows or none', 'Nhập tổ chức từ tệp CSV hoặc Excel', { query: [q('dry_run', 'string', '1: check and preview, save nothing', { vi: '1: chỉ kiểm tra, không lưu' })], body: CSV, ok: obj('created:i updated:i unchanged:i total:i dry_run:b rows:@OrganisationImportRow[]'), errors: [401, 403, 413, 422] }],
    ['GET', '/api/v1/organisations/export', T, 'Every organisation as CSV, as the import reads it', 'Xuất danh sách tổ chức (CSV)', { ok: { 'text/csv': { schema: { type: 'string' } } }, errors: [401] }],
    ['GET', '/api/v1/organisations/{id}', T, 'An organisation\'s profile', 'Hồ sơ tổ chức', { ok: ref('Organisation'), errors: [404], public: true }],
    ['PATCH', '/api/v1/organisations/{id}', T, 'Change an organisation (an editor\'s change waits for review)', 'Sửa hồ sơ tổ chức', { body: JSON_BODY(obj(`~kind:s ~name:s ${body}`), { website: 'https://hust.edu.vn', employees: 4200 }), ok: ref('Organisation'), errors: [400, 401, 403, 404, 409, 422] }],
    ['GET', '/api/v1/organisations/{id}/history', T, 'The audit entries of an organisation', 'Lịch sử thay đổi của tổ chức', { query: qs('limit', 'offset'), ok: obj('entries:@AuditEntry[] total:i'), errors: [401, 403, 404] }],
    ['POST', '/api/v1/organisations/{id}/merge', T, 'Merge a duplicate into this organisation', 'Gộp tổ chức trùng vào tổ chức này', { body: JSON_BODY(obj('duplicate_id:i'), { duplicate_id: 42 }), ok: ref('Organisation'), errors: [400, 401, 403, 404, 422] }],
    ['GET', '/api/v1/organisations/{id}/editors', T, 'The people who edit an organisation\'s profile', 'Người cập nhật hồ sơ tổ chức', { ok: list('editors', '@OrganisationEditor'), errors: [401, 403] }],
    ['POST', '/api/v1/organisations/{id}/editors', T, 'Make a person an editor of the organisation', 'Giao người cập nhật hồ sơ tổ chức', { body: JSON_BODY(obj('~person_id:i ~login:s'), { login: 'hust.editor' }), ok: list('editors', '@OrganisationEditor'), errors: [400, 401, 403, 404, 422] }],
    ['DELETE', '/api/v1/organisations/{id}/editors/{person_id}', T, 'Remove an editor', 'Thôi giao người cập nhật hồ sơ', { ok: list('editors', '@OrganisationEditor'), errors: [401, 403, 404] }],
    ['GET', '/api/v1/organisations/{id}/changes', T, 'Changes proposed by the organisation\'s editors', 'Các đề nghị sửa hồ sơ', { ok: list('changes', '@OrganisationChange'), errors: [401, 403] }],
    ['POST', '/api/v1/organisations/{id}/changes/{change_id}/approve', T, 'Approve a proposed change: it is applied', 'Duyệt đề nghị sửa hồ sơ', { ok: ref('Organisation'), errors: [401, 403, 404, 409, 422] }],
    ['POST', '/api/v1/organisations/{id}/changes/{change_id}/refuse', T, 'Refuse a proposed change, saying why', 'Từ chối đề nghị sửa hồ sơ', { body: JSON_BODY(obj('reason:s'), { reason: 'Địa chỉ chưa khớp giấy chứng nhận đăng ký' }), ok: ref('Organisation'), errors: [400, 401, 403, 404, 409, 422] }],
  ];
  return {
    schemas,
    routes,
    tags: [[T, 'Organisations of the innovation ecosystem registry']],
  };
}
