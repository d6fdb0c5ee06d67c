// The OpenAPI description of the collaboration networks of the S&T map,
// merged by ../openapi.mjs (see there for the notation of h.obj).
export function describe(h) {
  const { obj, q } = h;
  const schemas = {
    CollaborationNode: obj('id:i ~organisation_id:i label:s ~short_label:s x:n y:n cluster:i weight:n links:n strength:n', {
      description: 'An organisation (an item of imported files): its VOSviewer id (the organisation id for the registry\'s networks), label (its name), short name if it has one, '
        + 'coordinates of the VOS layout (standardised: centred, mean distance 1), cluster (from 1, by decreasing size), weight (works, '
        + 'projects or agreements counted; for imported files their first weight column), number of links and total link strength.',
    }),
    CollaborationLink: obj('source:i target:i strength:n', { description: 'A link between two node ids: how many works (projects, agreements) they share.' }),
    CollaborationQuality: obj('clustering:n? layout:n?', { description: 'CPM quality of the clustering at the resolution (higher is better) and the VOS layout\'s quality function (lower is better).' }),
    CollaborationNetwork: obj('kind:s from:i? to:i? normalisation:s resolution:n weight_name:s nodes:@CollaborationNode[] links:@CollaborationLink[] clusters:i quality:@CollaborationQuality', {
      description: 'A collaboration network between organisations, clustered by the Leiden algorithm and laid out by the VOS layout (both seeded: the same data gives '
        + 'the same picture). Organisations without a link are left out. Without sign-in: published organisations only, agreements in force or expired.',
    }),
  };
  schemas.CollaborationNetwork.properties.kind.enum = ['coauthorship', 'projects', 'agreements'];
  schemas.CollaborationNetwork.properties.normalisation.enum = ['none', 'association', 'fractionalization'];
  const T = 'collaboration';
  const filters = [
    q('kind', 'string', 'coauthorship (works, default), projects (lead and partners) or agreements (parties)', { vi: 'Loại mạng: đồng tác giả, đề tài chung, thỏa thuận', enum: ['coauthorship', 'projects', 'agreements'] }),
    q('from', 'integer', 'First year: of publication, of a project\'s start, of an agreement\'s signing', { vi: 'Từ năm' }),
    q('to', 'integer', 'Last year', { vi: 'Đến năm' }),
    q('normalisation', 'string', 'Of the link strengths before clustering and layout (default association strength)', { vi: 'Chuẩn hóa độ mạnh liên kết', enum: ['none', 'association', 'fractionalization'] }),
    q('resolution', 'number', 'Resolution of the clustering (CPM; default 1): higher gives more, smaller clusters', { vi: 'Độ phân giải của phân cụm' }),
  ];
  const routes = [
    ['GET', '/api/v1/collaboration', T, 'A collaboration network between organisations, clustered and laid out', 'Mạng lưới hợp tác giữa các tổ chức (phân cụm, bố cục)', {
      query: filters, ok: h.ref('CollaborationNetwork'), errors: [422], public: true,
    }],
    ['GET', '/api/v1/collaboration/vosviewer', T, 'The same network as a VOSviewer map or network file', 'Tệp bản đồ hoặc tệp mạng VOSviewer của mạng lưới', {
      query: [q('file', 'string', 'map (id, label, x, y, cluster, weights; default) or network (id1, id2, strength)', { vi: 'Tệp bản đồ hoặc tệp mạng', enum: ['map', 'network'] }), ...filters],
      ok: { 'text/plain': { schema: { type: 'string' }, example: 'id\tlabel\tx\ty\tcluster\tweight<Links>\tweight<Total link strength>\tweight<Documents>\n3\tĐại học Bách khoa Hà Nội\t0.1121\t0.2288\t2\t8\t176\t163\n' } },
      errors: [422], public: true,
    }],
    ['POST', '/api/v1/collaboration/import', T, 'Draw a network from VOSviewer files (analysed, not stored)', 'Vẽ mạng lưới từ tệp VOSviewer (không lưu)', {
      query: filters.slice(3),
      body: { required: true, content: { 'application/json': { schema: obj('~map:s? network:s', { description: 'The texts of a map file (may be absent: the items then come from the network file) and of a network file.' }), example: { map: 'id\tlabel\n1\tHUST\n2\tVNU\n', network: '1\t2\t3\n' } } } },
      ok: h.ref('CollaborationNetwork'), errors: [400, 401, 413, 422],
    }],
  ];
  return { schemas, routes, tags: [[T, 'Collaboration networks between organisations (co-authorship, joint projects, agreements) and VOSviewer files']] };
}
