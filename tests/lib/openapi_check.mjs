// Checks an API answer against the OpenAPI description (src/api/openapi.json):
// the route is found from the method and the concrete path, and a JSON
// answer must fit the schema of its status (or the default error shape).
// tests/lib/auth.mjs calls it for every answer when NQ57_OPENAPI_CHECK=1,
// so any API suite can be run as a check of the description:
//   NQ57_OPENAPI_CHECK=1 node --test tests/api/values.test.mjs
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { check, responseSchema } from './schema.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
let doc, routes;

function load() {
  doc = JSON.parse(readFileSync(path.join(root, 'src', 'api', 'openapi.json'), 'utf8'));
  routes = Object.entries(doc.paths).flatMap(([p, ops]) => Object.keys(ops).map((m) => ({
    method: m.toUpperCase(), path: p, params: (p.match(/\{/g) || []).length,
    re: new RegExp(`^${p.replace(/[.]/g, '\\.').replace(/\{[^}]+\}/g, '[^/]+')}$`),
  })));
  // a literal segment wins over a parameter (/values/export, not /values/{id})
  routes.sort((a, b) => a.params - b.params);
}

// The route (table path) that method and url reach, or undefined.
export function routeOf(method, url) {
  if (!doc) load();
  const p = decodeURI(url.split('?')[0]);
  return routes.find((r) => r.method === method && r.re.test(p))?.path;
}

// Problems of the answer, [] when it fits (or is not JSON, or its route is
// not described: the route-table test reports that).
export function answerProblems(method, url, status, contentType, json) {
  if (!doc) load();
  const route = routeOf(method, url);
  if (!route || !/^application\/json/.test(contentType || '') || json === null) return [];
  const schema = responseSchema(doc, method, route, status);
  if (!schema) return [`${method} ${route} ${status}: no JSON schema`];
  return check(doc, schema, json).map((p) => `${method} ${route} ${status}: ${p}`);
}
