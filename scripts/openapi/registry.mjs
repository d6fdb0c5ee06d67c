// The OpenAPI description of the registry's sectors and of the records
// behind a figure computed from the registry, merged by ../openapi.mjs
// (see there for the notation of h.obj).
export function describe(h) {
  const { obj, list, ref, q, JSON_BODY } = h;
  return {
    schemas: {
      Sector: obj('code:s name_vi:s name_en:s strategic:b position:i'),
      RegistryRecord: obj('id:i name:s organisation_id:i organisation:s kind:s unit_id:i unit_code:s? unit_name:s date:s? ~amount:n?'),
      RegistryRecords: obj('indicator:s unit_id:i period:s entity:s measure:s stock:b total:i value:n records:@RegistryRecord[]', {
        description: 'The records a figure computed from the registry counts or adds up, over the unit\'s subtree, for a year.',
      }),
    },
    routes: [
      ['GET', '/api/v1/sectors', 'ecosystem', 'Sectors of the registry (the eight strategic technologies first)', 'Lĩnh vực công nghệ', { ok: list('sectors', '@Sector'), errors: [], public: true }],
      ['POST', '/api/v1/sectors', 'ecosystem', 'Add or change a sector (registry writers)', 'Thêm hoặc sửa lĩnh vực', { body: JSON_BODY(obj('code:s name_vi:s ~name_en:s ~position:i'), { code: 'space_tech', name_vi: 'Công nghệ vũ trụ', name_en: 'Space technology' }), ok: list('sectors', '@Sector'), errors: [400, 401, 403, 422] }],
      ['GET', '/api/v1/indicators/{id}/registry', 'indicators', 'The registry records behind a figure computed from the registry (anyone for a public indicator)', 'Hồ sơ đứng sau một số liệu tính từ cơ sở dữ liệu hệ sinh thái', { query: [q('unit_id', 'integer', 'The unit whose subtree is counted', { vi: 'Đơn vị' }), q('period', 'string', 'A year', { vi: 'Năm' }), q('limit', 'integer')], ok: ref('RegistryRecords'), errors: [401, 404, 422], public: true }],
    ],
    tags: [['ecosystem', 'The innovation ecosystem registry']],
  };
}
