/**
 * `@twitchify/core`: the Client (events, cached reads, write-through, chat), its options and events, auth providers
 * and OAuth flows, the resource catalog, the errors of the SDK, and `HelixClient` for uncached Helix calls. The
 * Helix layer's parts (groups, operations, types, middlewares) are on `@twitchify/core/helix`.
 *
 * @packageDocumentation
 */

export { AppTokenProvider, type AppTokenProviderOptions } from './auth/app-token-provider.js';
export {
  type AccessToken,
  type AccessTokenInit,
  type AuthProvider,
  createAccessToken,
  type TokenRequest,
  type TokenType,
} from './auth/auth-provider.js';
export {
  type AuthorizationCodeFlowOptions,
  type AuthorizedUser,
  authorizeWithLocalServer,
} from './auth/authorization-code-flow.js';
export { authorizeWithDeviceCode, type DeviceCodeFlowOptions, type DeviceCodePrompt } from './auth/device-code-flow.js';
export {
  type DeviceAuthorization,
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
export { CATALOG, type CoverageLine, catalogEntry, coverageFor, entriesForEvent } from './catalog/catalog.js';
export type {
  CatalogEntry,
  Effect,
  EventPayload,
  EventRule,
  FeedRule,
  ResourceKind,
  WriteRule,
} from './catalog/types.js';
export type { AuthCallbackOptions } from './client/auth-callback.js';
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
export type { ChannelsResource } from './client/resources/channels.js';
export type { ChatMessageRef, ChatResource, SentChatMessage } from './client/resources/chat.js';
export type {
  ChannelPointsResource,
  GoalsResource,
  HypeTrainResource,
  PollsResource,
  PredictionsResource,
  ScheduleResource,
  SubscriptionsResource,
} from './client/resources/community.js';
export type { ModerationResource } from './client/resources/moderation.js';
export type { StreamsResource } from './client/resources/streams.js';
export type { UserRef } from './client/resources/user-refs.js';
export type { UsersResource } from './client/resources/users.js';
export type { RunTokens, RunWithProvider } from './client/runtime.js';
export type { PlannedSubscription } from './client/subscription-plan.js';
export type { MeterProviderLike, TelemetryOptions, TracerProviderLike } from './client/telemetry.js';
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
  type TwitchifyErrorOptions,
  ValidationError,
  type ValidationSource,
} from './errors.js';
export type {
  BannedUser,
  BanUserBody,
  BanUserResponse,
  ChannelInformation,
  ChatSettings,
  CustomReward,
  GetBroadcasterSubscriptionsResponse,
  GetChannelEmotesResponse,
  GetChannelFollowersResponse,
  GetChannelStreamScheduleResponse,
  GetCreatorGoalsResponse,
  GetHypeTrainStatusResponse,
  GetPollsResponse,
  GetPredictionsResponse,
  ModifyChannelInformationBody,
  Stream,
  UpdateChatSettingsBody,
  User,
  UserModerator,
  UserVip,
} from './generated/helix-types.js';
export { HelixClient, type HelixClientOptions, TWITCH_HELIX_URL } from './helix/helix-client.js';
export type { CallOptions, PaginateOptions } from './helix/operation.js';
export type { Paginated } from './helix/paginated.js';
export type { Clock, Logger } from './http/environment.js';
export { type LoggerLike, type LogLevel, stderrLogger } from './logger.js';
