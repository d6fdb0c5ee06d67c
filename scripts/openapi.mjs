// Writes src/api/openapi.json, the OpenAPI 3.1 description of /api/v1
// served at GET /api/v1/openapi.json (compiled into the binary) and shown
// at #/api. Edit the routes here next to a change of src/api/api.c's route
// table, then run: node scripts/openapi.mjs
// tests/api/openapi.test.mjs checks that every route of the table is here
// and that the API's answers match the schemas.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as organisations from './openapi/organisations.mjs';
import * as networks from './openapi/networks.mjs';
import * as agreements from './openapi/agreements.mjs';
import * as registry from './openapi/registry.mjs';
import * as stmapOutputs from './openapi/stmap_outputs.mjs';
import * as stmapIndicators from './openapi/stmap_indicators.mjs';
import * as stmapMaps from './openapi/stmap_maps.mjs';
import * as stmapNetwork from './openapi/stmap_network.mjs';
import * as market from './openapi/market.mjs';
import * as marketMatch from './openapi/market_match.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

// ---------------------------------------------------------------- schemas
// A compact notation for object schemas: "id:i name:s note:s? unit:@Unit
// tags:s[] ~limit:i" — i integer, n number, s string, b boolean, o object,
// any anything; @Name a component, [] an array of it; "?" after the type:
// may be null or absent; "~" before the name: may be absent.
const TYPES = { i: { type: 'integer' }, n: { type: 'number' }, s: { type: 'string' }, b: { type: 'boolean' }, o: { type: 'object' }, any: {} };

function typeOf(t) {
  const many = t.endsWith('[]');
  const base = many ? t.slice(0, -2) : t;
  const one = base.startsWith('@') ? { $ref: `#/components/schemas/${base.slice(1)}` } : { ...TYPES[base] };
  if (!base.startsWith('@') && !TYPES[base]) throw new Error(`unknown type ${t}`);
  return many ? { type: 'array', items: one } : one;
}

function nullable(s) {
  if (s.$ref) return { anyOf: [s, { type: 'null' }] };
  if (!s.type) return s;
  return { ...s, type: [s.type, 'null'] };
}

export function obj(spec, extra = {}) {
  const properties = {}, required = [];
  for (const field of spec.trim().split(/\s+/).filter(Boolean)) {
    let [name, t] = field.split(':');
    const optional = name.startsWith('~');
    if (optional) name = name.slice(1);
    const maybe = t.endsWith('?');
    if (maybe) t = t.slice(0, -1);
    properties[name] = maybe ? nullable(typeOf(t)) : typeOf(t);
    if (!optional && !maybe) required.push(name);
  }
  return { type: 'object', properties, ...(required.length ? { required } : {}), ...extra };
}
const list = (key, item, more = '') => obj(`${key}:${item}[] ${more}`);
const ref = (name) => ({ $ref: `#/components/schemas/${name}` });
const STATUS = ['draft', 'submitted', 'approved', 'returned'];

const schemas = {
  ErrorText: obj('template:s params:any[]', { description: 'A message as its English template and parameters, for a client to say in its own language; a parameter may itself be such an object.' }),
  Error: obj('error:@ErrorBody', { description: 'The one error shape of the API (not of DHIS2 import summaries).' }),
  Health: obj('status:s version:s database:s schema_version:i uptime_seconds:n'),
  Period: obj('code:s kind:s year:i start:s end:s label_vi:s label_en:s'),
  Session: obj('person:@PersonRef? grants:@SessionGrant[] ~organisations:i[] ~registry_writer:b ~must_change_password:b csrf_token:s?'),
  PersonRef: obj('id:i login:s name:s'),
  SessionGrant: obj('role:s unit_id:i unit_code:s? unit_name:s'),
  Token: obj('id:i name:s ~created_at:s ~expires_at:s? ~last_used_at:s?'),
  AuditEntry: obj('seq:i at:s person_id:i? actor:s? action:s entity:s entity_id:s? before:any? after:any? hash:s'),
  AuditVerify: obj('ok:b entries:i head:s? head_seq:i first_bad:any?'),
  Unit: obj('id:i code:s? name:s kind:s parent_id:i? parent_code:s? path:s depth:i active:b public:b ~n_children:i'),
  UnitRef: obj('id:i code:s? name:s ~kind:s'),
  Grant: obj('id:i role:s unit_id:i unit_code:s? unit_name:s'),
  Person: obj('id:i login:s name:s email:s? active:b created_at:s must_change_password:b grants:@Grant[]'),
  Document: obj('id:i number:s kind:s title:s issued_on:s? issuer:s? basis_id:i? basis_number:s?'),
  Objective: obj('id:i code:s kind:s title:s'),
  TaskCounts: obj('done_on_time:i done_late:i open_overdue:i open_due_soon:i open_in_time:i'),
  DocumentNode: obj('id:i number:s kind:s title:s counts:@TaskCounts tasks_total:i children:@DocumentNode[]'),
  Indicator: obj('id:i code:s name_vi:s name_en:s? measure:s? direction:s aggregation:s weight_code:s? formula:s? objective_id:i? owner_unit_id:i? baseline_value:n? baseline_year:i? public:b derived:b ~report_kinds:s[]? ~completeness_threshold:n ~registry:o?'),
  TemplateRow: obj('indicator_code:s indicator_name:s indicator_name_en:s? measure:s? unit_code:s unit_name:s period:s value:n? note:s? status:s? deadline:s? previous_value:n? previous_status:s? target:n? target_period:s?'),
  Template: obj('unit:@UnitRef period:s period_label:s period_label_en:s previous_period:s? previous_label:s? previous_label_en:s? deadline:s? values:@TemplateRow[]'),
  Target: obj('unit_id:i unit_code:s? period:s value:n'),
  ValueCan: obj('edit:b submit:b approve:b return:b'),
  HistoryEntry: obj('at:s by:s? action:s status:s value:n? reason:s?'),
  Attachment: obj('id:i name:s type:s size:i ~sha256:s'),
  DataValue: obj('dataElement:s period:s orgUnit:s value:s ~storedBy:s ~lastUpdated:s ~comment:s ~followup:b ~status:s'),
  DataValueSet: obj('dataValues:@DataValue[]'),
  DataValueSetIn: obj('~dataSet:s ~completeDate:s ~period:s ~orgUnit:s dataValues:@DataValueIn[]'),
  DataValueIn: obj('dataElement:s ~period:s ~orgUnit:s ~categoryOptionCombo:s ~attributeOptionCombo:s value:any ~comment:s', { description: 'value: text as DHIS2 writes it ("98.5"); a JSON number is read as its text.' }),
  ImportConflict: obj('object:s value:s errorCode:s property:s indexes:i[] ~objects:o ~row:i ~template:s ~params:any[]'),
  ImportSummary: obj('responseType:s status:s importOptions:o description:s importCount:@ImportCount conflicts:@ImportConflict[]', {
    description: "DHIS2's import summary: 200 with status SUCCESS or WARNING (atomicMode NONE with conflicts), 409 with status ERROR (nothing saved).",
  }),
  ImportCount: obj('imported:i updated:i ignored:i deleted:i'),
  ImportResult: obj('created:i updated:i ~ignored:i ~skipped:i total:i dry_run:b'),
  Task: obj('id:i code:s title:s deadline:s? lead_unit_id:i? progress:n status:s colour:s'),
  TaskReport: obj('id:i at:s progress:n'),
  Dashboard: obj('as_of:s data_seq:i unit:@UnitRef', { description: 'Every dashboard answer carries the moment and state of the data it used.' }),
  IndexSummary: obj('code:s version:i name:s created_at:s'),
  IndexRun: obj('id:i code:s version:i source:s period:s? status:s progress:i error:s? error_detail:o? created_at:s finished_at:s? created_by:i? ~results:o?'),
  UncertaintyJob: obj('id:i run_id:i code:s version:i spec:o status:s progress:n error:s? created_at:s finished_at:s? ~result:o?'),
  ReportJob: obj('id:i kind:s document_number:s period:s final:b status:s progress:n error:s? as_of:s? tasks_as_of:s? created_at:s finished_at:s? data_seq:i? files:o[]'),
  InboxItem: obj('key:s kind:s at:s read:b link:s?'),
  Rule: obj('id:i? kind:s hard:b name_vi:s name_en:s ~min:n? ~max:n? ~percent:n? ~left:s? ~op:s? ~right:s? ~unit_code:s? ~unit_name:s?'),
  Rules: obj('indicator_id:i code:s measure:s? defaults:b rules:@Rule[]'),
  Violation: obj('template:s params:any[] message:s rule:i? kind:s hard:b name_vi:s name_en:s'),
  Reminder: obj('unit_code:s? unit_name:s task_id:i task_code:s title:s kind:s deadline:s'),
};
// Schemas whose fields carry enums or alternatives.
schemas.ErrorBody = obj('code:s message:s ~template:s ~params:any[] details:o[] request_id:s');
schemas.ErrorBody.properties.code.enum = ['not_found', 'invalid', 'conflict', 'forbidden', 'unauthorized', 'too_large', 'unavailable',
  'out_of_memory', 'method_not_allowed', 'malformed', 'too_many_requests', 'insufficient_storage', 'internal'];
