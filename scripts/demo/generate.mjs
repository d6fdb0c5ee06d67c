#!/usr/bin/env node
// Invents the demo's moving parts — clearly marked as demo data — on top
// of the authored programme (programme.json) and units (units.csv):
//   programme.json the authored programme with about 150 more tasks for
//                 the city's departments and its phường/xã, due across
//                 2025–2026, some recurring every quarter, and every task
//                 with a history of progress reports and completion
//                 requests up to REFERENCE_DAY;
//   approved.csv  quarterly indicator values 2025Q1–2026Q2, loaded as
//                 approved figures;
//   drafts.csv    2026Q3 values that units have saved but not submitted.
// Deterministic: the same files every run.
//   node scripts/demo/generate.mjs OUT_DIR
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const out = process.argv[2];
if (!out) {
  console.error('usage: node scripts/demo/generate.mjs OUT_DIR');
  process.exit(2);
}
mkdirSync(out, { recursive: true });

const REFERENCE_DAY = '2026-11-15';
const DEMO = 'Số liệu minh hoạ (demo)';

// A small seeded generator (mulberry32) so every run invents the same.
let seed = 57;
function random() {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const pick = (list) => list[Math.floor(random() * list.length)];
const between = (lo, hi) => lo + Math.floor(random() * (hi - lo + 1));

const DAY = 86400000;
const toDays = (iso) => Math.floor(Date.parse(`${iso.slice(0, 10)}T00:00:00Z`) / DAY);
const fromDays = (n) => new Date(n * DAY).toISOString().slice(0, 10);
const at = (days, hour = 9) => `${fromDays(days)}T${String(hour).padStart(2, '0')}:00:00Z`;
const reference = toDays(REFERENCE_DAY);

const units = readFileSync(path.join(here, 'units.csv'), 'utf8').trim().split('\n').slice(1).map((l) => {
  const [code, name, parent, kind] = l.split(',');
  return { code, name, parent, kind };
});
const departments = units.filter((u) => u.kind === 'department');
const communes = units.filter((u) => u.kind === 'commune');

// ------------------------------------------------------------------ tasks

const communeThemes = [
  ['Triển khai nền tảng số dùng chung cấp xã tại', 'HN-SKHCN', 'Văn bản, hệ thống được đưa vào sử dụng'],
  ['Phổ cập kỹ năng số cho người dân và cán bộ', 'HN-SGDDT', 'Báo cáo kết quả thực hiện'],
  ['Số hoá hồ sơ, kết quả giải quyết thủ tục hành chính tại', 'HN-SNV', 'Cơ sở dữ liệu được cập nhật'],
  ['Hỗ trợ hộ kinh doanh, hợp tác xã thanh toán không dùng tiền mặt tại', 'HN-SCT', 'Báo cáo kết quả thực hiện'],
];
const departmentThemes = [
  ['Xây dựng bản đồ số năng lực khoa học, công nghệ và đổi mới sáng tạo của thành phố', 'HN-SKHCN', ['HN-HUST', 'HN-VNU']],
  ['Thành lập liên minh đổi mới sáng tạo các trường đại học trên địa bàn', 'HN-SKHCN', ['HN-HUST', 'HN-VNU', 'HN-SGDDT']],
  ['Vận hành sàn giao dịch công nghệ và "chợ bài toán" đặt hàng của thành phố', 'HN-SCT', ['HN-SKHCN']],
  ['Đặt hàng các trường đại học giải bài toán mã hoá nguồn gen nông nghiệp', 'HN-SNNMT', ['HN-VNU']],
  ['Thí điểm trung tâm mô phỏng, dự báo rủi ro đô thị', 'HN-SKHCN', ['HN-HUST', 'HN-SNNMT']],
  ['Hướng dẫn cơ chế góp vốn của Quỹ đổi mới sáng tạo thành phố', 'HN-STC', ['HN-SKHCN']],
  ['Đào tạo nhân lực chất lượng cao về trí tuệ nhân tạo cho khu vực công', 'HN-SNV', ['HN-HUST']],
  ['Triển khai bệnh án điện tử tại các bệnh viện công lập của thành phố', 'HN-SYT', ['HN-SKHCN']],
  ['Hỗ trợ doanh nghiệp khởi nghiệp sáng tạo tại mạng lưới HiHUB', 'HN-SKHCN', ['HN-HIHUB']],
];
// Deadlines: the ends of quarters and months across 2025–2026.
const deadlines = ['2025-03-31', '2025-06-30', '2025-09-30', '2025-10-31', '2025-12-31', '2026-03-31', '2026-04-30',
  '2026-06-30', '2026-08-31', '2026-09-30', '2026-11-20', '2026-11-30', '2026-12-15', '2026-12-31'];
const START = toDays('2025-02-20');

const say = (progress) => `${DEMO}: đã thực hiện khoảng ${progress}% khối lượng công việc`;

// Progress reports every one to three months from the start up to the
// reference day (or the day it ends), rising towards `upto`.
function progressReports(from, until, upto) {
  const reports = [];
  let day = from + between(20, 50), progress = 0;
  while (day < until && progress < upto) {
    progress = Math.min(upto, progress + between(10, 35));
    reports.push({ at: at(day), progress, text: say(progress) });
    day += between(30, 90);
  }
  return reports;
}

// A history for a task due on `due`: done on time, done late, overdue,
// or still running, in roughly the proportions the city reported.
function history(due) {
  const d = toDays(due);
  if (d < reference) {
    const roll = random();
    if (roll < 0.72) {                       // done: mostly on time
      const late = roll > 0.62;
      const asked = late ? d + between(5, 45) : d - between(2, 40);
      const reports = progressReports(START, asked, between(60, 90));
      if (random() < 0.15) {                 // a first request sent back
        const first = asked - between(15, 30);
        reports.push({ at: at(first), progress: 100, text: `${DEMO}: đề nghị công nhận hoàn thành`, complete: true,
          review: 'returned', reviewed_at: at(first + 3, 15), reason: 'Bổ sung minh chứng sản phẩm (demo)' });
      }
      reports.push({ at: at(asked), progress: 100, text: `${DEMO}: đã hoàn thành, gửi sản phẩm`, complete: true,
        review: 'approved', reviewed_at: at(Math.min(asked + between(2, 10), reference), 15) });
      return reports.sort((a, b) => a.at.localeCompare(b.at));
    }
    if (roll < 0.8) {                        // waiting for review
      const reports = progressReports(START, reference - 20, 90);
      reports.push({ at: at(reference - between(1, 10)), progress: 100, text: `${DEMO}: đề nghị công nhận hoàn thành`, complete: true });
      return reports;
    }
    return progressReports(START, reference, between(30, 85));   // overdue
  }
  const elapsed = (reference - START) / Math.max(1, d - START);
  if (random() < 0.08) {                     // finished early
    const asked = reference - between(10, 60);
    const reports = progressReports(START, asked, 80);
    reports.push({ at: at(asked), progress: 100, text: `${DEMO}: hoàn thành trước hạn`, complete: true,
      review: 'approved', reviewed_at: at(asked + 5, 15) });
    return reports;
  }
  if (d - reference <= 20) return progressReports(START, reference, between(35, 70));   // due soon, behind
  return progressReports(START, reference, Math.max(10, Math.min(95, Math.round(elapsed * 100) + between(-25, 10))));
}

const programme = JSON.parse(readFileSync(path.join(here, 'programme.json'), 'utf8'));
const tasks = programme.tasks.map((t) => ({ ...t, reports: history(t.deadline) }));
let n = 0;
const code = () => `NV-D${String(++n).padStart(3, '0')}`;
for (const c of communes) {
  for (const [title, support, product] of communeThemes) {
    const due = pick(deadlines);
    tasks.push({ code: code(), title: `${title} ${c.name}`, document_number: due < '2025-07-01' ? '43/KH-UBND' : '139/KH-UBND',
      lead_unit_code: c.code, supporting_unit_codes: [support], product, deadline: due, reports: history(due) });
  }
}
for (const [title, lead, support] of departmentThemes) {
  const due = pick(deadlines.slice(4));
  tasks.push({ code: code(), title, document_number: '139/KH-UBND', lead_unit_code: lead, supporting_unit_codes: support,
    product: 'Văn bản, hệ thống được đưa vào sử dụng', deadline: due, reports: history(due) });
}

// Quarterly reports every department owes the steering committee, due
// ten days after each quarter; each quarter approved, some late.
const quarters = ['2025Q1', '2025Q2', '2025Q3', '2025Q4', '2026Q1', '2026Q2', '2026Q3'];
const quarterEnd = (q) => {
  const y = Number(q.slice(0, 4)), k = Number(q.slice(5));
  return toDays(`${y}-${String(k * 3).padStart(2, '0')}-${k === 1 || k === 4 ? 31 : 30}`);
};
for (const dep of departments) {
  const reports = [];
  for (const q of quarters) {
    const due = quarterEnd(q) + 10;
    if (due > reference) break;
    const asked = due + (random() < 0.2 ? between(3, 20) : -between(0, 8));
    reports.push({ at: at(asked), period: q, progress: 100, text: `${DEMO}: báo cáo quý ${q.slice(5)}/${q.slice(0, 4)}`,
      complete: true, review: 'approved', reviewed_at: at(Math.min(asked + between(1, 6), reference), 15) });
  }
  if (random() < 0.3) reports.pop();         // some have not sent the last one
  tasks.push({ code: code(), title: `Báo cáo định kỳ hằng quý kết quả thực hiện Nghị quyết 57-NQ/TW của ${dep.name}`,
    document_number: '43/KH-UBND', lead_unit_code: dep.code, product: 'Báo cáo định kỳ', recurrence: 'quarterly',
    starts_on: '2025-01-01', due_days: 10, reports });
}

// The city plan's tasks fall into its five task groups (NV1..NV5), by
// what their titles are about.
const GROUPS = [['NV1', /quy chế|quy định|cơ chế|chính sách|ban hành|sửa đổi|thể chế/i],
  ['NV2', /hạ tầng|trung tâm dữ liệu|mạng|5G|băng rộng|dữ liệu/i],
  ['NV3', /nhân lực|chuyên gia|đào tạo|nhà khoa học|thu hút|bồi dưỡng/i],
  ['NV4', /đổi mới sáng tạo|khởi nghiệp|thương mại hóa|HiHUB|quỹ|doanh nghiệp/i]];
for (const t of tasks) {
  if (t.document_number !== '43/KH-UBND' || t.objective_code) continue;
  t.objective_code = (GROUPS.find(([, re]) => re.test(t.title)) || ['NV5'])[0];
}

const note = `${programme._note} ${DEMO}: the tasks' reports and the NV-D tasks are invented.`;
writeFileSync(path.join(out, 'programme.json'), `${JSON.stringify({ ...programme, _note: note, tasks }, null, 1)}\n`);

// ----------------------------------------------------------------- values

// City-level series: a start per quarter and a step towards the targets.
const city = {
  GRDP: [330000, 6000, 0], 'KTS-GT': [66000, 2600, 0], 'DN-DMST': [31, 1.2, 1], 'RD-TT': [1, 0.15, 0], TFP: [46, 0.6, 1],
  NSLD: [6.6, 0.1, 1], 'NN-CNC': [64, 1.1, 1], 'CN-CNC': [63, 1.2, 1], 'OCOP-SHTT': [30, 1.6, 1], 'NL-RD': [10.4, 0.25, 1],
  'DT-KHCN': [1.05, 0.05, 2],
};
const rows = [];
const add = (indicator, unit, q, value, digits) => rows.push([indicator, unit, q, value.toFixed(digits), DEMO]);
quarters.forEach((q, i) => {
  for (const [indicator, [start, step, digits]] of Object.entries(city)) {
    const noise = 1 + (random() - 0.5) * 0.04;
    add(indicator, '01', q, Math.max(0, (start + step * i) * noise), digits);
  }
  if (q.endsWith('Q4')) add('PII-HANG', '01', q.slice(0, 4), 1, 0);
  for (const c of communes) {
    add('DN-KHCN', c.code, q, between(2, 5) + Math.floor(i / 2), 0);
    add('5G-PHU', c.code, q, Math.min(100, 55 + i * 6 + between(-5, 8)), 0);
  }
});
const csv = (list) => `indicator_code,unit_code,period,value,note\n${list.map((r) => r.join(',')).join('\n')}\n`;
writeFileSync(path.join(out, 'approved.csv'), csv(rows.filter((r) => r[2] !== '2026Q3')));
writeFileSync(path.join(out, 'drafts.csv'), csv(rows.filter((r) => r[2] === '2026Q3')));
console.log(`demo: ${tasks.length} tasks (${n} invented) with invented reports, ${rows.length} invented values (${out})`);
