/**
 * Fuzzing user arguments: any value given as the parameters or body of any Helix operation, or as an id to the
 * Client's cached reads, is turned into a request or refused with a `ValidationError` naming the argument, before
 * anything is sent.
 */
import fc from 'fast-check';
import { describe, it } from 'vitest';
import { checkId } from '../../packages/core/src/client/resources/context.js';
import * as operations from '../../packages/core/src/generated/helix-operations.js';
import type { AnyHelixOperation } from '../../packages/core/src/helix/operation.js';
import { HelixRequester } from '../../packages/core/src/helix/requester.js';
import { ValidationError } from '../../packages/core/src/index.js';

const ops = Object.values(operations).filter(
  (o): o is AnyHelixOperation => typeof o === 'object' && o !== null && 'path' in o && 'method' in o,
);

/** Never called: `build` validates and builds without sending. */
const requester = new HelixRequester(() => Promise.reject(new Error('nothing is sent by build')));

/** Parameters that look like the real ones, with values of any type. */
const paramsLike = fc.dictionary(
  fc.constantFrom('broadcasterId', 'userId', 'id', 'login', 'moderatorId', 'first', 'after', 'title', 'type', 'x'),
  fc.oneof(fc.string(), fc.integer(), fc.array(fc.string(), { maxLength: 120 }), fc.jsonValue({ maxDepth: 1 })),
);
const anyArgument = fc.oneof(paramsLike, fc.anything({ maxDepth: 1, maxKeys: 3 }), fc.constant(undefined));

describe('fuzz: user arguments', () => {
  it('Helix operations build a request or throw ValidationError, for 10,000 arbitrary arguments', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: ops.length - 1 }), anyArgument, anyArgument, (i, params, body) => {
        try {
          const request = requester.build(ops[i]!, params as never, body as never);
          return (
            request.path === ops[i]!.path &&
            request.query.every(([k, v]) => typeof k === 'string' && typeof v === 'string')
          );
        } catch (error) {
          return error instanceof ValidationError && error.source === 'argument';
        }
      }),
      { numRuns: 10_000 },
    );
  });

  it('ids and logins given to cached reads are accepted or refused with ValidationError, for 10,000 values', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: 1, maxLength: 12 }),
          fc.anything({ maxDepth: 1, maxKeys: 3 }),
        ),
        (value) => {
          try {
            return checkId('broadcasterId', value) === value;
          } catch (error) {
            return error instanceof ValidationError && error.field === 'broadcasterId';
          }
        },
      ),
      { numRuns: 10_000 },
    );
  });
});
