// A small JSON Schema checker for the subset the OpenAPI description of
// the API uses: type (one or a list, "integer" as a whole number), enum,
// properties, required, items, allOf, anyOf, oneOf and $ref to
// "#/components/...". Returns the list of problems, each naming the place
// in the value ("$.values[3].status") and what is wrong; [] when it fits.

function typeOk(t, v) {
  switch (t) {
    case 'null': return v === null;
    case 'boolean': return typeof v === 'boolean';
    case 'integer': return typeof v === 'number' && Number.isInteger(v);
    case 'number': return typeof v === 'number' && Number.isFinite(v);
    case 'string': return typeof v === 'string';
    case 'array': return Array.isArray(v);
    case 'object': return v !== null && typeof v === 'object' && !Array.isArray(v);
    default: throw new Error(`schema type ${t} is not in the subset`);
  }
}

function resolve(doc, ref) {
  if (!ref.startsWith('#/')) throw new Error(`only local $ref: ${ref}`);
  let node = doc;
  for (const part of ref.slice(2).split('/')) {
    node = node?.[part.replace(/~1/g, '/').replace(/~0/g, '~')];
    if (node === undefined) throw new Error(`$ref ${ref} does not resolve`);
  }
  return node;
}

const SUPPORTED = new Set(['type', 'enum', 'properties', 'required', 'items', 'allOf', 'anyOf', 'oneOf', '$ref',
  'description', 'example', 'format', 'minimum', 'contentEncoding', 'title']);

export function check(doc, schema, value, where = '$', out = []) {
  for (const k of Object.keys(schema)) if (!SUPPORTED.has(k)) throw new Error(`${where}: schema keyword ${k} is not in the subset`);
  if (schema.$ref) return check(doc, resolve(doc, schema.$ref), value, where, out);
  if (schema.type !== undefined) {
    const types = Array.isArray(schema.type) ? schema.type : [schema.type];
    if (!types.some((t) => typeOk(t, value))) {
      out.push(`${where}: ${JSON.stringify(value)?.slice(0, 60)} is not ${types.join(' or ')}`);
      return out;
    }
  }
  if (schema.enum && !schema.enum.some((e) => e === value)) out.push(`${where}: ${JSON.stringify(value)} is not one of ${schema.enum.join(', ')}`);
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    for (const k of schema.required || []) if (!(k in value)) out.push(`${where}: ${k} is missing`);
    for (const [k, s] of Object.entries(schema.properties || {})) if (k in value) check(doc, s, value[k], `${where}.${k}`, out);
  }
  if (Array.isArray(value) && schema.items) value.forEach((v, i) => check(doc, schema.items, v, `${where}[${i}]`, out));
  for (const s of schema.allOf || []) check(doc, s, value, where, out);
  if (schema.anyOf && !schema.anyOf.some((s) => check(doc, s, value, where).length === 0))
    out.push(`${where}: fits none of anyOf`);
  if (schema.oneOf) {
    const fits = schema.oneOf.filter((s) => check(doc, s, value, where).length === 0).length;
    if (fits !== 1) out.push(`${where}: fits ${fits} of oneOf, not exactly one`);
  }
  return out;
}

// The schema of the answer of status to method path in an OpenAPI
// document (path as the route table writes it, with {params}), and its
// content type; undefined when the document has none.
export function responseSchema(doc, method, path, status, type = 'application/json') {
  const op = doc.paths?.[path]?.[method.toLowerCase()];
  if (!op) return undefined;
  let r = op.responses[String(status)] || op.responses.default;
  if (r?.$ref) r = resolve(doc, r.$ref);
  return r?.content?.[type]?.schema;
}