schemas.ErrorBody.properties.params.items = { oneOf: [{ type: 'string' }, ref('ErrorText')] };
schemas.Value = obj('id:i indicator_id:i indicator_code:s indicator_name:s unit_id:i unit_code:s? unit_name:s period:s value:n? note:s? status:s reason:s? deadline:s submitted_at:s? late:b updated_at:s measure:s? ~can:@ValueCan ~history:@HistoryEntry[] ~evidence:@Attachment[]');
schemas.Value.properties.status.enum = STATUS;
schemas.Attachment = obj('id:i name:s type:s size:i ~sha256:s ~entity:s ~entity_id:i');
schemas.ImportSummary.properties.status.enum = ['SUCCESS', 'WARNING', 'ERROR'];

// ---------------------------------------------------------------- routes

const P = {
  limit: { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1 }, description: 'At most this many items (lists).', 'x-description-vi': 'Số mục tối đa' },
  offset: { name: 'offset', in: 'query', schema: { type: 'integer', minimum: 0 } },
  format: { name: 'format', in: 'query', schema: { type: 'string', enum: ['json', 'xlsx'] }, description: 'xlsx: the list as a workbook with Vietnamese column titles.', 'x-description-vi': 'xlsx: danh sách dạng bảng tính Excel, tiêu đề cột tiếng Việt' },
};
// A query parameter; extra.vi is its description in Vietnamese.
const q = (name, type = 'string', description, { vi, ...extra } = {}) => ({
  name, in: 'query', schema: { type, ...extra }, ...(description ? { description } : {}), ...(vi ? { 'x-description-vi': vi } : {}),
});
const qs = (...names) => names.map((n) => (typeof n === 'string' ? (P[n] || q(n)) : n));

// Error answers a route may give, by status: the one error shape.
const ERRORS = {
  400: 'The body is not valid JSON (malformed).',
  401: 'Not signed in (unauthorized).',
  403: 'Signed in without the right, or the CSRF header is missing (forbidden).',
  404: 'No such resource (not_found).',
  409: 'The state does not allow it (conflict).',
  413: 'The body is larger than the limit (too_large).',
  422: 'A rule of the input is broken; template and params say which (invalid).',
  429: 'Too many attempts; wait Retry-After seconds (too_many_requests).',
};

const JSON_BODY = (schema, example) => ({ required: true, content: { 'application/json': { schema, ...(example ? { example } : {}) } } });
const FILE = (type) => ({ content: { [type]: { schema: { type: 'string', contentEncoding: 'binary' } } } });
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

