/**
 * A tool's JSON Schema (as the AI SDK hands it over) narrowed to what node-llama-cpp's grammar
 * can enforce: types, enums, constants, objects, arrays, unions, string lengths and date
 * formats. Keywords a grammar cannot hold (patterns, numeric bounds, defaults) are dropped, so
 * the model is held to the shape and the tool's own validation judges the rest.
 */
export type GbnfSchema = Record<string, unknown>;

const BASIC = new Set(['string', 'number', 'integer', 'boolean', 'null']);
const FORMATS = new Set(['date-time', 'time', 'date']);

type Json = Record<string, unknown>;

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function withDescription(out: GbnfSchema, from: Json): GbnfSchema {
  return typeof from.description === 'string' ? { ...out, description: from.description } : out;
}

/** Any JSON value: what a schema that says nothing (or something a grammar cannot hold) allows. */
const ANY: GbnfSchema = { type: ['string', 'number', 'boolean', 'null'] };

export function toGbnfSchema(schema: unknown, defs: Json = {}, depth = 0): GbnfSchema {
  if (!isObject(schema) || depth > 12) return ANY;
  const localDefs = isObject(schema.$defs) ? { ...defs, ...schema.$defs } : defs;
  if (typeof schema.$ref === 'string') {
    const key = schema.$ref.replace(/^#\/(\$defs|definitions)\//, '');
    return withDescription(toGbnfSchema(localDefs[key], localDefs, depth + 1), schema);
  }
  if ('const' in schema) return withDescription({ const: schema.const ?? null }, schema);
  if (Array.isArray(schema.enum)) return withDescription({ enum: schema.enum }, schema);
  const union = (schema.anyOf ?? schema.oneOf) as unknown;
  if (Array.isArray(union)) {
    return withDescription({ oneOf: union.map((s) => toGbnfSchema(s, localDefs, depth + 1)) }, schema);
  }
  if (Array.isArray(schema.allOf) && schema.allOf.length > 0) {
    return withDescription(toGbnfSchema(Object.assign({}, ...schema.allOf), localDefs, depth + 1), schema);
  }
  const type = schema.type;
  if (Array.isArray(type)) {
    const basic = type.filter((t): t is string => typeof t === 'string' && BASIC.has(t));
    if (basic.length === type.length) return withDescription({ type: basic }, schema);
    return withDescription(
      { oneOf: type.map((t) => toGbnfSchema({ ...schema, type: t }, localDefs, depth + 1)) },
      schema,
    );
  }
  if (type === 'object' || (type === undefined && isObject(schema.properties))) {
    const properties = isObject(schema.properties) ? schema.properties : {};
    const out: GbnfSchema = {
      type: 'object',
      properties: Object.fromEntries(
        Object.entries(properties).map(([k, v]) => [k, toGbnfSchema(v, localDefs, depth + 1)]),
      ),
    };
    if (Array.isArray(schema.required)) out.required = schema.required.filter((k) => k in properties);
    else out.required = [];
    if (schema.additionalProperties === true || isObject(schema.additionalProperties)) {
      out.additionalProperties =
        schema.additionalProperties === true
          ? true
          : toGbnfSchema(schema.additionalProperties, localDefs, depth + 1);
    } else out.additionalProperties = false;
    return withDescription(out, schema);
  }
  if (type === 'array') {
    const out: GbnfSchema = { type: 'array', items: toGbnfSchema(schema.items ?? {}, localDefs, depth + 1) };
    if (typeof schema.minItems === 'number') out.minItems = schema.minItems;
    if (typeof schema.maxItems === 'number') out.maxItems = schema.maxItems;
    return withDescription(out, schema);
  }
  if (type === 'string') {
    if (typeof schema.format === 'string' && FORMATS.has(schema.format)) {
      return withDescription({ type: 'string', format: schema.format }, schema);
    }
    const out: GbnfSchema = { type: 'string' };
    if (typeof schema.minLength === 'number') out.minLength = schema.minLength;
    if (typeof schema.maxLength === 'number') out.maxLength = schema.maxLength;
    return withDescription(out, schema);
  }
  if (typeof type === 'string' && BASIC.has(type)) return withDescription({ type }, schema);
  return withDescription(ANY, schema);
}
