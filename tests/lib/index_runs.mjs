// Index runs are computed by the server's background worker: a POST
// answers 202 with the queued run, which is followed here until it is
// done, failed or cancelled.
import assert from 'node:assert/strict';

const FINISHED = new Set(['done', 'failed', 'cancelled']);

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