// [method, path, tag, summary (en), summary (vi), options]
// options: query (parameter list), body (request body), ok (schema of the
// 200/201 answer or a content map), status (the success status),
// errors (statuses of the error shape), public (no sign-in needed).
const R = [
  ['GET', '/api/v1/health', 'system', 'Health of the server and, with db=1, of the database', 'Tình trạng máy chủ và cơ sở dữ liệu', { query: qs(q('db', 'string', '1: also ask the database', { vi: '1: hỏi cả cơ sở dữ liệu' })), ok: ref('Health'), errors: [503], public: true }],
  ['GET', '/api/v1/openapi.json', 'system', 'This description (OpenAPI 3.1)', 'Bản mô tả API này (OpenAPI 3.1)', { ok: obj('openapi:s info:o paths:o components:o'), errors: [], public: true }],
  ['GET', '/api/v1/periods/{code}', 'system', 'A reporting period: kind, dates, labels', 'Kỳ báo cáo: loại, ngày bắt đầu, kết thúc, tên gọi', { ok: ref('Period'), errors: [400, 404, 422], public: true }],
  ['POST', '/api/v1/periods/resolve', 'system', 'Read many periods as officials write them', 'Đọc nhiều kỳ báo cáo theo cách viết thông thường', { body: JSON_BODY(obj('codes:s[]'), { codes: ['Quý 3/2026', '2026S1'] }), ok: obj('periods:@Period[] total:i'), errors: [400, 422], public: true }],

  ['GET', '/api/v1/session', 'session', 'Who is signed in', 'Người đang đăng nhập', { ok: ref('Session'), errors: [401], public: true }],
  ['POST', '/api/v1/session', 'session', 'Sign in (sets the session cookie; no CSRF header)', 'Đăng nhập', { body: JSON_BODY(obj('login:s password:s'), { login: 'lan', password: '…' }), ok: ref('Session'), errors: [400, 401, 422, 429], public: true }],
  ['DELETE', '/api/v1/session', 'session', 'Sign out', 'Đăng xuất', { ok: obj('signed_out:b'), status: 200, errors: [403], public: true }],
  ['POST', '/api/v1/session/password', 'session', 'Change one\'s own password', 'Đổi mật khẩu của mình', { body: JSON_BODY(obj('current_password:s new_password:s')), ok: obj('password_changed:b'), errors: [400, 401, 403, 422] }],
  ['GET', '/api/v1/tokens', 'session', 'One\'s API tokens', 'Các khóa API của mình', { ok: list('tokens', '@Token'), errors: [401] }],
  ['POST', '/api/v1/tokens', 'session', 'Create an API token (shown once)', 'Tạo khóa API (chỉ hiện một lần)', { body: JSON_BODY(obj('name:s ~expires_in_days:i'), { name: 'kho dữ liệu', expires_in_days: 90 }), ok: obj('id:i name:s token:s prefix:s created_at:s expires_at:s?'), status: 201, errors: [400, 401, 403, 422] }],
  ['DELETE', '/api/v1/tokens/{id}', 'session', 'Revoke an API token', 'Thu hồi khóa API', { ok: obj('revoked:b'), errors: [401, 403, 404] }],

  ['GET', '/api/v1/audit', 'audit', 'The audit trail, newest first', 'Nhật ký thay đổi', { query: qs('entity', 'entity_id', q('person_id', 'integer'), 'limit', 'offset'), ok: list('entries', '@AuditEntry', 'total:i'), errors: [401, 403, 422] }],
  ['GET', '/api/v1/audit/verify', 'audit', 'Walk the audit trail\'s hash chain', 'Kiểm tra chuỗi băm của nhật ký', { ok: ref('AuditVerify'), errors: [401, 403] }],

  ['GET', '/api/v1/units', 'units', 'Units (search, subtree, children, kind)', 'Danh sách đơn vị', { query: qs('q', q('under', 'integer'), q('parent_id', 'string', 'an id, or "root"', { vi: 'mã số đơn vị, hoặc "root"' }), 'kind', q('active', 'string', '1 or 0', { vi: '1 hoặc 0' }), 'limit', 'offset', 'format'), ok: list('units', '@Unit', 'total:i'), errors: [422], public: true }],
  ['POST', '/api/v1/units', 'units', 'Create a unit', 'Tạo đơn vị', { body: JSON_BODY(obj('code:s name:s kind:s ~parent_id:i ~parent_code:s'), { code: '00004-TDP1', name: 'Tổ dân phố số 1', kind: 'other', parent_code: '00004' }), ok: ref('Unit'), status: 201, errors: [400, 401, 403, 409, 422] }],
  ['GET', '/api/v1/units/export', 'units', 'Units as CSV (code,name,parent_code,kind)', 'Xuất danh sách đơn vị (CSV)', { ok: { 'text/csv': { schema: { type: 'string' } } }, errors: [401, 403] }],
  ['POST', '/api/v1/units/import', 'units', 'Import units from CSV, all or nothing', 'Nhập đơn vị từ tệp CSV', { body: { required: true, content: { 'text/csv': { schema: { type: 'string' }, example: 'code,name,parent_code,kind\n00004-TDP1,Tổ dân phố số 1,00004,other\n' } } }, ok: obj('created:i updated:i total:i'), errors: [401, 403, 422, 507] }],
  ['GET', '/api/v1/units/{id}', 'units', 'A unit with its ancestors and history', 'Thông tin đơn vị', { ok: ref('Unit'), errors: [404], public: true }],
  ['PATCH', '/api/v1/units/{id}', 'units', 'Change or move a unit', 'Sửa hoặc chuyển đơn vị', { body: JSON_BODY(obj('~code:s ~name:s ~kind:s ~parent_id:i ~parent_code:s ~active:b ~public:b')), ok: ref('Unit'), errors: [400, 401, 403, 404, 409, 422] }],

  ['GET', '/api/v1/people', 'people', 'People and their roles', 'Người dùng và vai trò', { query: qs('q', q('unit_id', 'integer'), 'limit', 'offset', 'format'), ok: list('people', '@Person', 'total:i'), errors: [401, 403] }],
  ['POST', '/api/v1/people', 'people', 'Add a person', 'Thêm người dùng', { body: JSON_BODY(obj('login:s name:s password:s ~email:s ~grants:o[]'), { login: 'lan', name: 'Nguyễn Thị Lan', password: '…', grants: [{ role: 'officer', unit_id: 13 }] }), ok: ref('Person'), status: 201, errors: [400, 401, 403, 409, 422] }],
  ['GET', '/api/v1/people/{id}', 'people', 'A person', 'Thông tin người dùng', { ok: ref('Person'), errors: [401, 403, 404] }],
  ['PATCH', '/api/v1/people/{id}', 'people', 'Change a person (name, email, active)', 'Sửa thông tin người dùng', { body: JSON_BODY(obj('~name:s ~email:s ~active:b')), ok: ref('Person'), errors: [400, 401, 403, 404, 409, 422] }],
  ['POST', '/api/v1/people/{id}/grants', 'people', 'Grant a role on a unit', 'Giao vai trò tại đơn vị', { body: JSON_BODY(obj('role:s unit_id:i'), { role: 'viewer', unit_id: 1 }), ok: ref('Person'), status: 201, errors: [400, 401, 403, 404, 409, 422] }],
  ['DELETE', '/api/v1/people/{id}/grants/{grant_id}', 'people', 'Revoke a role', 'Thu hồi vai trò', { ok: ref('Person'), errors: [401, 403, 404, 409] }],
  ['POST', '/api/v1/people/{id}/password', 'people', 'Set a new password, to be changed at the next sign-in', 'Đặt lại mật khẩu', { body: JSON_BODY(obj('password:s')), ok: ref('Person'), errors: [400, 401, 403, 404, 409, 422] }],

  ['GET', '/api/v1/documents', 'programme', 'Documents of the programme', 'Văn bản của chương trình', { query: qs('q', 'limit', 'offset', 'format'), ok: list('documents', '@Document', 'total:i'), errors: [422], public: true }],
  ['POST', '/api/v1/documents', 'programme', 'Add a document with its objectives', 'Thêm văn bản', { body: JSON_BODY(obj('number:s kind:s title:s ~issued_on:s ~issuer:s ~basis_number:s ~objectives:o[]'), { number: '12/KH-UBND', kind: 'plan', title: 'Kế hoạch …', issued_on: '2026-01-15', basis_number: '57-NQ/TW' }), ok: ref('Document'), status: 201, errors: [400, 401, 403, 409, 422] }],
  ['GET', '/api/v1/documents/tree', 'programme', 'Every document as a tree with task progress', 'Cây văn bản và tiến độ', { ok: obj('roots:@DocumentNode[]'), errors: [], public: true }],
  ['GET', '/api/v1/documents/{id}', 'programme', 'A document\'s page: chain, objectives, task groups, counts', 'Trang văn bản', { ok: obj('id:i number:s title:s chain:@Document[] objectives:@Objective[] counts:@TaskCounts'), errors: [404], public: true }],
  ['PATCH', '/api/v1/documents/{id}', 'programme', 'Change a document', 'Sửa văn bản', { body: JSON_BODY(obj('~number:s ~kind:s ~title:s ~issued_on:s ~issuer:s ~basis_number:s')), ok: ref('Document'), errors: [400, 401, 403, 404, 409, 422] }],

  ['GET', '/api/v1/indicators', 'indicators', 'Indicators', 'Chỉ tiêu', { query: qs('q', q('document_id', 'integer'), 'limit', 'offset', 'format'), ok: list('indicators', '@Indicator', 'total:i'), errors: [422], public: true }],
  ['POST', '/api/v1/indicators', 'indicators', 'Define an indicator', 'Thêm chỉ tiêu', { body: JSON_BODY(obj('code:s name_vi:s direction:s aggregation:s ~name_en:s ~measure:s ~formula:s ~weight_code:s ~document_number:s ~objective_code:s ~owner_unit_code:s ~baseline_value:n ~baseline_year:i ~public:b ~targets:o[] ~report_kinds:s[] ~registry:o'), { code: '5G-PHU', name_vi: 'Tỷ lệ phủ sóng 5G', measure: '%', direction: 'up', aggregation: 'mean' }), ok: ref('Indicator'), status: 201, errors: [400, 401, 403, 409, 422] }],
  ['GET', '/api/v1/indicators/{id}', 'indicators', 'An indicator with its targets', 'Thông tin chỉ tiêu', { ok: { allOf: [ref('Indicator'), obj('targets:@Target[]')] }, errors: [404], public: true }],
  ['PUT', '/api/v1/indicators/{id}/targets', 'indicators', 'Replace an indicator\'s targets', 'Đặt chỉ tiêu kế hoạch', { body: JSON_BODY({ type: 'array', items: obj('period:s value:n ~unit_code:s ~unit_id:i') }, [{ period: '2026', value: 100 }]), ok: ref('Indicator'), errors: [400, 401, 403, 404, 422] }],
  ['PUT', '/api/v1/indicators/{id}/reporting', 'indicators', 'Which kinds of unit report the indicator', 'Loại đơn vị báo cáo chỉ tiêu', { body: JSON_BODY(obj('~report_kinds:s[]? ~completeness_threshold:n'), { report_kinds: ['commune'], completeness_threshold: 90 }), ok: ref('Indicator'), errors: [400, 401, 403, 404, 422] }],
  ['GET', '/api/v1/indicators/{id}/rules', 'indicators', "The plausibility rules an indicator's values must meet", 'Quy tắc kiểm tra số liệu của chỉ tiêu', { ok: ref('Rules'), errors: [401, 404] }],
  ['PUT', '/api/v1/indicators/{id}/rules', 'indicators', "Replace an indicator's rules (null: the defaults)", 'Đặt quy tắc kiểm tra số liệu', { body: JSON_BODY(obj('rules:o[]?'), { rules: [{ kind: 'bounds', hard: true, min: 0, max: 100 }, { kind: 'jump', hard: false, percent: 50 }] }), ok: ref('Rules'), errors: [400, 401, 403, 404, 422] }],

  ['GET', '/api/v1/values', 'values', 'Reported values the caller may read', 'Số liệu báo cáo', { query: qs(q('indicator_id', 'integer'), q('unit_id', 'integer'), 'period', q('status', 'string', undefined, { enum: STATUS }), q('mine', 'string', '1: units the caller reports for', { vi: '1: chỉ các đơn vị người gọi báo cáo' }), 'limit', 'offset', 'format'), ok: list('values', '@Value'), errors: [422], public: true }],
  ['PUT', '/api/v1/values', 'values', 'Save a draft value', 'Lưu số liệu (nháp)', { body: JSON_BODY(obj('indicator_code:s unit_code:s period:s value:n ~note:s'), { indicator_code: '5G-PHU', unit_code: '00004', period: '2026Q3', value: 98, note: 'Theo báo cáo của Viettel' }), ok: ref('Value'), errors: [400, 401, 403, 409, 422] }],
  ['POST', '/api/v1/values/check', 'values', 'Check a value against its rules, saving nothing', 'Kiểm tra số liệu trước khi lưu', { body: JSON_BODY(obj('indicator_code:s unit_code:s period:s value:n'), { indicator_code: '5G-PHU', unit_code: '00004', period: '2026Q3', value: 98 }), ok: obj('ok:b hard:@Violation[] soft:@Violation[]'), errors: [400, 401, 403, 422] }],
  ['GET', '/api/v1/values/grid', 'values', "A unit's data-entry grid for a period", 'Bảng nhập số liệu của đơn vị theo kỳ', { query: qs(q('unit_id', 'integer', 'The unit', { vi: 'Đơn vị' }), 'period'), ok: obj('unit:@UnitRef period:s deadline:s can_edit:b rows:o[]'), errors: [401, 403, 404, 422] }],
  ['GET', '/api/v1/validation', 'values', "Stored values that break their indicator's rules, over a subtree", 'Số liệu vi phạm quy tắc kiểm tra', { query: qs(q('unit_id', 'integer'), 'from', 'to', 'limit'), ok: obj('unit:@UnitRef from:s? to:s? total:i violations:@Violation[]'), errors: [401, 403, 404, 422] }],
  ['GET', '/api/v1/values/export', 'values', 'Values as our CSV or XLSX template', 'Xuất số liệu (CSV, XLSX)', { query: qs(q('format', 'string', undefined, { enum: ['csv', 'xlsx'] }), 'period', 'status', q('indicator_id', 'integer'), q('unit_id', 'integer')), ok: { 'text/csv': { schema: { type: 'string' } }, [XLSX]: FILE(XLSX).content[XLSX] }, errors: [422], public: true }],
  ['GET', '/api/v1/values/template', 'values', 'The template a unit fills in for a period', 'Mẫu báo cáo của đơn vị theo kỳ', { query: qs(q('unit_id', 'integer'), q('unit_code', 'string'), 'period', q('format', 'string', undefined, { enum: ['csv', 'xlsx', 'json'] }), q('lang', 'string', undefined, { enum: ['vi', 'en'] })), ok: { [XLSX]: FILE(XLSX).content[XLSX], 'text/csv': { schema: { type: 'string' } }, 'application/json': { schema: ref('Template') } }, errors: [401, 403, 404, 422] }],
  ['POST', '/api/v1/values/import', 'values', 'Import our CSV or XLSX template, all or nothing', 'Nhập số liệu từ tệp CSV, XLSX', { query: qs(q('dry_run', 'string', '1: check and count only', { vi: '1: chỉ kiểm tra và đếm, không lưu' })), body: { required: true, content: { 'text/csv': { schema: { type: 'string' }, example: 'indicator_code,unit_code,period,value,note\n5G-PHU,00004,2026Q3,98,\n' }, [XLSX]: FILE(XLSX).content[XLSX] } }, ok: ref('ImportResult'), errors: [401, 403, 413, 422, 507] }],
  ['GET', '/api/v1/dataValueSets', 'dhis2', "DHIS2 dataValueSets with DHIS2's parameters (JSON, or CSV)", 'Trao đổi số liệu với DHIS2 (đọc)', {
    query: [
      q('dataSet', 'string', 'A document number or an objective code: its indicators. Repeatable.', { vi: 'Số hiệu văn bản hoặc mã mục tiêu: các chỉ tiêu của nó. Lặp lại được.' }),
      q('dataElement', 'string', 'An indicator in dataElementIdScheme. Repeatable.', { vi: 'Chỉ tiêu, theo dataElementIdScheme. Lặp lại được.' }),
      q('orgUnit', 'string', 'A unit in orgUnitIdScheme. Repeatable.', { vi: 'Đơn vị, theo orgUnitIdScheme. Lặp lại được.' }),
      q('children', 'boolean', "true: the org units' whole subtrees", { vi: 'true: cả các đơn vị trực thuộc' }),
      q('period', 'string', 'A period id: 2026, 2026S1, 2026Q3, 202609, 2026M9. Repeatable.', { vi: 'Kỳ báo cáo: 2026, 2026S1, 2026Q3, 202609, 2026M9. Lặp lại được.' }),
      q('startDate', 'string', 'YYYY-MM-DD: periods starting on or after', { vi: 'YYYY-MM-DD: các kỳ bắt đầu từ ngày này', format: 'date' }),
      q('endDate', 'string', 'YYYY-MM-DD: periods ending on or before', { vi: 'YYYY-MM-DD: các kỳ kết thúc trước hoặc vào ngày này', format: 'date' }),
      q('lastUpdated', 'string', 'Values changed at or after this ISO date or time', { vi: 'Số liệu thay đổi từ ngày hoặc thời điểm này (ISO)' }),
      q('idScheme', 'string', 'CODE (default), UID or ID (our ids), NAME', { vi: 'CODE (mặc định), UID hoặc ID (mã số của nq57), NAME (tên)', enum: ['CODE', 'UID', 'ID', 'NAME'] }),
      q('dataElementIdScheme', 'string', undefined, { enum: ['CODE', 'UID', 'ID', 'NAME'] }),
      q('orgUnitIdScheme', 'string', undefined, { enum: ['CODE', 'UID', 'ID', 'NAME'] }),
      q('includeDeleted', 'boolean', 'Accepted and ignored: deleted values are not kept', { vi: 'Được nhận và bỏ qua: số liệu đã xóa không được lưu lại' }),
      q('status', 'string', 'Ours: draft, submitted, approved, returned', { vi: 'Trạng thái: draft (nháp), submitted (đã gửi), approved (đã duyệt), returned (bị trả lại)', enum: STATUS }),
      q('format', 'string', "csv: DHIS2's CSV columns (also with Accept: application/csv)", { vi: 'csv: các cột CSV của DHIS2 (cũng với Accept: application/csv)', enum: ['json', 'csv'] }),
    ],
    ok: { 'application/json': { schema: ref('DataValueSet') }, 'application/csv': { schema: { type: 'string' } } }, errors: [422], public: true,
  }],
  ['POST', '/api/v1/dataValueSets', 'dhis2', "Import a DHIS2 dataValueSet (JSON or CSV); answers DHIS2's import summary", 'Trao đổi số liệu với DHIS2 (nhập)', {
    query: [
      q('importStrategy', 'string', 'DELETE deletes drafts only', { vi: 'DELETE chỉ xóa số liệu nháp', enum: ['CREATE_AND_UPDATE', 'CREATE', 'UPDATE', 'DELETE'] }),
      q('atomicMode', 'string', 'ALL (default): one conflict and nothing is saved; NONE: the other rows are saved', { vi: 'ALL (mặc định): một dòng lỗi thì không lưu gì; NONE: lưu các dòng hợp lệ', enum: ['ALL', 'NONE'] }),
      q('dryRun', 'boolean', 'Check and count, save nothing', { vi: 'Chỉ kiểm tra và đếm, không lưu' }),
      q('idScheme', 'string', undefined, { enum: ['CODE', 'UID', 'ID', 'NAME'] }),
      q('dataElementIdScheme', 'string', undefined, { enum: ['CODE', 'UID', 'ID', 'NAME'] }),
      q('orgUnitIdScheme', 'string', undefined, { enum: ['CODE', 'UID', 'ID', 'NAME'] }),
    ],
    body: { required: true, content: {
      'application/json': { schema: ref('DataValueSetIn'), example: { dataSet: 'MT3', period: '2026Q3', orgUnit: '00004', dataValues: [{ dataElement: '5G-PHU', value: '98', comment: 'Quý III' }] } },
      'application/csv': { schema: { type: 'string' }, example: 'dataelement,period,orgunit,catoptcombo,attroptcombo,value,storedby,lastupdated,comment,followup\n5G-PHU,2026Q3,00004,,,98,,,,false\n' },
    } },
    ok: ref('ImportSummary'), conflict: ref('ImportSummary'), errors: [400, 401, 403, 422, 507],
  }],
  ['POST', '/api/v1/values/submit', 'values', "Submit a unit's drafts of a period, or a selection", 'Gửi số liệu của đơn vị theo kỳ', { body: JSON_BODY(obj('~ids:i[] ~unit_code:s ~unit_id:i ~period:s'), { unit_code: '00004', period: '2026Q3' }), ok: obj('count:i values:@Value[]'), errors: [400, 401, 403, 409, 422] }],
  ['POST', '/api/v1/values/approve', 'values', 'Approve a selection of submitted values', 'Duyệt nhiều số liệu', { body: JSON_BODY(obj('ids:i[]'), { ids: [12, 13] }), ok: obj('count:i values:@Value[]'), errors: [400, 401, 403, 409, 422] }],
  ['GET', '/api/v1/approvals', 'values', "The reviewer's queue of submitted values", 'Số liệu chờ duyệt', { query: qs('limit', 'offset', 'format'), ok: obj('total:i values:o[]'), errors: [401, 403] }],
  ['GET', '/api/v1/approvals/count', 'values', "The size of the reviewer's queue", 'Số việc chờ duyệt', { ok: obj('values:i tasks:i total:i'), errors: [401] }],
  ['GET', '/api/v1/values/{id}', 'values', 'A value with its history and evidence', 'Chi tiết số liệu', { ok: ref('Value'), errors: [401, 403, 404], public: true }],
  ['POST', '/api/v1/values/{id}/submit', 'values', 'Submit a value', 'Gửi số liệu', { ok: ref('Value'), errors: [401, 403, 404, 409] }],
  ['POST', '/api/v1/values/{id}/approve', 'values', 'Approve a value', 'Duyệt số liệu', { ok: ref('Value'), errors: [401, 403, 404, 409] }],
  ['POST', '/api/v1/values/{id}/return', 'values', 'Return a value with a reason', 'Trả lại số liệu', { body: JSON_BODY(obj('reason:s'), { reason: 'Thiếu minh chứng' }), ok: ref('Value'), errors: [400, 401, 403, 404, 409, 422] }],

  ['POST', '/api/v1/attachments', 'evidence', "Upload evidence for a value or a task report, an agreement's file or an organisation's logo", 'Tải lên minh chứng', { query: qs(q('entity', 'string', undefined, { enum: ['indicator_value', 'task_report', 'agreement', 'organisation_logo'] }), q('entity_id', 'integer'), 'name'), body: FILE('application/octet-stream'), ok: ref('Attachment'), status: 201, errors: [401, 403, 404, 413, 422, 507] }],
  ['GET', '/api/v1/attachments/{id}', 'evidence', 'Download evidence (inline=1 to view PDF and images)', 'Tải về minh chứng', { query: qs(q('inline', 'string')), ok: { 'application/octet-stream': { schema: { type: 'string', contentEncoding: 'binary' } } }, errors: [401, 403, 404] }],

  ['GET', '/api/v1/rollup', 'dashboards', "An indicator's live roll-up over a unit's subtree", 'Tổng hợp số liệu theo đơn vị', { query: qs('indicator', q('indicator_id', 'integer'), 'periods', 'from', 'to', q('unit_id', 'integer'), 'by'), ok: { allOf: [ref('Dashboard'), obj('indicator:o values:o[]')] }, errors: [404, 422], public: true }],
  ['GET', '/api/v1/dashboard', 'dashboards', 'The overview: indicator tiles, task counts, units ranked', 'Bảng điều hành tổng quan', { query: qs(q('document_id', 'integer'), 'period', q('unit_id', 'integer'), 'format'), ok: { allOf: [ref('Dashboard'), obj('period:s? indicators:o[]')] }, errors: [404, 422], public: true }],
  ['GET', '/api/v1/dashboard/indicators/{id}', 'dashboards', "An indicator's page: series, targets, forecast, map", 'Trang chỉ tiêu trên bảng điều hành', { query: qs(q('document_id', 'integer'), 'period', q('unit_id', 'integer'), 'kind', 'format'), ok: { allOf: [ref('Dashboard'), obj('indicator:o series:o[]')] }, errors: [404, 422], public: true }],
  ['GET', '/api/v1/dashboard/units/{id}', 'dashboards', "A unit's scorecard", 'Bảng điểm của đơn vị', { query: qs(q('document_id', 'integer'), 'period', 'format'), ok: ref('Dashboard'), errors: [401, 404, 422] }],
  ['GET', '/api/v1/completeness', 'dashboards', "Who has reported an indicator for a period, by child unit", 'Tình hình báo cáo của các đơn vị', { query: qs('indicator', q('indicator_id', 'integer'), 'period', q('unit_id', 'integer'), 'format'), ok: obj('indicator:o unit:o period:s total:o children:o[] missing:o[]'), errors: [401, 404, 422] }],
  ['GET', '/api/v1/reminders', 'reports', 'Deadline reminders of the day', 'Nhắc hạn trong ngày', { ok: obj('day:s reminders:@Reminder[]'), errors: [401] }],
  ['GET', '/api/v1/inbox', 'inbox', "The person's inbox", 'Hộp thư công việc', { query: qs('limit', 'offset'), ok: obj('items:@InboxItem[] unread:i total:i limit:i offset:i'), errors: [401, 422] }],
  ['POST', '/api/v1/inbox/read', 'inbox', 'Mark items (or all) read', 'Đánh dấu đã đọc', { body: JSON_BODY(obj('~keys:s[] ~all:b'), { all: true }), ok: obj('marked:i unread:i'), errors: [400, 401, 422] }],

  ['GET', '/api/v1/indices', 'indices', 'Composite index definitions', 'Chỉ số tổng hợp', { ok: list('indices', '@IndexSummary'), errors: [401] }],
  ['POST', '/api/v1/indices', 'indices', 'Save a definition as a new version', 'Lưu định nghĩa chỉ số', { body: JSON_BODY(obj('code:s name:s nodes:o[] ~options:o')), ok: obj('id:i code:s version:i name:s'), status: 201, errors: [400, 401, 403, 422] }],
  ['GET', '/api/v1/indices/{code}', 'indices', 'An index with its definition and versions', 'Thông tin chỉ số', { query: qs(q('version', 'integer')), ok: obj('id:i code:s version:i name:s definition:o versions:i[]'), errors: [401, 404] }],
  ['GET', '/api/v1/indices/{code}/definition', 'indices', "An index's definition", 'Định nghĩa chỉ số', { query: qs(q('version', 'integer')), ok: obj('code:s name:s nodes:o[]'), errors: [401, 404] }],
  ['GET', '/api/v1/indices/{code}/runs', 'indices', "An index's runs", 'Các lần tính chỉ số', { ok: list('runs', '@IndexRun'), errors: [401, 404] }],
  ['POST', '/api/v1/indices/{code}/runs', 'indices', 'Queue a run of an index over approved values of a period, or over a CSV table (text/csv, at most 50,000 units and 16 MB); at most 2 runs queued or running per person', 'Tính chỉ số', { body: JSON_BODY(obj('period:s ~kind:s ~unit_id:i'), { period: '2025', kind: 'commune' }), ok: ref('IndexRun'), status: 202, errors: [400, 401, 403, 404, 413, 422, 429] }],
  ['GET', '/api/v1/index-runs/{id}', 'indices', 'A run: ranking and scores', 'Kết quả tính chỉ số', { query: qs('format'), ok: ref('IndexRun'), errors: [401, 404] }],
  ['GET', '/api/v1/index-runs/{id}/input', 'indices', "A run's input table", 'Dữ liệu đầu vào của lần tính', { ok: { type: 'object' }, errors: [401, 404] }],
  ['POST', '/api/v1/index-runs/{id}/cancel', 'indices', 'Cancel a queued or running index run one started', 'Huỷ lần tính chỉ số', { ok: ref('IndexRun'), errors: [401, 403, 404, 409] }],
  ['GET', '/api/v1/index-runs/{id}/uncertainty', 'indices', "A run's uncertainty analyses", 'Các phân tích độ bất định', { ok: list('jobs', '@UncertaintyJob'), errors: [401, 404] }],
  ['POST', '/api/v1/index-runs/{id}/uncertainty', 'indices', 'Queue an uncertainty analysis of a run', 'Phân tích độ bất định', { body: JSON_BODY(obj('~seed:i ~runs:i ~spread:n ~normalisations:s[] ~aggregations:s[] ~imputations:s[] ~sensitivity:b'), { runs: 1000, spread: 0.25 }), ok: ref('UncertaintyJob'), status: 202, errors: [400, 401, 403, 404, 422] }],
  ['GET', '/api/v1/index-uncertainty/{id}', 'indices', "An analysis' progress and results", 'Kết quả phân tích độ bất định', { query: qs('format'), ok: ref('UncertaintyJob'), errors: [401, 404] }],

  ['GET', '/api/v1/reports', 'reports', 'Review reports made', 'Báo cáo sơ kết, tổng kết', { query: qs('limit', 'offset'), ok: list('reports', '@ReportJob', 'total:i'), errors: [401, 422] }],
  ['POST', '/api/v1/reports', 'reports', 'Queue a review report for a document and period', 'Lập báo cáo sơ kết, tổng kết', { body: JSON_BODY(obj('document:s period:s ~final:b ~as_of:s'), { document: '43/KH-UBND', period: '2025' }), ok: ref('ReportJob'), status: 202, errors: [400, 401, 403, 404, 422] }],
  ['GET', '/api/v1/reports/{id}', 'reports', "A report's progress and files", 'Tiến độ và tệp của báo cáo', { ok: ref('ReportJob'), errors: [401, 404] }],
  ['GET', '/api/v1/reports/{id}/{format}', 'reports', 'Download a report file (html, json, docx, xlsx)', 'Tải báo cáo', { ok: { 'application/json': { schema: { type: 'object' } }, 'text/html': { schema: { type: 'string' } }, 'application/octet-stream': { schema: { type: 'string', contentEncoding: 'binary' } } }, errors: [401, 404, 409] }],

  ['GET', '/api/v1/tasks', 'tasks', 'Tasks with derived status', 'Nhiệm vụ', { query: qs(q('document_id', 'integer'), q('unit_id', 'integer'), 'status', 'q', 'as_of', 'limit', 'offset', 'format'), ok: list('tasks', '@Task', 'total:i counts:@TaskCounts'), errors: [401, 422] }],
  ['POST', '/api/v1/tasks', 'tasks', 'Assign a task', 'Giao nhiệm vụ', { body: JSON_BODY(obj('code:s title:s ~lead_unit_code:s ~lead_unit_id:i ~supporting_unit_codes:s[] ~document_number:s ~objective_code:s ~product:s ~deadline:s ~recurrence:s'), { code: 'NV-201', title: 'Xây dựng …', lead_unit_code: 'HN-SYT', deadline: '2026-12-31' }), ok: ref('Task'), status: 201, errors: [400, 401, 403, 409, 422] }],
  ['GET', '/api/v1/tasks/{id}', 'tasks', "A task's page: reports, comments, extensions", 'Trang nhiệm vụ', { ok: ref('Task'), errors: [401, 404] }],
  ['POST', '/api/v1/tasks/{id}/reports', 'tasks', 'Report progress (complete: a completion request)', 'Báo cáo tiến độ nhiệm vụ', { body: JSON_BODY(obj('progress:i ~text:s ~unit_code:s ~complete:b ~period:s'), { progress: 60, text: 'Đã hoàn thành khảo sát' }), ok: ref('Task'), status: 201, errors: [400, 401, 403, 404, 409, 422] }],
  ['POST', '/api/v1/tasks/{id}/reports/{report_id}/approve', 'tasks', 'Approve a progress report', 'Duyệt báo cáo tiến độ', { ok: ref('Task'), errors: [401, 403, 404, 409] }],
  ['POST', '/api/v1/tasks/{id}/reports/{report_id}/return', 'tasks', 'Return a progress report with a reason', 'Trả lại báo cáo tiến độ', { body: JSON_BODY(obj('reason:s')), ok: ref('Task'), errors: [400, 401, 403, 404, 409, 422] }],
  ['POST', '/api/v1/tasks/{id}/comments', 'tasks', 'Comment on a task', 'Trao đổi về nhiệm vụ', { body: JSON_BODY(obj('text:s'), { text: 'Đề nghị bổ sung minh chứng' }), ok: ref('Task'), status: 201, errors: [400, 401, 403, 404, 422] }],
  ['POST', '/api/v1/tasks/{id}/extensions', 'tasks', 'Ask for a later deadline', 'Đề nghị gia hạn', { body: JSON_BODY(obj('proposed_deadline:s reason:s'), { proposed_deadline: '2027-03-31', reason: 'Chờ kinh phí' }), ok: ref('Task'), status: 201, errors: [400, 401, 403, 404, 409, 422] }],
  ['POST', '/api/v1/tasks/{id}/extensions/{extension_id}/approve', 'tasks', 'Grant an extension', 'Đồng ý gia hạn', { body: JSON_BODY(obj('~reason:s')), ok: ref('Task'), errors: [400, 401, 403, 404, 409, 422] }],
  ['POST', '/api/v1/tasks/{id}/extensions/{extension_id}/refuse', 'tasks', 'Refuse an extension', 'Từ chối gia hạn', { body: JSON_BODY(obj('~reason:s')), ok: ref('Task'), errors: [400, 401, 403, 404, 409, 422] }],
];

