// One clock: every screen, count, export and report derives task statuses
// for one day — today unless the reader asks for another (as_of) — by the
// same function, so the overview, the task list, the bell, the review
// report and the Excel export give the same counts on the demo, and "sắp
// đến hạn" lists only tasks due within the warning window after that day.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startDemoServer } from '../lib/demo.mjs';
import { signIn } from '../lib/auth.mjs';
import { readSheet } from '../lib/xlsx.mjs';

const STATUSES = ['done_on_time', 'done_late', 'open_overdue', 'open_due_soon', 'open_in_time'];
const WORDS = { done_on_time: 'Hoàn thành đúng hạn', done_late: 'Hoàn thành quá hạn', open_overdue: 'Chưa hoàn thành – quá hạn',
  open_due_soon: 'Sắp đến hạn', open_in_time: 'Chưa hoàn thành – trong hạn' };
const WARN_DAYS = 14;

let srv, bcd, admin;
before(async () => {
  srv = await startDemoServer();
  bcd = await signIn(srv, 'bcd');
  admin = await signIn(srv, 'quantri');
});
after(async () => { await srv?.stop(); });

const days = (iso) => Date.parse(`${iso}T00:00:00Z`) / 86400000;
const counts = (list) => Object.fromEntries(STATUSES.map((s) => [s, list.counts[s] || 0]));

async function sheetCounts(query) {
  const r = await bcd.get(`/api/v1/tasks?${query}&limit=10000&format=xlsx`);
  assert.equal(r.status, 200);
  const rows = readSheet(r.bytes).rows.slice(4);
  return Object.fromEntries(STATUSES.map((s) => [s, rows.filter((row) => row.includes(WORDS[s])).length]));
}

function dueWithinWindow(tasks, asOf) {
  for (const t of tasks) {
    const due = t.period_deadline || t.deadline;
    const ahead = days(due) - days(asOf);
    assert.ok(ahead >= 0 && ahead <= WARN_DAYS, `${t.code} due ${due} is not within ${WARN_DAYS} days after ${asOf}`);
  }
}

test("today: the overview, the task list, the Excel export and the bell agree, and the overview is of today", async () => {
  const ov = (await bcd.get('/api/v1/dashboard')).json;
  const today = ov.tasks_as_of;
  // today is Viet Nam's day (UTC+7), whatever the server's zone
  const vnDay = (iso) => new Date(Date.parse(iso) + 7 * 3600e3).toISOString().slice(0, 10);
  assert.equal(today, vnDay(ov.as_of), "the tasks are as of today in Viet Nam, not of the figures' period");
  const list = (await bcd.get(`/api/v1/tasks?as_of=${today}&limit=1`)).json;
  assert.deepEqual(ov.task_counts, list.counts, 'overview = task list');
  assert.equal(ov.task_total, list.total);
  assert.deepEqual(await sheetCounts(`as_of=${today}`), counts(list), 'Excel export = task list');
  assert.ok(list.counts.open_overdue > 0, 'the demo has overdue tasks');
  dueWithinWindow(ov.due_soon, today);
  // the bell: today's reminders, one per task, by the same status
  let rem;
  for (let i = 0; i < 50; i++) {
    rem = (await bcd.get('/api/v1/reminders')).json;
    if (rem.day === today) break;
    await new Promise((res) => setTimeout(res, 100));
  }
  assert.equal(rem.day, today, 'the worker recorded today\'s reminders');
  const kinds = (k) => rem.reminders.filter((x) => x.kind === k).length;
  assert.equal(kinds('overdue'), list.counts.open_overdue, 'bell overdue = task list overdue');
  assert.equal(kinds('due_soon'), list.counts.open_due_soon || 0, 'bell due soon = task list due soon');
  const inbox = (await admin.get('/api/v1/inbox?limit=500')).json.items;
  assert.equal(inbox.filter((x) => x.kind === 'task_overdue').length, list.counts.open_overdue, 'the inbox bell of the city\'s administrator');
  assert.equal(inbox.filter((x) => x.kind === 'task_due_soon').length, list.counts.open_due_soon || 0);
});

