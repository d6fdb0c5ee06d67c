// Values in API tests: a draft saved as an officer's form saves it.
import assert from 'node:assert/strict';

// Saves value of indicator code for unit and period (with note) as client
// who; asserts it was saved and returns its id.
export async function saveDraft(who, code, unit, period, value, note) {
  const r = await who.put('/api/v1/values', { indicator_code: code, unit_code: unit, period, value, note });
  assert.equal(r.status, 200, r.text);
  return r.json.id;
}
