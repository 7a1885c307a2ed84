/**
 * A tolerant reader for JavaScript object literals inside inline scripts
 * (`{event: 'purchase', ecommerce: {value: 114.00}}`), so tracking calls on a
 * saved page can be read without executing anything. Unquoted keys, single
 * quotes, comments and trailing commas are accepted; anything that is code
 * rather than data (a variable, a call) is skipped and reads as `undefined`.
 * Numbers are returned as their source text so money never becomes a float.
 */

const MAX_DEPTH = 32;
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

class Reader {
  index: number;
  constructor(readonly text: string, start: number) {
    this.index = start;
  }

  skipSpace(): void {
    const { text } = this;
    while (this.index < text.length) {
      const char = text.charCodeAt(this.index);
      if (char === 32 || char === 9 || char === 10 || char === 13 || char === 0xa0) {
        this.index += 1;
      } else if (text.startsWith('//', this.index)) {
        const end = text.indexOf('\n', this.index);
        this.index = end === -1 ? text.length : end;
      } else if (text.startsWith('/*', this.index)) {
        const end = text.indexOf('*/', this.index + 2);
        this.index = end === -1 ? text.length : end + 2;
      } else {
        return;
      }
    }
  }

  peek(): string {
    return this.text.charAt(this.index);
  }
}

/** Parses the literal starting at `start` (after optional space); undefined when it is not data. */
export function parseJsLiteral(text: string, start = 0): unknown {
  try {
    return readValue(new Reader(text, start), 0);
  } catch {
    return undefined;
  }
}

function readValue(reader: Reader, depth: number): unknown {
  if (depth > MAX_DEPTH) throw new Error('too deep');
  reader.skipSpace();
  const char = reader.peek();
  if (char === '{') return readObject(reader, depth);
  if (char === '[') return readArray(reader, depth);
  if (char === '"' || char === "'" || char === '`') return readString(reader);
  const number = /^-?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?/.exec(reader.text.slice(reader.index, reader.index + 40));
  if (number !== null && !/[\w$]/.test(reader.text.charAt(reader.index + number[0].length))) {
    reader.index += number[0].length;
    return number[0];
  }
  const word = /^[A-Za-z_$][\w$]*/.exec(reader.text.slice(reader.index, reader.index + 64));
  if (word !== null) {
    const after = reader.text.charAt(reader.index + word[0].length);
    if (!/[\s,}\]]/.test(after) && after !== '') return skipExpression(reader);
    reader.index += word[0].length;
    if (word[0] === 'true') return true;
    if (word[0] === 'false') return false;
    if (word[0] === 'null') return null;
    return undefined;
  }
  return skipExpression(reader);
}

function readObject(reader: Reader, depth: number): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  reader.index += 1;
  for (;;) {
    reader.skipSpace();
    const char = reader.peek();
    if (char === '}') {
      reader.index += 1;
      return result;
    }
    if (char === '') throw new Error('unterminated object');
    const key = readKey(reader);
    reader.skipSpace();
    let value: unknown;
    if (reader.peek() === ':') {
      reader.index += 1;
      value = readValue(reader, depth + 1);
    } else if (key === undefined) {
      // A spread (`...rest`) or something unexpected: skip it rather than fail.
      skipExpression(reader);
    }
    if (key !== undefined && !FORBIDDEN_KEYS.has(key) && value !== undefined) result[key] = value;
    reader.skipSpace();
    if (reader.peek() === ',') reader.index += 1;
    else if (reader.peek() !== '}') throw new Error('expected , or }');
  }
}

function readKey(reader: Reader): string | undefined {
  const char = reader.peek();
  if (char === '"' || char === "'") return readString(reader);
  const word = /^[A-Za-z_$0-9][\w$]*/.exec(reader.text.slice(reader.index, reader.index + 128));
  if (word === null) return undefined;
  reader.index += word[0].length;
  return word[0];
}

