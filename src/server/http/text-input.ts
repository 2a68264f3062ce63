import { isUtf8 } from 'node:buffer';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { HttpProblem } from './problem.ts';

interface TextProblem {
  path: string;
  message: string;
}

const nulMessage = 'contains a NUL character, which no stored text may hold';
const unpairedSurrogate = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const surrogateMessage = 'is not valid UTF-8 (it holds an unpaired surrogate)';

/** No request schema nests deeper than a few levels; a deeper body is refused before any walk. */
const maxDepth = 32;

function textProblem(value: string, path: string): TextProblem | null {
  if (value.includes('\u0000')) return { path, message: nulMessage };
  if (unpairedSurrogate.test(value)) return { path, message: surrogateMessage };
  return null;
}

/**
 * The first string in a parsed value that PostgreSQL could not store as sent: a NUL, or an
 * unpaired surrogate (a JSON `\ud800` escape), which would be written as U+FFFD. Walked with a
 * stack of its own, so a body of ten thousand nested arrays cannot overflow the call stack.
 */
function findBadText(root: unknown, rootPath: string): TextProblem | null {
  const pending: { value: unknown; path: string; depth: number }[] = [
    { value: root, path: rootPath, depth: 0 },
  ];
  for (let next = pending.pop(); next; next = pending.pop()) {
    const { value, path, depth } = next;
    if (typeof value === 'string') {
      const found = textProblem(value, path);
      if (found) return found;
      continue;
    }
    if (!Array.isArray(value) && !isPlainObject(value)) continue;
    if (depth >= maxDepth) return { path, message: `is nested more than ${maxDepth} levels deep` };
    const entries: [string, unknown][] = Array.isArray(value)
      ? value.map((item, index) => [String(index), item])
      : Object.entries(value);
    for (const [key, field] of entries.reverse()) {
      const keyProblem = Array.isArray(value) ? null : textProblem(key, path);
      if (keyProblem) return { path, message: `has a field name that ${keyProblem.message}` };
      pending.push({ value: field, path: `${path}.${key}`, depth: depth + 1 });
    }
  }
  return null;
}

/**
 * Parsed JSON and query strings only (the query parser's objects inherit from a bare prototype);
 * a streamed import body is checked by its own reader.
 */
function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object') return false;
  const prototype = Object.getPrototypeOf(value) as object | null;
  return (
    prototype === null ||
    prototype === Object.prototype ||
    Object.getPrototypeOf(prototype) === null
  );
}

/**
 * The query string as sent: a parameter whose percent-encoding is not UTF-8 (`%E9`, `%ff`, a
 * stray `%zz`) would otherwise reach the handlers as its literal escape text.
 */
function findBadQueryEncoding(url: string): TextProblem | null {
  const start = url.indexOf('?');
  if (start < 0) return null;
  for (const pair of url.slice(start + 1).split('&')) {
    if (!pair) continue;
    const equals = pair.indexOf('=');
    const rawName = equals < 0 ? pair : pair.slice(0, equals);
    const rawValue = equals < 0 ? '' : pair.slice(equals + 1);
    const name = decodeOrNull(rawName);
    if (name === null) {
      return {
        path: 'query',
        message: `parameter name "${rawName}" is not valid UTF-8 percent-encoding`,
      };
    }
    if (decodeOrNull(rawValue) === null) {
      return { path: `query.${name}`, message: 'is not valid UTF-8 percent-encoding' };
    }
  }
  return null;
}

function decodeOrNull(text: string): string | null {
  try {
    return decodeURIComponent(text.replaceAll('+', ' '));
  } catch {
    return null;
  }
}

function invalidRequest(problem: TextProblem): HttpProblem {
  return new HttpProblem(400, 'Invalid request', `${problem.path}: ${problem.message}`, {
    errors: [problem],
  });
}

function checkRequestText(request: FastifyRequest): void {
  const problem =
    findBadQueryEncoding(request.raw.url ?? request.url) ??
    findBadText(request.query, 'query') ??
    findBadText(request.params, 'params') ??
    findBadText(request.body, 'body');
  if (problem) throw invalidRequest(problem);
}

/**
 * Refuses text no column can hold (NUL, invalid UTF-8) with a 400 naming the field, for every
 * route, before its schema is checked: PostgreSQL rejects a NUL mid-statement (a 500 after work
 * was done) and quietly replaces invalid UTF-8, so both are stopped at the door.
 */
export function registerTextInputChecks(app: FastifyInstance): void {
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, body, done) => {
    const bytes = body as Buffer;
    if (!isUtf8(bytes)) {
      done(invalidRequest({ path: 'body', message: 'is not valid UTF-8' }), undefined);
      return;
    }
    parseJson(request, bytes.toString('utf8'), done);
  });
  app.addHook('preValidation', async (request) => checkRequestText(request));
}
