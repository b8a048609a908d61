/**
 * Fuzzing OAuth token answers: whatever body a token endpoint answers with 2xx, it becomes the issued tokens (a
 * non-empty access token, scopes as a list) or an `AuthError`; an error answer becomes a message, with the
 * secrets the request carried hidden however the server placed them.
 */
import fc from 'fast-check';
import { describe, it } from 'vitest';
import { issuedTokenOf, oauthFailureMessage } from '../../packages/core/src/auth/oauth-client.js';
import { AuthError } from '../../packages/core/src/index.js';

const tokenLike = fc.record(
  {
    access_token: fc.oneof(fc.string(), fc.jsonValue({ maxDepth: 1 })),
    refresh_token: fc.oneof(fc.string(), fc.jsonValue({ maxDepth: 1 })),
    expires_in: fc.oneof(fc.integer(), fc.double(), fc.string(), fc.constant(null)),
    scope: fc.oneof(fc.array(fc.string()), fc.string(), fc.array(fc.jsonValue({ maxDepth: 1 })), fc.constant(null)),
    token_type: fc.oneof(fc.constant('bearer'), fc.jsonValue({ maxDepth: 1 })),
  },
  { requiredKeys: [] },
);

describe('fuzz: OAuth answers', () => {
  it('a 2xx token answer gives usable tokens or an AuthError, for 10,000 arbitrary bodies', () => {
    fc.assert(
      fc.property(fc.oneof(tokenLike, fc.jsonValue({ maxDepth: 1 }), fc.constant(undefined)), (body) => {
        try {
          const issued = issuedTokenOf(body);
          return (
            typeof issued.accessToken === 'string' &&
            issued.accessToken.length > 0 &&
            Array.isArray(issued.scopes) &&
            issued.scopes.every((s) => typeof s === 'string') &&
            (issued.expiresIn === undefined || issued.expiresIn >= 0)
          );
        } catch (error) {
          return error instanceof AuthError;
        }
      }),
      { numRuns: 10_000 },
    );
  });

  it('an error answer gives a message without the secrets it echoes, for 10,000 arbitrary bodies', () => {
    const secret = fc.string({
      unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz0123456789'),
      minLength: 30,
      maxLength: 30,
    });
    fc.assert(
      fc.property(
        fc.integer({ min: 300, max: 599 }),
        secret,
        secret,
        fc.string(),
        fc.string(),
        fc.constantFrom('message', 'error'),
        (status, refreshToken, clientSecret, before, after, field) => {
          const body = { status, [field]: `${before}${refreshToken}${after}${clientSecret}` };
          const message = oauthFailureMessage(status, body, [refreshToken, clientSecret]);
          return typeof message === 'string' && !message.includes(refreshToken) && !message.includes(clientSecret);
        },
      ),
      { numRuns: 10_000 },
    );
  });
});