// Capabilities that describe their routes in scripts/openapi/<name>.mjs:
// each exports describe(h) returning { schemas, routes, tags } in the
// notation above (h holds obj, list, ref, q, qs and JSON_BODY).
const EXTRA_TAGS = [];
for (const m of [organisations, networks, agreements, registry, stmapOutputs, stmapIndicators, stmapMaps, stmapNetwork, market, marketMatch]) {
  const d = m.describe({ obj, list, ref, q, qs, JSON_BODY });
  Object.assign(schemas, d.schemas || {});
  R.push(...(d.routes || []));
  EXTRA_TAGS.push(...(d.tags || []));
}

// DHIS2 clients name the format in the path too: dataValueSets.json and
// dataValueSets.csv take the same parameters and bodies.
for (const method of ['GET', 'POST']) {
  const [, , tag, summary, summaryVi, o] = R.find((r) => r[0] === method && r[1] === '/api/v1/dataValueSets');
  const at = R.findIndex((r) => r[0] === method && r[1] === '/api/v1/dataValueSets');
  R.splice(at + 1, 0,
    [method, '/api/v1/dataValueSets.json', tag, `${summary} — JSON`, `${summaryVi} — JSON`, method === 'GET'
      ? { ...o, query: o.query.filter((x) => x.name !== 'format'), ok: ref('DataValueSet') }
      : { ...o, body: { required: true, content: { 'application/json': o.body.content['application/json'] } } }],
    [method, '/api/v1/dataValueSets.csv', tag, `${summary} — CSV`, `${summaryVi} — CSV`, method === 'GET'
      ? { ...o, query: o.query.filter((x) => x.name !== 'format'), ok: { 'application/csv': { schema: { type: 'string' } } } }
      : { ...o, body: { required: true, content: { 'application/csv': o.body.content['application/csv'] } } }]);
}

