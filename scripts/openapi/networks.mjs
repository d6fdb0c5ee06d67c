// The OpenAPI description of the ecosystem registry's networks routes, merged
// by ../openapi.mjs (see there for the notation of h.obj).
export function describe(h) {
  const { obj, list, ref, q, qs, JSON_BODY } = h;   // eslint-disable-line no-unused-vars
  const schemas = {
    NetworkOrgRef: obj('id:i name:s?'),
    Network: obj('id:i code:s name:s description:s? coordinator:@NetworkOrgRef? launched_on:s? public:b n_members:i n_resources:i'),
    NetworkMember: obj('organisation_id:i name:s kind:s role:s joined_on:s? left_on:s? n_resources:i'),
    ResourceOrg: obj('id:i name:s kind:s'),
    Resource: obj('id:i organisation:@ResourceOrg organisation_id:i network_code:s? network_name:s? kind:s name:s description:s? booking:s capacity:i? capacity_unit:s? conditions:s? price_model:s price:s? opens:s closes:s active:b ~can_manage:b'),
    BookingResource: obj('id:i name:s kind:s booking:s organisation_id:i organisation_name:s network_code:s?'),
    Booking: obj('id:i reference:s resource:@BookingResource organisation_id:i? requester_name:s contact_name:s contact_email:s? contact_phone:s? sector:s? purpose:s? starts_at:s ends_at:s hours:i? days:i? status:s reason:s? used_hours:n? requested_at:s decided_at:s? public_request:b', {
      description: 'A request for a shared resource: starts_at and ends_at (exclusive) are YYYY-MM-DDTHH:MM in Viet Nam\'s time for resources booked by the hour, YYYY-MM-DD for those booked by the day.',
    }),
    BusyTime: obj('starts_at:s ends_at:s status:s', { description: 'A time held by a request or booking, without who holds it.' }),
    BusyDay: obj('day:s taken:i', { description: 'Places taken on a day (resources booked by the day).' }),
    Calendar: obj('resource_id:i booking:s capacity:i opens:s closes:s from:s to:s busy:@BusyTime[] days:@BusyDay[] ~bookings:@Booking[]'),
    UsageMember: obj('organisation_id:i name:s hours_used:n bookings:i firms:i hours_by_sector:o firms_by_sector:o'),
    UsageReport: obj('network:o month:s from:s to:s by_member:@UsageMember[] total:@UsageTotal sectors:o[]'),
    UsageTotal: obj('hours_used:n bookings:i firms:i'),
  };
  schemas.Resource.properties.kind.enum = ['space', 'lab', 'equipment', 'hosting', 'service'];
  schemas.Resource.properties.booking.enum = ['slot', 'period'];
  schemas.Resource.properties.price_model.enum = ['free', 'subsidised', 'paid'];
  schemas.Booking.properties.status.enum = ['requested', 'approved', 'refused', 'cancelled', 'used'];

  const NetworkDetail = { allOf: [ref('Network'), obj('members:@NetworkMember[] resources:@Resource[]')] };
  const networkBody = obj('code:s name:s ~description:s ~coordinator_id:i? ~launched_on:s ~public:b');
  const resourceBody = obj('organisation_id:i kind:s name:s price_model:s ~network_code:s ~booking:s ~capacity:i? ~capacity_unit:s ~conditions:s ~price:s ~opens:s ~closes:s ~description:s ~active:b');
  const resourceFilter = [q('network', 'string', 'Network code', { vi: 'Mã mạng lưới' }), q('organisation', 'integer', 'Organisation id', { vi: 'Tổ chức cung cấp' }),
    q('kind', 'string', 'space, lab, equipment, hosting or service', { vi: 'Loại tài nguyên' }), q('q', 'string', 'Words of the name, with or without marks', { vi: 'Từ trong tên' })];
  const reason = JSON_BODY(obj('~reason:s'), { reason: 'Phòng thí nghiệm bảo trì thiết bị tuần này' });
  const CSV = { required: true, content: { 'text/csv': { schema: { type: 'string' }, example: 'organisation_id,network_code,kind,name,booking,capacity,price_model,price\n12,hihub,lab,Phòng thí nghiệm IoT,slot,6,subsidised,100.000 đ/giờ\n' }, 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': { schema: { type: 'string', contentEncoding: 'binary' } } } };
  const routes = [
    ['GET', '/api/v1/networks', 'networks', 'Networks of innovation centres', 'Mạng lưới đổi mới sáng tạo', { ok: list('networks', '@Network', 'total:i'), errors: [], public: true }],
    ['POST', '/api/v1/networks', 'networks', 'Add a network', 'Thêm mạng lưới', { body: JSON_BODY(networkBody, { code: 'hihub', name: 'Mạng lưới trung tâm đổi mới sáng tạo Hà Nội (HiHUB)', launched_on: '2025-12-25' }), ok: NetworkDetail, status: 201, errors: [400, 401, 403, 409, 422] }],
    ['GET', '/api/v1/networks/{code}', 'networks', 'A network with its members and shared resources', 'Mạng lưới, thành viên và tài nguyên dùng chung', { ok: NetworkDetail, errors: [404], public: true }],
    ['PATCH', '/api/v1/networks/{code}', 'networks', 'Change a network', 'Sửa mạng lưới', { body: JSON_BODY(obj('~name:s ~description:s? ~coordinator_id:i? ~launched_on:s? ~public:b')), ok: NetworkDetail, errors: [400, 401, 403, 404, 422] }],
    ['POST', '/api/v1/networks/{code}/members', 'networks', 'Add a member, or change a membership', 'Thêm hoặc sửa thành viên mạng lưới', { body: JSON_BODY(obj('organisation_id:i ~role:s ~joined_on:s? ~left_on:s?'), { organisation_id: 12, role: 'member', joined_on: '2025-12-25' }), ok: NetworkDetail, status: 201, errors: [400, 401, 403, 404, 422] }],
    ['DELETE', '/api/v1/networks/{code}/members/{organisation_id}', 'networks', 'Remove a member', 'Đưa tổ chức ra khỏi mạng lưới', { ok: NetworkDetail, errors: [401, 403, 404] }],
    ['GET', '/api/v1/networks/{code}/usage', 'networks', 'Monthly use of the shared resources per member: hours, bookings, firms, by sector', 'Báo cáo sử dụng tài nguyên dùng chung theo tháng', { query: qs(q('month', 'string', 'YYYY-MM (this month when absent)', { vi: 'Tháng, dạng 2026-11' }), 'format'), ok: ref('UsageReport'), errors: [401, 404, 422] }],
    ['GET', '/api/v1/resources', 'networks', 'Shared resources', 'Tài nguyên dùng chung', { query: qs(...resourceFilter, 'limit', 'offset', 'format'), ok: list('resources', '@Resource', 'total:i'), errors: [422], public: true }],
    ['POST', '/api/v1/resources', 'networks', 'Offer a resource (the organisation\'s editors, the registry\'s writers)', 'Thêm tài nguyên dùng chung', { body: JSON_BODY(resourceBody, { organisation_id: 12, network_code: 'hihub', kind: 'lab', name: 'Phòng thí nghiệm IoT', capacity: 6, price_model: 'subsidised', price: '100.000 đ/giờ', opens: '08:00', closes: '17:00' }), ok: ref('Resource'), status: 201, errors: [400, 401, 403, 422] }],
    ['GET', '/api/v1/resources/export', 'networks', 'Resources as CSV, in the columns import reads', 'Xuất danh sách tài nguyên (CSV)', { query: qs(...resourceFilter), ok: { 'text/csv': { schema: { type: 'string' } } }, errors: [422], public: true }],
    ['POST', '/api/v1/resources/import', 'networks', 'Import resources from CSV or XLSX, all or nothing (a row with an id changes that resource; a bad row is named by its line, or its sheet row in a workbook)', 'Nhập tài nguyên từ tệp CSV hoặc Excel', { query: qs(q('dry_run', 'string', '1: check only, save nothing', { vi: '1: chỉ kiểm tra' })), body: CSV, ok: obj('created:i updated:i total:i dry_run:b'), errors: [401, 403, 422] }],
    ['GET', '/api/v1/resources/{id}', 'networks', 'A shared resource', 'Tài nguyên dùng chung', { ok: ref('Resource'), errors: [404], public: true }],
    ['PATCH', '/api/v1/resources/{id}', 'networks', 'Change a resource', 'Sửa tài nguyên dùng chung', { body: JSON_BODY(obj('~organisation_id:i ~network_code:s? ~kind:s ~name:s ~booking:s ~capacity:i? ~capacity_unit:s? ~conditions:s? ~price_model:s ~price:s? ~opens:s ~closes:s ~description:s? ~active:b')), ok: ref('Resource'), errors: [400, 401, 403, 404, 409, 422] }],
    ['GET', '/api/v1/resources/{id}/calendar', 'networks', 'A resource\'s busy times between two days (the provider also sees the requests)', 'Lịch bận của tài nguyên', { query: qs(q('from', 'string', 'First day, YYYY-MM-DD (today)', { vi: 'Từ ngày' }), q('to', 'string', 'Last day, YYYY-MM-DD (a week on)', { vi: 'Đến ngày' })), ok: ref('Calendar'), errors: [404, 422], public: true }],
    ['POST', '/api/v1/resources/{id}/bookings', 'networks', 'Request a resource (anyone; a signed-in session sends its CSRF header)', 'Gửi yêu cầu sử dụng tài nguyên', { body: JSON_BODY(obj('requester_name:s contact_name:s ~contact_email:s ~contact_phone:s ~sector:s ~purpose:s ~organisation_id:i ~day:s ~from:s ~to:s ~first_day:s ~last_day:s'), { requester_name: 'Công ty CP Công nghệ Sao Khuê', contact_name: 'Nguyễn Minh Anh', contact_email: 'anh@saokhue.vn', sector: 'iot', purpose: 'Đo thử mạch cảm biến', day: '2026-12-15', from: '09:00', to: '11:00' }), ok: ref('Booking'), status: 201, errors: [400, 403, 404, 409, 422], public: true }],
    ['GET', '/api/v1/bookings', 'networks', 'Requests for the resources one provides', 'Yêu cầu sử dụng tài nguyên của đơn vị mình', { query: qs(q('status', 'string', 'requested, approved, refused, cancelled or used', { vi: 'Trạng thái' }), q('resource', 'integer', 'Resource id', { vi: 'Tài nguyên' }), q('network', 'string', 'Network code', { vi: 'Mạng lưới' }), 'limit', 'offset', 'format'), ok: list('bookings', '@Booking', 'total:i'), errors: [401, 403, 422] }],
    ['POST', '/api/v1/bookings/{id}/approve', 'networks', 'Approve a request (the provider)', 'Duyệt yêu cầu', { body: reason, ok: ref('Booking'), errors: [400, 401, 403, 404, 409, 422] }],
    ['POST', '/api/v1/bookings/{id}/refuse', 'networks', 'Refuse a request with a reason (the provider); its time is freed', 'Từ chối yêu cầu (nêu lý do)', { body: reason, ok: ref('Booking'), errors: [400, 401, 403, 404, 409, 422] }],
    ['POST', '/api/v1/bookings/{id}/cancel', 'networks', 'Cancel a request or booking (the provider or the person who asked); its time is freed', 'Hủy yêu cầu hoặc lịch đã duyệt', { body: reason, ok: ref('Booking'), errors: [400, 401, 403, 404, 409, 422] }],
    ['POST', '/api/v1/bookings/{id}/usage', 'networks', 'Record the hours actually used (the provider)', 'Ghi nhận số giờ sử dụng thực tế', { body: JSON_BODY(obj('~used_hours:n'), { used_hours: 2 }), ok: ref('Booking'), errors: [400, 401, 403, 404, 409, 422] }],
  ];
  return {
    schemas,
    routes,
    tags: [['networks', 'Networks of innovation centres, shared resources, bookings and their use']],
  };
}
