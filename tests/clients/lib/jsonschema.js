'use strict';
// A small JSON Schema (2020-12) validator for the subset docs/api/openapi.json
// uses. A keyword it does not know throws instead of being skipped, so the
// spec cannot grow a constraint that the tests silently ignore.
//
//   const errors = validate(schema, value, rootDocument);  // [] when valid
//
// $ref resolves JSON pointers into rootDocument ("#/components/schemas/X").
// format: "uuid" and "date-time" are checked (date-time as RFC 3339).

const ANNOTATIONS = new Set(['description', 'title', 'default', 'examples', 'example', 'deprecated', 'readOnly', 'writeOnly',
  'contentMediaType', 'contentEncoding', '$comment']);

const FORMATS = {
  uuid: /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/,
  'date-time': /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/,
};

function typeOf(v) {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v; // string, boolean, object
}

function typeMatches(expected, v) {
  const t = typeOf(v);
  return expected === t || (expected === 'number' && t === 'integer');
}

function resolve(root, ref) {
  if (!ref.startsWith('#/')) throw new Error(`only local $refs are supported: ${ref}`);
  let node = root;
  for (const raw of ref.slice(2).split('/')) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (node === undefined || node === null || !(key in node)) throw new Error(`unresolvable $ref ${ref}`);
    node = node[key];
  }
  return node;
}

function validate(schema, value, root = schema, path = '$') {
  const errors = [];
  const fail = (msg) => errors.push(`${path}: ${msg}`);
  if (schema === true) return errors;
  if (schema === false) { fail('no value is allowed here'); return errors; }
  for (const key of Object.keys(schema)) {
    if (ANNOTATIONS.has(key)) continue;
    const s = schema[key];
    switch (key) {
    case '$ref':
      errors.push(...validate(resolve(root, s), value, root, path));
      break;
    case 'type': {
      const types = Array.isArray(s) ? s : [s];
      if (!types.some((t) => typeMatches(t, value))) fail(`expected type ${types.join(' | ')}, got ${typeOf(value)} ${JSON.stringify(value)?.slice(0, 80)}`);
      break;
    }
    case 'const':
      if (JSON.stringify(value) !== JSON.stringify(s)) fail(`expected ${JSON.stringify(s)}, got ${JSON.stringify(value)}`);
      break;
    case 'enum':
      if (!s.some((e) => JSON.stringify(e) === JSON.stringify(value))) fail(`expected one of ${JSON.stringify(s)}, got ${JSON.stringify(value)}`);
      break;
    case 'properties':
      if (typeOf(value) === 'object')
        for (const [name, sub] of Object.entries(s))
          if (name in value) errors.push(...validate(sub, value[name], root, `${path}.${name}`));
      break;
    case 'required':
      if (typeOf(value) === 'object')
        for (const name of s) if (!(name in value)) fail(`missing required property "${name}"`);
      break;
    case 'additionalProperties':
      if (typeOf(value) === 'object') {
        const known = new Set(Object.keys(schema.properties || {}));
        for (const name of Object.keys(value)) {
          if (known.has(name)) continue;
          if (s === false) fail(`property "${name}" is not in the schema`);
          else if (s !== true) errors.push(...validate(s, value[name], root, `${path}.${name}`));
        }
      }
      break;
    case 'items':
      if (Array.isArray(value)) value.forEach((item, i) => errors.push(...validate(s, item, root, `${path}[${i}]`)));
      break;
    case 'minItems': if (Array.isArray(value) && value.length < s) fail(`fewer than ${s} items`); break;
    case 'maxItems': if (Array.isArray(value) && value.length > s) fail(`more than ${s} items`); break;
    case 'minLength': if (typeof value === 'string' && [...value].length < s) fail(`shorter than ${s}`); break;
    case 'maxLength': if (typeof value === 'string' && [...value].length > s) fail(`longer than ${s}`); break;
    case 'pattern': if (typeof value === 'string' && !new RegExp(s, 'u').test(value)) fail(`${JSON.stringify(value)} does not match /${s}/`); break;
    case 'minimum': if (typeof value === 'number' && value < s) fail(`${value} < ${s}`); break;
    case 'maximum': if (typeof value === 'number' && value > s) fail(`${value} > ${s}`); break;
    case 'format':
      if (!(s in FORMATS)) throw new Error(`format "${s}" is not supported by tests/clients/lib/jsonschema.js`);
      if (typeof value === 'string' && !FORMATS[s].test(value)) fail(`${JSON.stringify(value)} is not a ${s}`);
      break;
    case 'allOf':
      for (const sub of s) errors.push(...validate(sub, value, root, path));
      break;
    case 'anyOf':
      if (!s.some((sub) => validate(sub, value, root, path).length === 0)) {
        const why = s.map((sub) => validate(sub, value, root, path).join('; ')).join(' || ');
        fail(`matches none of anyOf (${why})`);
      }
      break;
    case 'oneOf': {
      const n = s.filter((sub) => validate(sub, value, root, path).length === 0).length;
      if (n !== 1) fail(`matches ${n} of oneOf, expected exactly 1`);
      break;
    }
    default:
      throw new Error(`${path}: JSON Schema keyword "${key}" is not supported by tests/clients/lib/jsonschema.js`);
    }
  }
  return errors;
}

module.exports = { validate, resolve };
