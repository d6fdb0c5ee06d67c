// The OpenAPI description of the maps' routes (unit boundaries), merged by
// ../openapi.mjs (see there for the notation of h.obj).
export function describe(h) {
  const { obj, q } = h;
  const schemas = {
    MapGeometry: obj('type:s coordinates:any[]', { description: 'A GeoJSON Polygon or MultiPolygon in WGS84 longitude/latitude, 5 decimals.' }),
    MapUnitProperties: obj('id:i code:s? name:s kind:s'),
    MapFeature: obj('type:s id:i properties:@MapUnitProperties geometry:@MapGeometry?', { description: 'A unit as a GeoJSON Feature; its id is the unit id.' }),
    MapUnits: obj('type:s parent:@MapFeature? ~bbox:n[] features:@MapFeature[]', {
      description: 'A GeoJSON FeatureCollection of the active children of a unit that have a boundary, ordered by code, with the unit itself as "parent" '
        + '(its geometry null when it has none; null at the top) and the children\'s bounding box [west, south, east, north] (absent when there are none). '
        + 'Without sign-in: public units only. Served from memory with an ETag (If-None-Match answers 304) and gzip-compressed when the client accepts it.',
    }),
    BoundaryUnmatched: obj('index:i code:s name:s?', { description: 'A feature whose code is no unit\'s: skipped, not an error. index: its place in features, from 0.' }),
    MapOrganisation: obj('id:i name:s short_name:s? kind:s unit_id:i lat:n? lon:n? employees:i?', { description: 'An organisation as a point of a map: lat and lon null when it has none (the map then places it in its commune).' }),
    BoundaryLoad: obj('total:i matched:i unmatched:i dry_run:b unmatched_features:@BoundaryUnmatched[]'),
  };
  schemas.MapGeometry.properties.type.enum = ['Polygon', 'MultiPolygon'];
  schemas.MapUnits.properties.type.enum = ['FeatureCollection'];
  const GEOJSON = {
    required: true,
    content: {
      'application/geo+json': { schema: { type: 'object' }, example: { type: 'FeatureCollection', features: [{ type: 'Feature', properties: { code: '00070', name: 'Phường Hoàn Kiếm' }, geometry: { type: 'Polygon', coordinates: [[[105.845, 21.02], [105.86, 21.02], [105.86, 21.035], [105.845, 21.02]]] } }] } },
      'application/json': { schema: { type: 'object' } },
      'application/gzip': { schema: { type: 'string', contentEncoding: 'binary' } },
    },
  };
  const T = 'maps';
  const routes = [
    ['GET', '/api/v1/map/units', T, 'The children of a unit with their boundaries, as GeoJSON', 'Ranh giới các đơn vị trực thuộc (GeoJSON)', {
      query: [q('parent', 'integer', 'A unit id: its children (the units without a parent when absent)', { vi: 'Đơn vị cha (mặc định: các đơn vị cấp cao nhất)' })],
      ok: h.ref('MapUnits'), errors: [404, 422], public: true,
    }],
    ['GET', '/api/v1/map/organisations', T, 'The organisations of a unit\'s subtree as points of a map', 'Các tổ chức trên bản đồ', {
      query: [
        q('unit', 'integer', 'A unit id: the organisations in its subtree (required)', { vi: 'Đơn vị (gồm cả đơn vị trực thuộc)' }),
        q('kind', 'string', 'One kind of organisation', { vi: 'Loại hình tổ chức' }),
      ],
      ok: h.obj('organisations:@MapOrganisation[] total:i', { description: 'Organisations not merged nor dissolved, by name; without sign-in the published ones only.' }),
      errors: [404, 422], public: true,
    }],
    ['POST', '/api/v1/units/boundaries', T, 'Load boundaries from a GeoJSON FeatureCollection matched by unit code', 'Nạp ranh giới đơn vị từ tệp GeoJSON (khớp theo mã đơn vị)', {
      query: [
        q('dry_run', 'string', '1: check and list the unmatched features, save nothing', { vi: '1: chỉ kiểm tra, không lưu' }),
        q('source', 'string', 'The file\'s name, kept with the boundaries', { vi: 'Tên tệp nguồn' }),
      ],
      body: GEOJSON, ok: h.ref('BoundaryLoad'), errors: [400, 401, 403, 413, 422],
    }],
  ];
  return { schemas, routes, tags: [[T, 'Unit boundaries for the maps: features matched by unit code, served as GeoJSON']] };
}