const TAGS = [
  ['system', 'Health, periods and this description'], ['session', 'Signing in, passwords, API tokens'], ['audit', 'The audit trail'],
  ['units', 'Organisation units'], ['people', 'People and roles'], ['programme', 'Documents and objectives'],
  ['indicators', 'Indicators and targets'], ['values', 'Reported values and their review'], ['dhis2', "DHIS2's dataValueSets"],
  ['evidence', 'Evidence files'], ['dashboards', 'Live roll-ups and dashboards'], ['tasks', 'Tasks and progress reports'],
  ['reports', 'Review reports and reminders'], ['inbox', 'Inbox'], ['indices', 'Composite indices'],
  ...EXTRA_TAGS,
];

function errorResponses() {
  const out = {};
  const body = { 'application/json': { schema: ref('Error') } };
  for (const [s, description] of Object.entries({ ...ERRORS, 500: 'Internal error; the request id names it in the server log.', 503: 'The database cannot be reached, or the server is busy (unavailable).', 507: 'The disk is full; nothing was saved (insufficient_storage).' }))
    out[`E${s}`] = { description, content: body };
  out.Error = { description: 'Any other error, in the one error shape', content: body };
  return out;
}

function pathParams(p) {
  return [...p.matchAll(/\{(\w+)\}/g)].map(([, name]) => ({ name, in: 'path', required: true, schema: name === 'code' || name === 'format' ? { type: 'string' } : { type: 'integer', minimum: 1 } }));
}

