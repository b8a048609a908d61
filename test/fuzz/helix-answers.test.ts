/**
 * Fuzzing Helix answers: whatever status, headers and body a server sends, decoding it for any operation gives the
 * decoded result or a typed error (`HelixError`, `AuthError`, `ValidationError`), never anything else. Bodies are
 * arbitrary text, arbitrary JSON, and valid-looking answers with fields of the wrong type or missing.
 */
import fc from 'fast-check';
import { describe, it } from 'vitest';
import * as operations from '../../packages/core/src/generated/helix-operations.js';
import type { AnyHelixOperation } from '../../packages/core/src/helix/operation.js';
import { decode } from '../../packages/core/src/http/validation-middleware.js';
import { AuthError, HelixError, ValidationError } from '../../packages/core/src/index.js';

const ops = Object.values(operations).filter(
  (o): o is AnyHelixOperation => typeof o === 'object' && o !== null && 'path' in o && 'method' in o,
);

/** A valid-looking Helix answer with fields of any type: `data` of objects whose fields are arbitrary JSON. */
const helixLike = fc.record(
  {
    data: fc.oneof(
      fc.array(
        fc.dictionary(
          fc.constantFrom('id', 'user_id', 'title', 'broadcaster_id', 'total', 'x'),
          fc.jsonValue({ maxDepth: 1 }),
        ),
        { maxLength: 3 },
      ),
      fc.jsonValue({ maxDepth: 1 }),
    ),
    pagination: fc.oneof(fc.record({ cursor: fc.oneof(fc.string(), fc.integer()) }), fc.jsonValue({ maxDepth: 1 })),
    total: fc.oneof(fc.integer(), fc.string()),
    message: fc.oneof(fc.string(), fc.jsonValue({ maxDepth: 1 })),
  },
  { requiredKeys: [] },
);

const body = fc.oneof(
  fc.string({ maxLength: 60 }),
  fc.json({ maxDepth: 1 }),
  helixLike.map((v) => JSON.stringify(v)),
  helixLike.map((v) => JSON.stringify(v).slice(0, -3)), // cut short
);

const raw = fc.record({
  status: fc.oneof(
    fc.constantFrom(200, 201, 202, 204, 400, 401, 403, 404, 409, 429, 500, 503),
    fc.integer({ min: 100, max: 599 }),
  ),
  contentType: fc.oneof(fc.constant('application/json'), fc.constant('text/html'), fc.string(), fc.constant(undefined)),
  body,
});

describe('fuzz: Helix answers', () => {
  it('decode gives a result or a typed error for 10,000 arbitrary answers', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: ops.length - 1 }), raw, (i, r) => {
        const operation = ops[i]!;
        const request = {
          method: operation.method,
          path: operation.path,
          query: [],
          auth: { tokenType: 'user', scopes: [] },
          headers: {},
        } as never;
        const answer = {
          status: r.status,
          headers: r.contentType === undefined ? {} : { 'content-type': r.contentType },
          body: r.body,
        };
        try {
          decode(operation, request, answer);
          return r.status >= 200 && r.status < 300;
        } catch (error) {
          return error instanceof HelixError || error instanceof AuthError || error instanceof ValidationError;
        }
      }),
      { numRuns: 10_000 },
    );
  });
});
