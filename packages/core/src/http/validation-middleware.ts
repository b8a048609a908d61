import { AuthError, HelixError, ValidationError } from '../errors.js';
import type { AnyHelixOperation } from '../helix/operation.js';
import { NO_MATCH, parseCompiled } from '../helix/wire.js';
import { type HelixRawResponse, type HelixRequest, headerValue, type Middleware } from './types.js';

/** Joins a zod issue path the way a reader writes it: `data[0].broadcaster_id`. */
export function formatPath(path: readonly PropertyKey[], prefix = ''): string {
  let out = prefix;
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out.length > 0 ? `.${String(part)}` : String(part);
  }
  return out || 'body';
}

/** Twitch's `message` of an error body, if the body is Twitch's JSON error shape. */
function twitchMessage(raw: HelixRawResponse): string | undefined {
  try {
    const parsed = JSON.parse(raw.body) as unknown;
    if (parsed && typeof parsed === 'object' && typeof (parsed as { message?: unknown }).message === 'string') {
      return (parsed as { message: string }).message;
    }
  } catch {
    // Not JSON (an HTML error page, a truncated body): the status alone tells what happened.
  }
  return undefined;
}

/** Turns a non-2xx answer into the matching typed error. */
export function errorFor(request: HelixRequest, raw: HelixRawResponse): Error {
  const init = {
    status: raw.status,
    method: request.method,
    endpoint: request.path,
    twitchMessage: twitchMessage(raw),
  };
  // a server (or a proxy) may echo the token it was sent: hide it by value
  const secrets = [raw.token?.accessToken, request.token?.accessToken];
  const helixError = new HelixError(init, { secrets });
  if (raw.status === 401) {
    return new AuthError(`${request.method} ${request.path} was refused: ${init.twitchMessage ?? 'unauthorized'}`, {
      status: 401,
      cause: helixError,
      secrets,
    });
  }
  return helixError;
}

/** The content type last found to be JSON or not: answers of one API repeat one header value. */
let lastType = '';
let lastIsJson = false;

function isJson(contentType: string): boolean {
  if (contentType !== lastType) {
    lastIsJson = /\bjson\b/i.test(contentType);
    lastType = contentType;
  }
  return lastIsJson;
}

/**
 * Decodes a successful answer against its operation's schema into the public (camelCase) result; non-JSON
 * bodies, truncated JSON and fields that do not match become a `ValidationError` naming the field. Error statuses
 * become `HelixError` (401: `AuthError`). Sits outside retry, so only the final answer is decoded.
 */
export function decode(operation: AnyHelixOperation, request: HelixRequest, raw: HelixRawResponse): unknown {
  if (raw.status < 200 || raw.status >= 300) throw errorFor(request, raw);
  if (operation.rawText) return raw.body;
  if (!operation.response) return undefined;
  const contentType = headerValue(raw, 'content-type') ?? '';
  if (!isJson(contentType)) {
    throw new ValidationError('response', 'body', `expected a JSON body, got \`${contentType || 'no content type'}\``);
  }
  let json: unknown;
  try {
    json = JSON.parse(raw.body);
  } catch (error) {
    throw new ValidationError('response', 'body', 'not valid JSON (malformed or truncated)', { cause: error });
  }
  const data = parseCompiled(operation.response, json);
  if (data !== NO_MATCH) return data;
  // Refused: zod's safeParse names the field.
  const result = operation.response.safeParse(json);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    throw new ValidationError('response', formatPath(issue.path), issue.message, { cause: result.error });
  }
  return result.data;
}

/** The validation layer as middleware: decodes the final answer of requests that carry an operation. */
export function validationMiddleware(): Middleware {
  return (next) => async (request) => {
    const raw = await next(request);
    if (!request.operation) return raw;
    const data = decode(request.operation, request, raw);
    return { status: raw.status, headers: raw.headers, body: raw.body, data };
  };
}