function content(ok) {
  if (ok && !ok.type && !ok.$ref && !ok.allOf && !ok.anyOf) return ok;   // already a content map
  return { 'application/json': { schema: ok } };
}

function operation([method, p, tag, summary, summaryVi, o]) {
  const op = { tags: [tag], summary, 'x-summary-vi': summaryVi, operationId: `${method.toLowerCase()}${p.replace('/api/v1', '').replace(/\{(\w+)\}/g, 'By_$1').replace(/[^A-Za-z0-9_]+(.)?/g, (_, c) => (c ? c.toUpperCase() : ''))}` };
  const params = [...pathParams(p), ...(o.query || [])];
  if (params.length) op.parameters = params;
  if (o.body) op.requestBody = o.body;
  const responses = { [String(o.status || 200)]: { description: 'Success', content: content(o.ok) } };
  if (o.conflict) responses['409'] = { description: "DHIS2's import summary with status ERROR: conflicts, nothing saved", content: { 'application/json': { schema: o.conflict } } };
  const errors = new Set(o.errors || []);
  if (method !== 'GET' && !o.public) errors.add(403);   // the CSRF header
  errors.add(500);
  for (const s of [...errors].sort()) {
    if (!responses[String(s)]) responses[String(s)] = { $ref: `#/components/responses/E${s}` };
  }
  responses.default = { $ref: '#/components/responses/Error' };
  op.responses = responses;
  if (o.public) op.security = [{}, { session: [] }, { bearer: [] }];
  return op;
}