function readArray(reader: Reader, depth: number): unknown[] {
  const result: unknown[] = [];
  reader.index += 1;
  for (;;) {
    reader.skipSpace();
    const char = reader.peek();
    if (char === ']') {
      reader.index += 1;
      return result;
    }
    if (char === '') throw new Error('unterminated array');
    result.push(readValue(reader, depth + 1));
    reader.skipSpace();
    if (reader.peek() === ',') reader.index += 1;
    else if (reader.peek() !== ']') throw new Error('expected , or ]');
  }
}

const ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', b: '\b', f: '\f', v: '\v', '0': '\0' };

function readString(reader: Reader): string {
  const { text } = reader;
  const quote = text.charAt(reader.index);
  let result = '';
  let index = reader.index + 1;
  while (index < text.length) {
    const char = text.charAt(index);
    if (char === quote) {
      reader.index = index + 1;
      return result;
    }
    if (char === '\\') {
      const next = text.charAt(index + 1);
      if (next === 'u' && /^[0-9a-fA-F]{4}$/.test(text.slice(index + 2, index + 6))) {
        result += String.fromCharCode(parseInt(text.slice(index + 2, index + 6), 16));
        index += 6;
        continue;
      }
      result += ESCAPES[next] ?? next;
      index += 2;
      continue;
    }
    result += char;
    index += 1;
  }
  throw new Error('unterminated string');
}

/** Moves past one expression that is code, not data, stopping before `,` `}` or `]` at its own level. */
function skipExpression(reader: Reader): undefined {
  const end = findExpressionEnd(reader.text, reader.index);
  if (end === reader.index) throw new Error('unexpected token');
  reader.index = end;
  return undefined;
}

function findExpressionEnd(text: string, start: number): number {
  let depth = 0;
  let index = start;
  while (index < text.length) {
    const char = text.charAt(index);
    if (char === '"' || char === "'" || char === '`') {
      index = skipQuoted(text, index);
      continue;
    }
    if (char === '/' && (text.charAt(index + 1) === '/' || text.charAt(index + 1) === '*')) {
      index = skipComment(text, index);
      continue;
    }
    if (char === '(' || char === '[' || char === '{') depth += 1;
    else if (char === ')' || char === ']' || char === '}') {
      if (depth === 0) return index;
      depth -= 1;
    } else if (char === ',' && depth === 0) return index;
    index += 1;
  }
  return index;
}

/** The index just after the line comment or block comment that starts at `start`. */
function skipComment(text: string, start: number): number {
  if (text.charAt(start + 1) === '/') {
    const end = text.indexOf('\n', start);
    return end === -1 ? text.length : end;
  }
  const end = text.indexOf('*/', start + 2);
  return end === -1 ? text.length : end + 2;
}

function skipQuoted(text: string, start: number): number {
  const quote = text.charAt(start);
  let index = start + 1;
  while (index < text.length) {
    const char = text.charAt(index);
    if (char === '\\') index += 2;
    else if (char === quote) return index + 1;
    else index += 1;
  }
  return index;
}

/**
 * The index just after the bracket that closes the one at `open`, aware of
 * strings; -1 when it does not close within `maxLength` characters.
 */
export function closingIndex(text: string, open: number, maxLength: number): number {
  const limit = Math.min(text.length, open + maxLength);
  let depth = 0;
  let index = open;
  while (index < limit) {
    const char = text.charAt(index);
    if (char === '"' || char === "'" || char === '`') {
      index = skipQuoted(text, index);
      continue;
    }
    if (char === '/' && (text.charAt(index + 1) === '/' || text.charAt(index + 1) === '*')) {
      index = skipComment(text, index);
      continue;
    }
    if (char === '(' || char === '[' || char === '{') depth += 1;
    else if (char === ')' || char === ']' || char === '}') {
      depth -= 1;
      if (depth === 0) return index + 1;
    }
    index += 1;
  }
  return -1;
}
