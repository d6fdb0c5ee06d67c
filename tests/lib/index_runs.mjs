// Index runs are computed by the server's background worker: a POST
// answers 202 with the queued run, which is followed here until it is
// done, failed or cancelled.
import assert from 'node:assert/strict';

const FINISHED = new Set(['done', 'failed', 'cancelled']);

// A small commune-level index and a table of six communes for it, shared
// by the tests of index runs and their analyses.
export const DEF = {
  code: 'DMST-XA', name: 'Chỉ số đổi mới sáng tạo cấp xã',
  nodes: [{ code: 'CS', name: 'Chỉ số' }, { code: 'TC1', name: 'Thể chế', parent: 'CS' }, { code: 'TC2', name: 'Hạ tầng', parent: 'CS' },
    { code: 'A', parent: 'TC1', indicator: true }, { code: 'B', parent: 'TC1', indicator: true, direction: -1 },
    { code: 'C', parent: 'TC2', indicator: true, weight: 2 }, { code: 'D', parent: 'TC2', indicator: true }],
};
export const TABLE = `unit_code,unit_name,A,B,C,D
X1,Xã Một,1,9,3,4
X2,Xã Hai,5,5,8,2
X3,Xã Ba,9,1,1,7
X4,Xã Bốn,4,6,6,6
X5,Xã Năm,7,3,2,9
X6,Xã Sáu,2,2,9,1
`;


// Follows run id until it has finished; the run as GET answers it then.
export async function waitRun(client, id, { timeoutMs = 60000 } = {}) {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const g = await client.get(`/api/v1/index-runs/${id}`);
    assert.equal(g.status, 200, g.text);
    if (FINISHED.has(g.json.status)) return g.json;
    if (Date.now() > until) throw new Error(`index run ${id} still ${g.json.status} after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

// Starts a run of index code (a JSON body, or CSV text with the text/csv
// header) and waits for it; the finished run.
export async function runIndex(client, code, body, headers) {
  const r = await client.post(`/api/v1/indices/${encodeURIComponent(code)}/runs`, body, headers);
  assert.equal(r.status, 202, r.text);
  assert.ok(['queued', 'running', 'done'].includes(r.json.status), r.text);
  return waitRun(client, r.json.id);
}
