import type { z } from 'zod';
import type { TokenType } from '../auth/auth-provider.js';
import type { HttpMethod } from '../http/types.js';
import type { Paginated } from './paginated.js';

/**
 * One Helix operation as the generator describes it. `P` is the public (camelCase) parameter type, `B` the body
 * type (`undefined` when it takes none) and `R` the public result (`void` for 204 answers).
 */
export interface HelixOperation<P, B, R> {
  /** Twitch's operation id, e.g. `get-channel-information`. */
  readonly id: string;
  readonly method: HttpMethod;
  /** Path below the Helix base URL, e.g. `/channels`. */
  readonly path: string;
  readonly tokenType: TokenType;
  /** Scopes Twitch lists for the operation (any one suffices). */
  readonly scopes: readonly string[];
  /** Validates the parameters and turns them into wire names; absent when the operation takes none. */
  readonly params?: z.ZodType<Record<string, unknown>> | undefined;
  /** Validates the body and turns it into wire names; absent when the operation takes none. */
  readonly body?: z.ZodType<Record<string, unknown>> | undefined;
  /** Parses the successful answer into the public shape; absent when Twitch answers 204 with no body. */
  readonly response?: z.ZodType<Record<string, unknown>> | undefined;
  /** Whether the answer is not JSON (e.g. `text/calendar`); the result is then the raw text. */
  readonly rawText?: boolean | undefined;
  /** Largest `first` (page size) Twitch accepts, when the operation takes `first`. */
  readonly firstMax?: number | undefined;
  /** Phantom types only: never set. */
  readonly __types?: { params: P; body: B; result: R };
}

/** An operation of any types, as the middleware sees it. */
// biome-ignore lint/suspicious/noExplicitAny: the chain handles every operation alike
export type AnyHelixOperation = HelixOperation<any, any, any>;

/** Declares a generated operation with its types. */
export function defineOperation<P, B, R>(operation: HelixOperation<P, B, R>): HelixOperation<P, B, R> {
  return Object.freeze(operation);
}

/** Per-call options accepted by every Helix method. */
export interface CallOptions {
  /** Cancels the call wherever it is: queued, waiting for the rate limit, backing off, or on the wire. */
  signal?: AbortSignal | undefined;
  /**
   * The user on whose behalf the call is made: selects that user's token from the provider. Default: the
   * provider's default user (user-token endpoints) or whatever the provider picks (app-or-user endpoints).
   */
  asUser?: string | undefined;
}

/** Options of the `...Paginated` iterators. */
export interface PaginateOptions extends CallOptions {
  /** Stop after this many items (default: all). */
  limit?: number | undefined;
  /** Page size, 1 to 100 (default 100, or less when `limit` is smaller). */
  pageSize?: number | undefined;
}

/** An operation whose answer is a page of `T` with Twitch's cursor (an object, or a bare string on a few endpoints). */
export type PaginatedOperation<P, T> = HelixOperation<
  P,
  undefined,
  { data: T[]; pagination?: { cursor?: string | undefined } | string | undefined }
>;

/** Runs operations; implemented by the Helix client and handed to the generated groups. */
export interface OperationRunner {
  run<P, B, R>(operation: HelixOperation<P, B, R>, params: P, body: B, options?: CallOptions): Promise<R>;
  paginate<P, T>(operation: PaginatedOperation<P, T>, params: P, options?: PaginateOptions): Paginated<T>;
}

/** Base of the generated groups: holds the runner. */
export abstract class HelixGroup {
  protected readonly runner: OperationRunner;
  constructor(runner: OperationRunner) {
    this.runner = runner;
  }
}