// Makes a review report and waits for it: the job and its content.
async function reportOf(body) {
  const made = await bcd.post('/api/v1/reports', body);
  assert.equal(made.status, 202, made.text);
  let job;
  for (let i = 0; i < 300; i++) {
    job = (await bcd.get(`/api/v1/reports/${made.json.id}`)).json;
    if (job.status === 'done' || job.status === 'failed') break;
    await new Promise((res) => setTimeout(res, 100));
  }
  assert.equal(job.status, 'done', job.error);
  return { job, content: (await bcd.get(`/api/v1/reports/${job.id}/json`)).json };
}

// The overview and the task list of one document for day (today: none).
async function documentCounts(number, day) {
  const docs = (await bcd.get('/api/v1/documents?limit=100')).json.documents;
  const doc = docs.find((d) => d.number === number);
  const ov = (await bcd.get(`/api/v1/dashboard?document_id=${doc.id}${day ? `&as_of=${day}` : ''}`)).json;
  const list = (await bcd.get(`/api/v1/tasks?document_id=${doc.id}&as_of=${ov.tasks_as_of}&limit=1`)).json;
  assert.deepEqual(ov.task_counts, list.counts);
  return { ov, list };
}

test('the review report counts the tasks of the same day as the overview and the list', async () => {
  const { ov, list } = await documentCounts('43/KH-UBND');
  const { job, content } = await reportOf({ document: '43/KH-UBND', period: '2026S1' });
  assert.equal(content.tasks_as_of, ov.tasks_as_of, 'a report of 6 tháng đầu năm 2026 made today is of today');
  assert.equal(job.tasks_as_of, ov.tasks_as_of, 'the list of reports says the day');
  for (const s of STATUSES) assert.equal(content.summary.tasks[s].count, list.counts[s] || 0, s);
  assert.equal(content.overdue.length, list.counts.open_overdue || 0);
});

test('a review report asked for another day (as_of) counts the tasks of that day, as the overview, the list and the Excel export do', async () => {
  const day = '2026-06-30';
  const { list } = await documentCounts('43/KH-UBND', day);
  const { job, content } = await reportOf({ document: '43/KH-UBND', period: '2026S1', as_of: day });
  assert.equal(job.tasks_as_of, day);
  assert.equal(content.tasks_as_of, day);
  for (const s of STATUSES) assert.equal(content.summary.tasks[s].count, list.counts[s] || 0, s);
  assert.equal(content.overdue.length, list.counts.open_overdue || 0);
  const today = await documentCounts('43/KH-UBND');
  assert.notDeepEqual(counts(today.list), counts(list), 'the day matters for this document');
  const bad = await bcd.post('/api/v1/reports', { document: '43/KH-UBND', period: '2026S1', as_of: '30/06/2026x' });
  assert.equal(bad.status, 422, bad.text);
  assert.match(bad.json.error.template, /^'as_of'/, 'the error names the day field');
});

test('another day (as_of): the overview, the task list and the Excel export agree on it', async () => {
  for (const day of ['2026-06-30', '2025-12-31']) {
    const ov = (await bcd.get(`/api/v1/dashboard?as_of=${day}`)).json;
    assert.equal(ov.tasks_as_of, day);
    const list = (await bcd.get(`/api/v1/tasks?as_of=${day}&limit=1`)).json;
    assert.deepEqual(ov.task_counts, list.counts, day);
    assert.deepEqual(await sheetCounts(`as_of=${day}`), counts(list), day);
    dueWithinWindow(ov.due_soon, day);
  }
  const sheet = readSheet((await bcd.get('/api/v1/tasks?as_of=2026-06-30&format=xlsx')).bytes);
  assert.equal(sheet.rows[1][0], 'Bộ lọc: Tình trạng tại ngày: 30/06/2026', 'the export says the day of its statuses');
  const june = (await bcd.get('/api/v1/tasks?as_of=2026-06-30&limit=1')).json.counts;
  const now = (await bcd.get('/api/v1/tasks?limit=1')).json.counts;
  assert.notDeepEqual(june, now, 'the day matters: the demo\'s counts differ between 30/06/2026 and today');
});
