/**
 * `@twitchify/core/helix`: the uncached Helix layer under the Client, for apps that compose their own: every
 * generated Helix group, operation and type, the requester and its middlewares (auth, rate limit, retry,
 * concurrency, validation), the transport, the rate-limit bucket and the token validator. The Client's own surface
 * is `@twitchify/core`.
 */

export { hideSecretsFromInspect, tokenFingerprint } from './auth/auth-provider.js';
export { TokenValidator, type TokenValidatorOptions, type ValidationOutcome } from './auth/token-validator.js';
export type { CachePort } from './client/cache-port.js';
export * from './generated/helix-groups.js';
export * as helixOperations from './generated/helix-operations.js';
export type * from './generated/helix-types.js';
export { BatchLookups, type LookupSource } from './helix/batch-lookups.js';
export { Batcher, type BatcherOptions } from './helix/batcher.js';
export {
  type AnyHelixOperation,
  defineOperation,
  HelixGroup,
  type HelixOperation,
  type OperationRunner,
  type PaginatedOperation,
} from './helix/operation.js';
export { HelixRequester } from './helix/requester.js';
export { type AuthMiddlewareOptions, authMiddleware } from './http/auth-middleware.js';
export { concurrencyMiddleware } from './http/concurrency-middleware.js';
export { type Clock, type Logger, silentLogger, systemClock } from './http/environment.js';
export { type BucketState, RateLimitBucket, type RateLimitHeaders } from './http/rate-limit-bucket.js';
export { parseRateLimitHeaders, type RateLimitOptions, rateLimitMiddleware } from './http/rate-limit-middleware.js';
export { isIdempotent, type RetryOptions, retryMiddleware } from './http/retry-middleware.js';
export { createDefaultDispatcher, createTransport, type TransportOptions } from './http/transport.js';
export {
  type AuthContext,
  composeMiddleware,
  type Handler,
  type HelixRawResponse,
  type HelixRequest,
  type HttpMethod,
  type Middleware,
} from './http/types.js';
export { decode as decodeHelixResponse, validationMiddleware } from './http/validation-middleware.js';
