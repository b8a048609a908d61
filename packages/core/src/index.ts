/**
 * @twitchify/core: the Client (events, cached reads, write-through), every Helix operation, auth and OAuth flows,
 * the resource catalog, and the errors of the SDK.
 */

export { AppTokenProvider, type AppTokenProviderOptions } from './auth/app-token-provider.js';
export {
  type AccessToken,
  type AccessTokenInit,
  type AuthProvider,
  createAccessToken,
  hideSecretsFromInspect,
  type TokenRequest,
  type TokenType,
  tokenFingerprint,
} from './auth/auth-provider.js';
export {
  type AuthorizationCodeFlowOptions,
  type AuthorizedUser,
  authorizeWithLocalServer,
} from './auth/authorization-code-flow.js';
export { authorizeWithDeviceCode, type DeviceCodeFlowOptions, type DeviceCodePrompt } from './auth/device-code-flow.js';
export {
  type IssuedToken,
  OAuthClient,
  type OAuthClientOptions,
  type TokenInfo,
  TWITCH_OAUTH_URL,
} from './auth/oauth-client.js';
export {
  RefreshingAuthProvider,
  type RefreshingAuthProviderEvents,
  type RefreshingAuthProviderOptions,
  type UserTokenData,
} from './auth/refreshing-auth-provider.js';
export { StaticAuthProvider, type StaticAuthProviderOptions } from './auth/static-auth-provider.js';
export { TokenValidator, type TokenValidatorOptions, type ValidationOutcome } from './auth/token-validator.js';
export { CATALOG, type CoverageLine, catalogEntry, coverageFor, entriesForEvent } from './catalog/catalog.js';
export type { CatalogEntry, Effect, EventRule, FeedRule, ResourceKind, WriteRule } from './catalog/types.js';
export type { CachePort } from './client/cache-port.js';
export { type CacheReport, Client, type ClientStatus } from './client/client.js';
export type { Unsubscribe } from './client/emitter.js';
export type { EventFeed } from './client/event-feed.js';
export type {
  AuthTokens,
  ClientEvents,
  ClientLifecycleEvents,
  DeviceCode,
  EventOf,
  SubscriptionType,
} from './client/events.js';
export type { ClientInstrument, ClientOptions, ClientUrls } from './client/options.js';
export type { CachedReadOptions } from './client/resource-cache.js';
export type { RunTokens } from './client/runtime.js';
export {
  AbortError,
  AuthError,
  ClientStateError,
  ConfigurationError,
  HelixError,
  NetworkError,
  RateLimitError,
  redactSecrets,
  SubscriptionRefusedError,
  TimeoutError,
  TwitchifyError,
  ValidationError,
  type ValidationSource,
} from './errors.js';
export * from './generated/helix-groups.js';
export * as helixOperations from './generated/helix-operations.js';
export type * from './generated/helix-types.js';
export { BatchLookups } from './helix/batch-lookups.js';
export { Batcher, type BatcherOptions } from './helix/batcher.js';
export { HelixClient, type HelixClientOptions, TWITCH_HELIX_URL } from './helix/helix-client.js';
export {
  type AnyHelixOperation,
  type CallOptions,
  defineOperation,
  HelixGroup,
  type HelixOperation,
  type OperationRunner,
  type PaginateOptions,
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
export { type LoggerLike, type LogLevel, stderrLogger } from './logger.js';
