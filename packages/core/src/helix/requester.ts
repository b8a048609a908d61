import { ValidationError } from '../errors.js';
import type { Handler, HelixRequest } from '../http/types.js';
import { formatPath } from '../http/validation-middleware.js';
import type {
  AnyHelixOperation,
  CallOptions,
  HelixOperation,
  OperationRunner,
  PaginatedOperation,
  PaginateOptions,
} from './operation.js';
import { type Paginated, paginated } from './paginated.js';
import { leaseSignal } from './signal-lease.js';
import { NO_MATCH, parseCompiled } from './wire.js';

/** Validates arguments with a schema: the wire form, or a `ValidationError` naming the argument. */
function validateArgument(
  schema: AnyHelixOperation['params'],
  value: unknown,
  prefix: string,
): Record<string, unknown> | undefined {
  if (!schema) return undefined;
  const input = value ?? {};
  // The compiled check decides; zod is asked only for a refusal, so that the error names what zod names.
  const parsed = parseCompiled(schema, input);
  if (parsed !== NO_MATCH) return parsed as Record<string, unknown>;
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const field = formatPath(issue.path, prefix);
  const reason = issue.code === 'invalid_type' && issue.input === undefined ? 'is required' : issue.message;
  throw new ValidationError('argument', field, reason);
}

/** Wire parameters to query pairs: arrays repeat the key, booleans and numbers become text. */
function toQuery(params: Record<string, unknown> | undefined): [string, string][] {
  const query: [string, string][] = [];
  if (!params) return query;
  for (const key in params) {
    const value = params[key];
    if (value === undefined || value === null) continue;
    if (Array.isArray(value)) for (const item of value) query.push([key, queryText(key, item)]);
    else query.push([key, queryText(key, value)]);
  }
  return query;
}

/**
 * A query value as text. Operations that take extra parameters pass unknown keys through unchecked: anything but a
 * string, number or boolean there is refused (an object has no text form, and may not even convert).
 */
function queryText(key: string, value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  throw new ValidationError('argument', key, 'must be a string, a number or a boolean (or a list of them)');
}

/**
 * Turns operation calls into requests: validates arguments before anything is sent, sends through the middleware
 * chain and hands back the decoded result; pages through cursors for the `...Paginated` iterators.
 */
export class HelixRequester implements OperationRunner {
  readonly #handler: Handler;

  constructor(handler: Handler) {
    this.#handler = handler;
  }

  /** Builds the request of a call (validating its arguments) without sending it. */
  build<P, B, R>(operation: HelixOperation<P, B, R>, params: P, body: B, options?: CallOptions): HelixRequest {
    if (params !== undefined && params !== null && typeof params !== 'object') {
      throw new ValidationError('argument', 'params', 'must be an object');
    }
    const wireParams = validateArgument(operation.params, params, '');
    let wireBody: Record<string, unknown> | undefined;
    if (operation.body) {
      if (body === undefined || body === null || typeof body !== 'object') {
        throw new ValidationError('argument', 'body', 'must be an object');
      }
      wireBody = validateArgument(operation.body, body, 'body');
    }
    return {
      method: operation.method,
      path: operation.path,
      query: toQuery(wireParams),
      body: wireBody,
      auth: { tokenType: operation.tokenType, userId: options?.asUser, scopes: operation.scopes },
      headers: {},
      operation,
      signal: options?.signal,
    };
  }

  async run<P, B, R>(operation: HelixOperation<P, B, R>, params: P, body: B, options?: CallOptions): Promise<R> {
    const request = this.build(operation, params, body, options);
    // The middleware and undici listen on a signal of this call's own, not on the caller's (often shared) one.
    const lease = leaseSignal(request.signal);
    try {
      const response = await this.#handler(
        lease.signal === request.signal ? request : { ...request, signal: lease.signal },
      );
      return response.data as R;
    } finally {
      lease.release();
    }
  }

  paginate<P, T>(operation: PaginatedOperation<P, T>, params: P, options: PaginateOptions = {}): Paginated<T> {
    return paginated(() => this.#walk(operation, params, options));
  }

  async *#walk<P, T>(
    operation: PaginatedOperation<P, T>,
    params: P,
    options: PaginateOptions,
  ): AsyncGenerator<T, void, undefined> {
    const limit = options.limit ?? Number.POSITIVE_INFINITY;
    if (!(limit > 0)) return;
    const maxPage = operation.firstMax ?? 100;
    const pageSize = options.pageSize ?? maxPage;
    if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > maxPage) {
      throw new ValidationError('argument', 'pageSize', `must be an integer from 1 to ${maxPage}`);
    }
    let seen = 0;
    let after: string | undefined;
    const seenCursors = new Set<string>();
    for (;;) {
      const pageParams = { ...params, after } as P & { first?: number };
      if (operation.firstMax !== undefined) pageParams.first = Math.min(pageSize, limit - seen);
      const page = await this.run(operation, pageParams, undefined, options);
      for (const item of page.data) {
        yield item;
        if (++seen >= limit) return;
      }
      after = typeof page.pagination === 'string' ? page.pagination : page.pagination?.cursor;
      // An empty page, no cursor or a cursor seen before (a server bug) ends the walk instead of looping.
      if (!after || page.data.length === 0 || seenCursors.has(after)) return;
      seenCursors.add(after);
    }
  }
}
