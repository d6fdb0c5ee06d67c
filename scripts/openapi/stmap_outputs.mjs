// The OpenAPI description of the research outputs of the S&T map
// (publications and their OpenAlex import, the review of unmatched
// institutions, patents, projects, technology-transfer contracts and
// spin-offs with their templates), merged by ../openapi.mjs (see there for
// the notation of h.obj).
export function describe(h) {
  const { obj, list, ref, q, qs, JSON_BODY } = h;
  const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
  const sheetBody = (example) => ({ required: true, content: { 'text/csv': { schema: { type: 'string' }, example }, [XLSX]: { schema: { type: 'string', contentEncoding: 'binary' } } } });
  const dryRun = q('dry_run', 'string', '1: check and count only, save nothing', { vi: '1: chỉ kiểm tra và đếm, không lưu' });
  const filters = [
    q('organisation_id', 'integer', 'a registry organisation taking part', { vi: 'tổ chức tham gia' }),
    q('unit', 'string', 'the code of a unit: organisations in its subtree (a commune, the city)', { vi: 'mã đơn vị hành chính (phường, xã, thành phố)' }),
    q('unit_id', 'integer', 'the same by id'),
    q('year_from', 'integer', 'from this year', { vi: 'từ năm' }),
    q('year_to', 'integer', 'to this year', { vi: 'đến năm' }),
    q('q', 'string', 'words of the title or name, diacritics ignored', { vi: 'từ trong tên, không phân biệt dấu' }),
  ];
  const schemas = {
    OutputOrg: obj('id:i name:s'),
    OutputAffiliation: obj('institution_id:s? ror:s? name:s country_code:s? type:s? organisation_id:i? organisation_name:s? match:s? unit_id:i?', {
      description: "An institution of an author; organisation_id is the registry organisation it was matched to (match: 'openalex' by OpenAlex id, 'ror', 'manual' a link a registry writer made, 'name' by folded name), null while unmatched.",
    }),
    OutputAuthor: obj('position:i name:s? orcid:s? author_id:s? countries:s is_corresponding:b affiliations:@OutputAffiliation[]'),
    OutputWork: obj('id:i openalex_id:s? doi:s? title:s year:i? type:s? language:s? venue:s? field_id:s? field:s? subfield_id:s? subfield:s? domain_id:s? domain:s? is_oa:b? oa_status:s? cited_by_count:i? fwci:n? percentile:n? is_top10:b? is_top1:b? referenced_works_count:i? n_authors:i? source:s? task_id:i? demo:b? updated_at:s? ~organisations:@OutputOrg[] ~authors:@OutputAuthor[]', {
      description: "A publication. field is OpenAlex's field of its primary topic (ids as OpenAlex's: '17'); in the 2022 schema the level-0 concept ('C41008148'). percentile, is_top10 and is_top1 are OpenAlex's citation_normalized_percentile, fwci OpenAlex's; null when not given.",
    }),
    OutputField: obj('id:s name:s? works:i'),
    OutputInstitution: obj('key:s institution_id:s? ror:s? name:s country_code:s? type:s? works:i', {
      description: "An institution no registry organisation was matched to, with the number of works naming it; key ('openalex:I…', 'ror:…' or 'name:<folded name>') is what a link names.",
    }),
    OutputPatent: obj('id:i kind:s number:s title:s organisation_id:i? owner_name:s unit_id:i? inventors:s ipc:s? filed_on:s? granted_on:s? task_id:i? task_code:s? demo:b'),
    OutputProject: obj('id:i code:s title:s funder:s? budget:n? started_on:s? ends_on:s? organisation_id:i? lead_name:s? unit_id:i? agreement_problem_id:i? task_id:i? task_code:s? demo:b partners:@OutputOrg[]'),
    OutputContract: obj('id:i number:s kind:s title:s seller_id:i? seller_name:s seller_unit_id:i? buyer_id:i? buyer_name:s buyer_unit_id:i? ~value:n? signed_on:s? task_id:i? task_code:s? demo:b', {
      description: 'A technology-transfer contract; value (VND) only for signed-in readers.',
    }),
    OutputSpinoff: obj('id:i name:s parent_id:i parent_name:s unit_id:i? organisation_id:i? organisation_name:s? founded_on:s? field:s? task_id:i? task_code:s? demo:b'),
    OutputsSummary: obj('works:i patents:i utility_solutions:i projects:i contracts:i spinoffs:i unmatched_institutions:i generation:i'),
  };
  schemas.OutputPatent.properties.kind.enum = ['patent', 'utility_solution'];
  schemas.OutputContract.properties.kind.enum = ['transfer', 'licence', 'service', 'joint_development', 'other'];

  const T = 'outputs';
  const kinds = [
    ['patents', 'OutputPatent', 'Patents and utility solutions', 'Bằng sáng chế và giải pháp hữu ích', 'the owner; kind: patent or utility_solution; years of the grant',
      'number,kind,title,owner,inventors,ipc,filed_on,granted_on,task\n1-0012345,patent,Vật liệu nano xử lý nước,Đại học Bách khoa Hà Nội,Nguyễn Văn A; Trần Thị B,C02F 1/28,2022-03-01,2024-05-20,\n', 'patent'],
    ['projects', 'OutputProject', 'Research projects with funder, budget (VND) and partners', 'Đề tài, dự án nghiên cứu', 'the lead or a partner; years of the start',
      'code,title,funder,budget,started_on,ends_on,lead,partners,problem,task\nĐT-2025-01,Trí tuệ nhân tạo chẩn đoán hình ảnh,Sở KH&CN Hà Nội,1500000000,2025-01-01,2026-12-31,Đại học Bách khoa Hà Nội,Bệnh viện Bạch Mai,,\n', null],
    ['contracts', 'OutputContract', 'Technology-transfer contracts; values for signed-in readers only', 'Hợp đồng chuyển giao công nghệ', 'the seller or the buyer; kind: transfer, licence, service, joint_development, other; years of signature',
      'number,kind,title,seller,buyer,value,signed_on,task\nHĐ-CGCN-01/2025,transfer,Chuyển giao quy trình sản xuất,Viện Hàn lâm KH&CN Việt Nam,Công ty Cổ phần ABC,800000000,2025-06-10,\n', 'transfer'],
    ['spinoffs', 'OutputSpinoff', 'Spin-off companies of research organisations', 'Doanh nghiệp spin-off', 'the parent or the company itself; years of foundation',
      'name,parent,organisation,founded_on,field,task\nCông ty TNHH Công nghệ XYZ,Đại học Bách khoa Hà Nội,,2023-09-01,Trí tuệ nhân tạo,\n', null],
  ];
  const routes = [
    ['GET', '/api/v1/outputs/summary', T, 'How many works, patents, utility solutions, projects, contracts, spin-offs and unmatched institutions there are, and the generation of the outputs (moved by every change)', 'Tổng hợp số lượng kết quả KH&CN', { ok: ref('OutputsSummary'), errors: [], public: true }],
    ['GET', '/api/v1/outputs/works', T, 'Publications, newest first, each with the registry organisations it was matched to; "fields" counts the works of the filter by field (without the field filter)', 'Danh sách công bố khoa học', { query: [...filters, q('field', 'string', "an OpenAlex field id ('17')", { vi: 'lĩnh vực' }), ...qs('limit', 'offset', 'format')], ok: list('works', '@OutputWork', 'total:i fields:@OutputField[]'), errors: [422], public: true }],
    ['POST', '/api/v1/outputs/works/import', T, "Import OpenAlex works in JSON Lines (one work per line, the current schema or the 2022 one): affiliations matched to registry organisations by OpenAlex id, ROR, a remembered link, then folded name; a work already imported is replaced, never duplicated; a malformed line is named and nothing is saved (registry writers)", 'Nhập công bố từ OpenAlex (JSON Lines)', { query: [dryRun], body: { required: true, content: { 'application/x-ndjson': { schema: { type: 'string' }, example: '{"id": "https://openalex.org/W1", "title": "…", "publication_year": 2024, "authorships": []}\n' } } }, ok: obj('works:i created:i updated:i authors:i affiliations:i matched:o unmatched:i dry_run:b'), errors: [401, 403, 422] }],
    ['GET', '/api/v1/outputs/works/{id}', T, 'A publication with its authors in order, each with its affiliations and the organisations they were matched to', 'Trang công bố khoa học', { ok: ref('OutputWork'), errors: [404], public: true }],
    ['GET', '/api/v1/outputs/institutions', T, 'Institutions of the publications that no registry organisation was matched to, most works first (signed in)', 'Các cơ quan chưa khớp với tổ chức trong cơ sở dữ liệu', { query: [q('country', 'string', 'a country code such as VN', { vi: 'mã quốc gia' }), q('q', 'string', 'part of the name'), ...qs('limit', 'offset', 'format')], ok: list('institutions', '@OutputInstitution', 'total:i'), errors: [401, 422] }],
    ['POST', '/api/v1/outputs/institutions/link', T, 'Link an institution to a registry organisation: all its affiliations follow, and the link is remembered for the next imports (registry writers)', 'Gắn cơ quan với tổ chức', { body: JSON_BODY(obj('key:s organisation_id:i'), { key: 'openalex:I94518387', organisation_id: 3 }), ok: obj('key:s organisation_id:i affiliations:i'), errors: [400, 401, 403, 404, 422] }],
    ['POST', '/api/v1/outputs/institutions/unlink', T, 'Forget the link of an institution: its affiliations are unmatched again (registry writers)', 'Bỏ gắn cơ quan', { body: JSON_BODY(obj('key:s'), { key: 'openalex:I94518387' }), ok: obj('unlinked:b'), errors: [400, 401, 403, 404, 422] }],
  ];
  for (const [k, schema, en, vi, orgWhat, example, kindExample] of kinds) {
    const kindParam = kindExample ? [q('kind', 'string', 'the kind of record', { vi: 'loại' })] : [];
    routes.push(
      ['GET', `/api/v1/outputs/${k}`, T, `${en}; organisation_id: ${orgWhat}`, vi, { query: [...filters, ...kindParam, ...qs('limit', 'offset', 'format')], ok: list(k, `@${schema}`, 'total:i'), errors: [422], public: true }],
      ['POST', `/api/v1/outputs/${k}/import`, T, `Import ${k} from the CSV or XLSX template (organisations by id or name, tasks by code): a known ${k === 'spinoffs' ? 'name' : k === 'projects' ? 'code' : 'number'} is updated, an identical row left unchanged; every bad row named by line and column, nothing saved if any is (registry writers)`, `Nhập ${vi.toLowerCase()} từ tệp CSV hoặc Excel`, { query: [dryRun], body: sheetBody(example), ok: obj('total:i created:i updated:i unchanged:i dry_run:b'), errors: [401, 403, 422] }],
      ['GET', `/api/v1/outputs/${k}/export`, T, `Every record in the template's columns, as CSV or (format=xlsx) a workbook, which re-imports to no change; template=1: the empty template${k === 'contracts' ? '; values only for signed-in readers' : ''}`, `Xuất ${vi.toLowerCase()} (CSV, Excel) hoặc tải mẫu`, { query: [q('format', 'string', 'csv (default) or xlsx', { vi: 'csv hoặc xlsx', enum: ['csv', 'xlsx'] }), q('template', 'string', '1: the columns only', { vi: '1: chỉ các cột (mẫu)' })], ok: { 'text/csv': { schema: { type: 'string' } }, [XLSX]: { schema: { type: 'string', contentEncoding: 'binary' } } }, errors: [], public: true }],
      ['GET', `/api/v1/outputs/${k}/{id}`, T, `One record of ${k}`, vi, { ok: ref(schema), errors: [404], public: true }],
    );
  }
  return {
    schemas,
    routes,
    tags: [['outputs', 'Research outputs of the S&T map: publications (OpenAlex), patents, projects, contracts, spin-offs']],
  };
}