export function build() {
  const paths = {};
  for (const r of R) {
    const [method, p] = r;
    (paths[p] ||= {})[method.toLowerCase()] = operation(r);
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'nq57 API',
      version: '1',
      summary: 'Following Resolution 57-NQ/TW: units, people, documents, indicators, values, tasks, dashboards, indices, reports.',
      description: 'JSON in and out, UTF-8. Errors have one shape (components/schemas/Error): code, message, and the message\'s template and params for a client to say it in its own language; details list the rows or fields at fault. '
        + 'Writes signed in by the session cookie repeat the session\'s csrf_token in the X-CSRF-Token header; API tokens (Authorization: Bearer) need none. '
        + "Lists take limit and offset; most export as a workbook with format=xlsx. /api/v1/dataValueSets speaks DHIS2's parameters and import summaries.",
    },
    servers: [{ url: '/' }],
    tags: TAGS.map(([name, description]) => ({ name, description })),
    security: [{ session: [] }, { bearer: [] }],
    paths,
    components: {
      schemas,
      responses: errorResponses(),
      securitySchemes: {
        session: { type: 'apiKey', in: 'cookie', name: 'nq57_session', description: 'POST /api/v1/session sets it; writes also send X-CSRF-Token.' },
        bearer: { type: 'http', scheme: 'bearer', description: 'An API token from POST /api/v1/tokens.' },
      },
    },
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const out = path.join(root, 'src', 'api', 'openapi.json');
  writeFileSync(out, `${JSON.stringify(build(), null, 1)}\n`);
  console.log(`wrote ${path.relative(root, out)}: ${R.length} operations`);
}
