/**
 * A small generator of JSON values from the JSON Schemas in the API's OpenAPI
 * document: valid-ish values (following the schema, with a chance of edge
 * values) and mutations of them (a field dropped, a wrong type, a huge or
 * hostile string, prototype keys, extra fields). Deterministic per seed.
 */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type Schema = { [key: string]: unknown };

export interface Gen {
  random: () => number;
  schemas: Record<string, Schema>;
}

const HOSTILE_STRINGS = [
  '',
  ' ',
  '<script>alert(1)</script>',
  "'; DROP TABLE purchases; --",
  '\u0000',
  '\u202e\u200b',
  '../../etc/passwd',
  '%00%2e%2e',
  '__proto__',
  'constructor',
  '😀'.repeat(50),
  'x'.repeat(5000),
  '1e309',
  'NaN',
  '-0',
  '9'.repeat(40),
  '2025-02-30T25:61:61Z',
  'null',
];
const HOSTILE_NUMBERS = [0, -1, 1.5, -0.0001, 2 ** 31, 2 ** 53, -(2 ** 53), 1e21, Number.MAX_SAFE_INTEGER + 2, 100_000_001];

export function pick<T>(g: Gen, items: readonly T[]): T {
  return items[Math.floor(g.random() * items.length)]!;
}

function resolve(g: Gen, schema: Schema): Schema {
  const ref = schema.$ref;
  if (typeof ref === 'string' && ref.startsWith('#/components/schemas/')) return g.schemas[ref.slice(21)] ?? {};
  return schema;
}

function stringFor(g: Gen, schema: Schema): string {
  const format = schema.format;
  if (format === 'date-time' || format === 'datetime') return new Date(Date.UTC(2025, 0, 1) + Math.floor(g.random() * 1e10)).toISOString();
  if (format === 'uuid') return crypto.randomUUID();
  if (format === 'email') return `fuzz${Math.floor(g.random() * 1e9)}@example.test`;
  if (typeof schema.pattern === 'string' && schema.pattern.includes('a-z')) return `fuzz-${Math.floor(g.random() * 1e6)}`;
  const min = typeof schema.minLength === 'number' ? schema.minLength : 0;
  const max = typeof schema.maxLength === 'number' ? Math.min(schema.maxLength, min + 40) : min + 12;
  const length = min + Math.floor(g.random() * (max - min + 1));
  let out = '';
  for (let i = 0; i < length; i++) out += 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_'[Math.floor(g.random() * 64)];
  if (typeof schema.pattern === 'string' && /^\^\[A-Z\]\{3\}\$$/.test(schema.pattern)) return pick(g, ['EUR', 'USD', 'CHF', 'GBP']);
  return out;
}

function numberFor(g: Gen, schema: Schema, integer: boolean): number {
  const min = typeof schema.minimum === 'number' ? schema.minimum : typeof schema.exclusiveMinimum === 'number' ? schema.exclusiveMinimum + 1 : 0;
  const max = typeof schema.maximum === 'number' ? schema.maximum : typeof schema.exclusiveMaximum === 'number' ? schema.exclusiveMaximum - 1 : min + 100_000;
  const span = Math.min(max - min, 1e9);
  const value = min + g.random() * span;
  return integer ? Math.floor(value) : value;
}

/** A value that follows `schema`, as far as this generator understands it. */
export function generate(g: Gen, raw: Schema, depth = 0): Json {
  const schema = resolve(g, raw);
  if ('const' in schema) return schema.const as Json;
  if (Array.isArray(schema.enum)) return pick(g, schema.enum as Json[]);
  const variants = (schema.anyOf ?? schema.oneOf) as Schema[] | undefined;
  if (Array.isArray(variants) && variants.length > 0) return generate(g, pick(g, variants), depth + 1);
  if (Array.isArray(schema.allOf) && schema.allOf.length > 0) return generate(g, schema.allOf[0] as Schema, depth + 1);
  const type = Array.isArray(schema.type) ? pick(g, schema.type as string[]) : schema.type;
  switch (type) {
    case 'object': {
      const out: { [key: string]: Json } = {};
      const props = (schema.properties ?? {}) as Record<string, Schema>;
      const required = new Set((schema.required ?? []) as string[]);
      for (const [key, sub] of Object.entries(props)) {
        if (required.has(key) || (depth < 4 && g.random() < 0.6)) out[key] = generate(g, sub, depth + 1);
      }
      return out;
    }
    case 'array': {
      const min = typeof schema.minItems === 'number' ? schema.minItems : 0;
      const max = Math.min(typeof schema.maxItems === 'number' ? schema.maxItems : 5, min + 5);
      const n = depth > 5 ? min : min + Math.floor(g.random() * (max - min + 1));
      return Array.from({ length: n }, () => generate(g, (schema.items ?? {}) as Schema, depth + 1));
    }
    case 'string':
      return stringFor(g, schema);
    case 'integer':
      return numberFor(g, schema, true);
    case 'number':
      return numberFor(g, schema, false);
    case 'boolean':
      return g.random() < 0.5;
    case 'null':
      return null;
    default:
      return g.random() < 0.5 ? 'anything' : 1;
  }
}

/** A random hostile value of any type. */
export function hostileValue(g: Gen): Json {
  const roll = g.random();
  if (roll < 0.35) return pick(g, HOSTILE_STRINGS);
  if (roll < 0.6) return pick(g, HOSTILE_NUMBERS);
  if (roll < 0.7) return null;
  if (roll < 0.8) return g.random() < 0.5;
  if (roll < 0.9) return [pick(g, HOSTILE_STRINGS), {}];
  return { __proto__: { admin: true }, constructor: { prototype: { polluted: true } } } as unknown as Json;
}

/** One random change somewhere in `value`: a field dropped, replaced, added, or the value itself replaced. */
export function mutate(g: Gen, value: Json, depth = 0): Json {
  if (Array.isArray(value)) {
    if (value.length === 0 || g.random() < 0.2) return g.random() < 0.5 ? [...value, hostileValue(g)] : hostileValue(g);
    const i = Math.floor(g.random() * value.length);
    const copy = [...value];
    copy[i] = mutate(g, copy[i]!, depth + 1);
    return copy;
  }
  if (value !== null && typeof value === 'object') {
    const keys = Object.keys(value);
    const copy: { [key: string]: Json } = { ...value };
    const roll = g.random();
    if (keys.length === 0 || roll < 0.15) {
      // Written with defineProperty so `__proto__` becomes an own key, as JSON.parse would make it.
      Object.defineProperty(copy, pick(g, ['__proto__', 'constructor', 'extra', 'id', 'status', 'points']), {
        value: hostileValue(g),
        enumerable: true,
        writable: true,
        configurable: true,
      });
      return copy;
    }
    const key = pick(g, keys);
    if (roll < 0.35) delete copy[key];
    else copy[key] = depth < 6 && g.random() < 0.6 ? mutate(g, copy[key]!, depth + 1) : hostileValue(g);
    return copy;
  }
  return hostileValue(g);
}
