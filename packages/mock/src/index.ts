/**
 * `@twitchify/mock`: a Twitch emulator (Helix, OAuth, EventSub) on one port, with Twitch's read lag, delivery
 * faults and HTTP faults, deterministic from a seed, recording the history of every resource it holds.
 */

export { ALL_SCOPES } from './auth/allScopes.js';
export { DEFAULT_DEVICE_CODES, type DeviceCodeSettings } from './auth/deviceCodes.js';
export type { IssuedUserToken } from './auth/tokenStore.js';
export type { Clock } from './clock.js';
export { MockError, MockOptionsError, MockServerError, MockStateError } from './errors.js';
export type { ExampleOverrides } from './eventsub/examples.js';
export type { DeliverySettings, EventSubHub, HubSessionInfo } from './eventsub/hub.js';
export { variantNames } from './eventsub/twitchShapes.js';
export type {
  ExternalChanges,
  ExternalChannelPatch,
  ExternalChatSettingsPatch,
  ExternalUserPatch,
} from './external.js';
export type { FaultSpec } from './http/faults.js';
export type { RateLimitOptions } from './http/rateLimiter.js';
export type { RequestLogEntry } from './http/requestLog.js';
export type { AuthContext, HelixRoute, MockRequest, MockResponse } from './http/route.js';
export { helixError } from './http/route.js';
export type { MockLogger } from './logger.js';
export type { MockOptions, MockServer, MockUrls } from './mockServer.js';
export { DEFAULT_EVENT_DELIVERY, startMock } from './mockServer.js';
export type { ChatLine } from './ops/chatMessageOps.js';
export type { GoalType } from './ops/goalOps.js';
export type { RewardImage, RewardInput } from './ops/rewardOps.js';
export type { LagOptions, LagRange, ResourceKind, StreamFlap } from './state/lagPolicy.js';
export { DEFAULT_LAG, RESOURCE_KINDS } from './state/lagPolicy.js';
export type { MockUser } from './state/seedUsers.js';
export type { ChangeOrigin, HistoryEntry } from './state/versionedStore.js';
