#!/usr/bin/env node
// Writes the research outputs of the demo next to this script:
//   outputs.jsonl  works in OpenAlex's JSON Lines shape between the demo's
//                  Hà Nội organisations (scripts/demo/registry.json) and
//                  some foreign and Vietnamese institutions, a few of them
//                  absent from the registry (the review list);
//   patents.csv, projects.csv, contracts.csv, spinoffs.csv  in the
//                  templates of `nq57 stmap import-sheet`.
// Every work, author, title, figure, patent, project, contract and
// spin-off here is INVENTED for the demo (ids W9…, A9… that OpenAlex does
// not use); only the institutions' OpenAlex ids and RORs are real
// identifiers (HUST, VNU Hanoi, VAST, and a few foreign universities).
// Deterministic: the same files every run.
//   node scripts/demo/outputs.mjs
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const N_WORKS = 320;

let seed = 5719;
function random() {   // mulberry32
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const pick = (list) => list[Math.floor(random() * list.length)];
const between = (lo, hi) => lo + Math.floor(random() * (hi - lo + 1));
const weighted = (pairs) => {
  let r = random() * pairs.reduce((s, [, w]) => s + w, 0);
  for (const [v, w] of pairs) if ((r -= w) < 0) return v;
  return pairs[pairs.length - 1][0];
};

const OA = 'https://openalex.org/';
// Hà Nội institutions as OpenAlex names them; those with an id match the
// registry by it, the companies by their registry name.
const HANOI = [
  [{ id: `${OA}I94518387`, display_name: 'Hanoi University of Science and Technology', country_code: 'VN', type: 'education' }, 10],
  [{ id: `${OA}I177233841`, display_name: 'Vietnam National University, Hanoi', country_code: 'VN', type: 'education' }, 8],
  [{ id: `${OA}I70349855`, display_name: 'Vietnam Academy of Science and Technology', country_code: 'VN', type: 'government' }, 7],
  [{ display_name: 'Công ty Cổ phần Vật liệu Nano Hồng Hà', country_code: 'VN', type: 'company' }, 1],
  [{ display_name: 'Công ty Cổ phần Sinh học Y dược Kim Liên', country_code: 'VN', type: 'company' }, 1],
  [{ display_name: 'Công ty TNHH An toàn Thông tin Thanh Xuân', country_code: 'VN', type: 'company' }, 1],
  [{ display_name: 'Công ty Cổ phần AI Chẩn đoán Hình ảnh Bạch Mai', country_code: 'VN', type: 'company' }, 1],
  [{ display_name: 'Công ty Cổ phần Công nghệ - Viễn thông Elcom', country_code: 'VN', type: 'company' }, 1],
  // not in the demo registry: they wait on the review list
  [{ display_name: 'Posts and Telecommunications Institute of Technology', country_code: 'VN', type: 'education' }, 2],
  [{ display_name: 'Hanoi Medical University', country_code: 'VN', type: 'education' }, 2],
];
const FOREIGN = [
  [{ display_name: 'National University of Singapore', country_code: 'SG', type: 'education' }, 3],
  [{ id: `${OA}I40120149`, ror: 'https://ror.org/052gg0110', display_name: 'University of Oxford', country_code: 'GB', type: 'education' }, 2],
  [{ id: `${OA}I241749`, ror: 'https://ror.org/013meh722', display_name: 'University of Cambridge', country_code: 'GB', type: 'education' }, 2],
  [{ id: `${OA}I161318765`, ror: 'https://ror.org/046rm7j60', display_name: 'University of California, Los Angeles', country_code: 'US', type: 'education' }, 2],
  [{ id: `${OA}I170897317`, ror: 'https://ror.org/00py81415', display_name: 'Duke University', country_code: 'US', type: 'education' }, 1],
  [{ display_name: 'Korea Advanced Institute of Science and Technology', country_code: 'KR', type: 'education' }, 2],
  [{ display_name: 'Tohoku University', country_code: 'JP', type: 'education' }, 2],
];

const FIELDS = [
  { field: ['17', 'Computer Science'], domain: ['3', 'Physical Sciences'], subfields: [['1702', 'Artificial Intelligence'], ['1705', 'Computer Networks and Communications'], ['1710', 'Information Systems']],
    topics: ['deep learning', 'Vietnamese speech recognition', 'federated learning', 'intrusion detection', 'edge computing', 'large language models', 'blockchain traceability'], weight: 5 },
  { field: ['22', 'Engineering'], domain: ['3', 'Physical Sciences'], subfields: [['2208', 'Electrical and Electronic Engineering'], ['2207', 'Control and Systems Engineering']],
    topics: ['industrial robots', 'smart grids', 'IoT sensor networks', 'power converters', 'autonomous vehicles'], weight: 4 },
  { field: ['25', 'Materials Science'], domain: ['3', 'Physical Sciences'], subfields: [['2505', 'Materials Chemistry'], ['2508', 'Surfaces, Coatings and Films']],
    topics: ['nanomaterials for water treatment', 'perovskite solar cells', 'sodium-ion batteries', 'graphene coatings'], weight: 3 },
  { field: ['27', 'Medicine'], domain: ['4', 'Health Sciences'], subfields: [['2741', 'Radiology, Nuclear Medicine and Imaging'], ['2725', 'Infectious Diseases']],
    topics: ['medical image diagnosis', 'dengue surveillance', 'antimicrobial resistance', 'tuberculosis screening'], weight: 3 },
  { field: ['23', 'Environmental Science'], domain: ['3', 'Physical Sciences'], subfields: [['2310', 'Pollution'], ['2312', 'Water Science and Technology']],
    topics: ['air quality in Hanoi', 'Red River water quality', 'urban heat islands', 'microplastics'], weight: 2 },
  { field: ['11', 'Agricultural and Biological Sciences'], domain: ['1', 'Life Sciences'], subfields: [['1102', 'Agronomy and Crop Science']],
    topics: ['rice yield prediction', 'microalgae cultivation', 'plant disease detection'], weight: 2 },
];
const FORMS = ['A study of %s', '%s: a review', 'Towards %s in Vietnam', 'An efficient method for %s', '%s using machine learning',
  'Experimental evaluation of %s', 'On %s for smart cities', 'Improving %s with limited data'];
const SURNAMES = ['Nguyễn', 'Trần', 'Lê', 'Phạm', 'Hoàng', 'Vũ', 'Đặng', 'Bùi', 'Đỗ', 'Ngô'];
const MIDDLE = ['Văn', 'Thị', 'Đức', 'Minh', 'Thu', 'Quốc', 'Thanh', 'Hồng'];
const GIVEN = ['An', 'Bình', 'Châu', 'Dũng', 'Giang', 'Hà', 'Hải', 'Hùng', 'Khoa', 'Lan', 'Linh', 'Long', 'Mai', 'Nam', 'Phong', 'Quân', 'Sơn', 'Trang', 'Tuấn', 'Yến'];
const FOREIGN_NAMES = ['James Smith', 'Emily Chen', 'Kenji Sato', 'Min-jun Kim', 'Sarah Brown', 'Wei Zhang', 'Anna Müller', 'David Lee'];

// A pool of authors, each with a home institution.
const authors = [];
for (let i = 0; i < 180; i++) {
  const home = random() < 0.75 ? weighted(HANOI) : weighted(FOREIGN);
  const vn = home.country_code === 'VN';
  authors.push({ id: `${OA}A9${String(100000000 + i)}`, home,
    name: vn ? `${pick(SURNAMES)} ${pick(MIDDLE)} ${pick(GIVEN)}` : pick(FOREIGN_NAMES) });
}

function work(i) {
  const f = weighted(FIELDS.map((x) => [x, x.weight]));
  const sub = pick(f.subfields);
  const year = between(2019, 2025);
  const n = weighted([[1, 1], [2, 3], [3, 4], [4, 4], [5, 3], [6, 2], [8, 1]]);
  const team = new Set();
  const lead = authors[Math.floor(random() * authors.length)];
  team.add(lead);
  while (team.size < n) {
    // colleagues of the same institution more often than not
    const same = authors.filter((a) => a.home === lead.home);
    team.add(random() < 0.5 && same.length > 1 ? pick(same) : pick(authors));
  }
  const members = [...team];
  const authorships = members.map((a, k) => {
    const insts = [a.home];
    if (random() < 0.1) insts.push(weighted(HANOI));   // a second affiliation
    const countries = [...new Set(insts.map((x) => x.country_code))];
    return { author_position: k === 0 ? 'first' : k === members.length - 1 ? 'last' : 'middle',
      author: { id: a.id, display_name: a.name, orcid: null }, institutions: insts.filter((x, j) => insts.indexOf(x) === j),
      countries, is_corresponding: k === 0, raw_author_name: a.name };
  });
  const percentile = Math.min(0.999, random() ** 0.6);
  const cited = Math.round((2026 - year) * 4 * percentile ** 3 * between(1, 12));
  const oa = random() < 0.45;
  const vi = random() < 0.08;
  const title = vi ? `Nghiên cứu ${pick(f.topics)} tại Hà Nội` : pick(FORMS).replace('%s', pick(f.topics));
  return {
    id: `${OA}W9${String(200000000 + i)}`, doi: null, title: title.charAt(0).toUpperCase() + title.slice(1), display_name: title,
    publication_year: year, publication_date: `${year}-${String(between(1, 12)).padStart(2, '0')}-15`, language: vi ? 'vi' : 'en', type: 'article',
    primary_location: { source: { display_name: pick(['Journal of Science and Technology', 'VNU Journal of Science', 'IEEE Access', 'Scientific Reports', 'Vietnam Journal of Science and Technology']) } },
    open_access: { is_oa: oa, oa_status: oa ? pick(['gold', 'green', 'hybrid', 'diamond']) : 'closed' },
    authorships,
    primary_topic: { display_name: pick(f.topics), subfield: { id: `${OA}subfields/${sub[0]}`, display_name: sub[1] },
      field: { id: `${OA}fields/${f.field[0]}`, display_name: f.field[1] }, domain: { id: `${OA}domains/${f.domain[0]}`, display_name: f.domain[1] } },
    cited_by_count: cited,
    fwci: Math.round(percentile ** 2 * 4 * 1000) / 1000,
    citation_normalized_percentile: { value: Math.round(percentile * 1e6) / 1e6, is_in_top_1_percent: percentile >= 0.99, is_in_top_10_percent: percentile >= 0.9 },
    referenced_works_count: between(10, 60),
    referenced_works: [],
  };
}

const lines = [];
for (let i = 0; i < N_WORKS; i++) lines.push(JSON.stringify(work(i)));
writeFileSync(path.join(here, 'outputs.jsonl'), `${lines.join('\n')}\n`);

// ------------------------------------------------- the templates' tables
const csvCell = (v) => (/[",\n]/.test(String(v)) ? `"${String(v).replace(/"/g, '""')}"` : String(v));
const csv = (head, rows) => `${[head, ...rows].map((r) => r.map(csvCell).join(',')).join('\n')}\n`;
const day = (y) => `${y}-${String(between(1, 12)).padStart(2, '0')}-${String(between(1, 28)).padStart(2, '0')}`;
const HUST = 'Đại học Bách khoa Hà Nội', VNU = 'Đại học Quốc gia Hà Nội', VAST = 'Viện Hàn lâm Khoa học và Công nghệ Việt Nam';
const FIRMS = ['Công ty Cổ phần Vật liệu Nano Hồng Hà', 'Công ty Cổ phần Sinh học Y dược Kim Liên', 'Công ty TNHH An toàn Thông tin Thanh Xuân',
  'Công ty Cổ phần Robot Công nghiệp Lĩnh Nam', 'Công ty TNHH Cảm biến Nông nghiệp Xanh', 'Công ty Cổ phần Năng lượng Sạch Đại Xuyên',
  'Công ty TNHH Dữ liệu Đô thị Cửa Nam', 'Công ty Cổ phần Công nghệ - Viễn thông Elcom'];
const OWNERS = [[HUST, 5], [VNU, 4], [VAST, 4], ...FIRMS.map((f) => [f, 1])];
const PATENT_TOPICS = ['Vật liệu nano hấp phụ asen trong nước ngầm', 'Quy trình sản xuất pin natri-ion', 'Thiết bị cảm biến độ ẩm đất không dây',
  'Hệ thống nhận dạng tiếng nói tiếng Việt', 'Chế phẩm vi tảo xử lý nước thải', 'Robot hàn tự động cho kết cấu thép',
  'Phương pháp mã hóa dữ liệu cho thiết bị IoT', 'Quy trình tách chiết hoạt chất từ dược liệu', 'Lớp phủ graphene chống ăn mòn',
  'Bộ biến đổi điện cho điện mặt trời mái nhà', 'Hệ thống chẩn đoán hình ảnh X-quang phổi', 'Thiết bị lọc không khí dùng ánh sáng UV'];
const IPC = ['C02F 1/28', 'H01M 10/054', 'G01N 27/22', 'G10L 15/00', 'C12N 1/12', 'B23K 37/02', 'H04L 9/08', 'A61K 36/00', 'C09D 5/08', 'H02M 7/48', 'G06T 7/00', 'A61L 9/20'];
const patents = PATENT_TOPICS.flatMap((title, i) => [0, 1].slice(0, 1 + (i % 2)).map((k) => {
  const y = between(2019, 2025);
  const kind = k === 0 && i % 3 !== 2 ? 'patent' : 'utility_solution';
  const inventors = Array.from({ length: between(1, 4) }, () => `${pick(SURNAMES)} ${pick(MIDDLE)} ${pick(GIVEN)}`).join('; ');
  return [`${kind === 'patent' ? 1 : 2}-00${between(10000, 39999)}`, kind, k ? `${title} (cải tiến)` : title, weighted(OWNERS), inventors,
    IPC[i], day(y - 2), day(y), i % 5 === 0 ? 'NV-013' : ''];
}));
writeFileSync(path.join(here, 'patents.csv'), csv(['number', 'kind', 'title', 'owner', 'inventors', 'ipc', 'filed_on', 'granted_on', 'task'], patents));

const PROJECT_TOPICS = ['Trí tuệ nhân tạo hỗ trợ chẩn đoán hình ảnh y tế', 'Bản đồ số chất lượng không khí Hà Nội', 'Pin natri-ion cho xe điện hai bánh',
  'Nền tảng dữ liệu mở đô thị', 'Truy xuất nguồn gốc nông sản bằng chuỗi khối', 'Robot công nghiệp cho doanh nghiệp nhỏ',
  'Vật liệu nano xử lý nước sinh hoạt', 'An toàn thông tin cho hệ thống chính quyền số', 'Vi tảo sản xuất thực phẩm chức năng',
  'Cảm biến giám sát ngập úng đô thị', 'Trợ lý ảo tiếng Việt cho dịch vụ công', 'Lưới điện thông minh khu đô thị mới'];
const FUNDERS = [['Sở Khoa học và Công nghệ Hà Nội', 4], ['Quỹ Phát triển khoa học và công nghệ Quốc gia (NAFOSTED)', 3], ['Bộ Khoa học và Công nghệ', 2], ['Doanh nghiệp đặt hàng', 1]];
const projects = PROJECT_TOPICS.map((title, i) => {
  const y = between(2021, 2025);
  const lead = weighted([[HUST, 4], [VNU, 3], [VAST, 3]]);
  const partners = [...new Set([pick(FIRMS), ...(random() < 0.5 ? [pick([HUST, VNU, VAST].filter((x) => x !== lead))] : [])])].join('; ');
  return [`ĐT-${y}-${String(i + 1).padStart(2, '0')}`, title, weighted(FUNDERS), between(8, 60) * 100000000, `${y}-01-01`, `${y + between(1, 3)}-12-31`,
    lead, partners, '', i % 4 === 0 ? 'NV-002' : ''];
});
writeFileSync(path.join(here, 'projects.csv'), csv(['code', 'title', 'funder', 'budget', 'started_on', 'ends_on', 'lead', 'partners', 'problem', 'task'], projects));

const contracts = Array.from({ length: 12 }, (_, i) => {
  const y = between(2022, 2026);
  const seller = weighted([[HUST, 4], [VNU, 3], [VAST, 3]]);
  return [`HĐ-CGCN-${String(i + 1).padStart(2, '0')}/${y}`, weighted([['transfer', 4], ['licence', 2], ['service', 2], ['joint_development', 1]]),
    `Chuyển giao ${pick(PATENT_TOPICS).toLowerCase()}`, seller, pick(FIRMS), between(2, 40) * 50000000, day(y), i % 3 === 0 ? 'NV-013' : ''];
});
writeFileSync(path.join(here, 'contracts.csv'), csv(['number', 'kind', 'title', 'seller', 'buyer', 'value', 'signed_on', 'task'], contracts));

const spinoffs = [
  ['Công ty TNHH Robot Giáo dục Bách Khoa', HUST, 'Công ty TNHH Robot Giáo dục Bách Khoa', '2022-03-15', 'Tự động hóa, robot', 'NV-012'],
  ['Công ty Cổ phần Pin Natri Việt', HUST, 'Công ty Cổ phần Pin Natri Việt', '2023-06-01', 'Vật liệu mới, năng lượng sạch', 'NV-012'],
  ['Công ty Cổ phần AI Chẩn đoán Hình ảnh Bạch Mai', HUST, 'Công ty Cổ phần AI Chẩn đoán Hình ảnh Bạch Mai', '2021-10-20', 'Trí tuệ nhân tạo', ''],
  ['Công ty TNHH Trợ lý Ảo Tiếng Việt', VNU, 'Công ty TNHH Trợ lý Ảo Tiếng Việt', '2022-09-09', 'Trí tuệ nhân tạo', 'NV-012'],
  ['Công ty Cổ phần Vi tảo Sinh học Hồ Tây', VAST, 'Công ty Cổ phần Vi tảo Sinh học Hồ Tây', '2020-05-12', 'Công nghệ sinh học', ''],
  ['Công ty TNHH Vật liệu Xanh Nghĩa Đô', VAST, '', '2024-02-28', 'Vật liệu mới', ''],
];
writeFileSync(path.join(here, 'spinoffs.csv'), csv(['name', 'parent', 'organisation', 'founded_on', 'field', 'task'], spinoffs));
console.log(`${lines.length} works, ${patents.length} patents, ${projects.length} projects, ${contracts.length} contracts, ${spinoffs.length} spin-offs`);
