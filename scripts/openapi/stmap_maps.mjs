// The OpenAPI description of stmap_maps, merged by ../openapi.mjs (see there for
// the notation of h.obj).
export function describe(h) {
  return { schemas: {}, routes: [], tags: [] };
}
