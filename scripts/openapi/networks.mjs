// The OpenAPI description of the ecosystem registry's networks routes, merged
// by ../openapi.mjs (see there for the notation of h.obj).
export function describe(h) {
  const { obj, list, ref, q, qs, JSON_BODY } = h;   // eslint-disable-line no-unused-vars
  return {
    schemas: {},
    routes: [],
    tags: [],
  };
}
