/**
 * EventSub over webhooks: one handler for node's `http` (`handler.node`) and for Fetch `Request`/`Response`
 * (`handler.fetch`). It verifies the signature over the raw body, refuses stale timestamps and replayed ids, answers
 * the verification challenge, surfaces revocations, and can reconcile the app's webhook subscriptions.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { EventSubApi } from './api.js';
import { EventSubError, EventSubOptionsError, EventSubWebhookError } from './errors.js';
import { keyOfSubscription } from './subscription.js';
import { type ReconcileResult, SubscriptionManager } from './subscriptionManager.js';
import { EventSubTransportBase, type TransportBaseOptions } from './transport.js';
import { type SubscriptionSpec, specKey } from './types.js';
import { validateSpec } from './validateSpec.js';
import { readHeaders, verifySignature, verifyTimestamp } from './webhookVerifier.js';
import { array, object, optional, record, string, unknown } from './wire/check.js';
import { type WireNotificationBody, wireSubscription } from './wire/frames.js';

export interface EventSubWebhookHandlerOptions extends TransportBaseOptions {
  /** The secret given when subscribing, 10 to 100 characters. */
  secret: string;
  /** Larger bodies answer 413; default 1 MiB. */
  maxBodyBytes?: number;
  /** Older (or further in the future) timestamps answer 403; default 10 minutes, as Twitch asks. */
  maxAgeMs?: number;
  /**
   * Message ids are remembered for twice `maxAgeMs` (a request's timestamp may lie up to `maxAgeMs` ahead of its
   * arrival), so that no signed request is delivered twice while its timestamp is accepted. At most `capacity` ids
   * are held (default 500 000, about 830 messages a second for 20 minutes); when that many are all inside the window,
   * new messages answer 503 with `TWITCHIFY_EVENTSUB_WEBHOOK_BUSY` and Twitch retries them later.
   */
  dedupe?: { capacity?: number };
}

/** What the handler answers, independent of the HTTP stack. */
export interface WebhookAnswer {
  status: number;
  body: string;
  contentType: string;
}

/** A webhook body: a notification's payload, a revocation's, or a verification's (with its challenge). */
const webhookBody = object({
  subscription: wireSubscription,
  event: optional(record(unknown)),
  events: optional(array(unknown)),
  challenge: optional(string),
});

export class EventSubWebhookHandler extends EventSubTransportBase {
  readonly #secret: string;
  readonly #maxBody: number;
  readonly #maxAge: number;
  readonly #subIds = new Map<string, string>();

  constructor(options: EventSubWebhookHandlerOptions) {
    const maxAge = options?.maxAgeMs ?? 10 * 60_000;
    super({
      ...options,
      dedupe: { capacity: 500_000, ...options?.dedupe, windowMs: 2 * maxAge, whenFull: 'refuse' },
    });
    if (typeof options?.secret !== 'string' || options.secret.length < 10 || options.secret.length > 100) {
      throw new EventSubOptionsError('secret', 'must be 10 to 100 characters');
    }
    this.#secret = options.secret;
    this.#maxBody = options.maxBodyBytes ?? 1024 * 1024;
    this.#maxAge = maxAge;
  }

  /** Nothing to open: the app's HTTP server calls `node` or `fetch`. */
  async start(): Promise<void> {}
  async stop(): Promise<void> {}

  /** Handles one request given its headers and raw body. Never throws. */
  handle(get: (name: string) => string | undefined, body: Uint8Array): WebhookAnswer {
    try {
      const h = readHeaders(get);
      verifySignature(this.#secret, h, body);
      verifyTimestamp(h, this.clock.now(), this.#maxAge);
      let parsed: WireNotificationBody & { challenge?: string };
      try {
        parsed = JSON.parse(Buffer.from(body).toString('utf8'));
        if (webhookBody(parsed) !== undefined) throw new TypeError('not an EventSub body');
      } catch {
        throw new EventSubWebhookError(
          'TWITCHIFY_EVENTSUB_WEBHOOK_BAD_REQUEST',
          'body is not an EventSub message',
          400,
        );
      }
      const at = this.clock.now();
      const sub = parsed.subscription;
      if (h.messageType === 'webhook_callback_verification') {
        if (!parsed.challenge)
          throw new EventSubWebhookError('TWITCHIFY_EVENTSUB_WEBHOOK_BAD_REQUEST', 'no challenge', 400);
        this.#subIds.set(sub.id, keyOfSubscription(sub));
        this.coverage.covered(keyOfSubscription(sub), at);
        return { status: 200, body: parsed.challenge, contentType: 'text/plain' };
      }
      if (h.messageType === 'revocation') {
        if (this.receiver.revoked(h.messageId, sub, at) === 'full') throw busy();
        this.coverage.uncovered(keyOfSubscription(sub), at, 'revoked', sub.status);
        return { status: 204, body: '', contentType: 'text/plain' };
      }
      if (h.messageType !== 'notification' || (!parsed.event && !parsed.events)) {
        throw new EventSubWebhookError('TWITCHIFY_EVENTSUB_WEBHOOK_BAD_REQUEST', 'unknown message type', 400);
      }
      const admission = this.receiver.receive(h.messageId, h.timestamp, parsed, at, 'webhook');
      if (admission === 'full') throw busy();
      if (admission === 'duplicate') {
        // A replay is acknowledged (so that a genuine retry stops) but never delivered twice.
        this.receiver.error(
          new EventSubWebhookError('TWITCHIFY_EVENTSUB_WEBHOOK_REPLAY', 'message id already received', 200),
        );
      }
      return { status: 204, body: '', contentType: 'text/plain' };
    } catch (error) {
      const e =
        error instanceof EventSubWebhookError
          ? error
          : new EventSubWebhookError('TWITCHIFY_EVENTSUB_WEBHOOK_BAD_REQUEST', 'request refused', 400);
      this.receiver.error(e);
      return { status: e.status, body: e.code, contentType: 'text/plain' };
    }
  }

  /** node `http` request handler. */
  readonly node = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    let answer: WebhookAnswer;
    try {
      const body = await readBody(req, this.#maxBody);
      answer = body ? this.handle((n) => headerOf(req, n), body) : tooLarge();
    } catch {
      answer = { status: 400, body: 'TWITCHIFY_EVENTSUB_WEBHOOK_BAD_REQUEST', contentType: 'text/plain' };
    }
    res.writeHead(answer.status, { 'content-type': answer.contentType }).end(answer.body);
  };

  /** Fetch API handler (`Request` in, `Response` out), for Bun, Deno, workers and undici servers. */
  readonly fetch = async (request: Request): Promise<Response> => {
    const length = Number(request.headers.get('content-length') ?? 0);
    let answer: WebhookAnswer;
    if (length > this.#maxBody) answer = tooLarge();
    else {
      try {
        const body = await readStream(request.body, this.#maxBody);
        answer = body ? this.handle((n) => request.headers.get(n) ?? undefined, body) : tooLarge();
      } catch {
        answer = { status: 400, body: 'TWITCHIFY_EVENTSUB_WEBHOOK_BAD_REQUEST', contentType: 'text/plain' };
      }
    }
    return new Response(answer.status === 204 ? null : answer.body, {
      status: answer.status,
      headers: { 'content-type': answer.contentType },
    });
  };

  /**
   * Makes the app's webhook subscriptions for `callback` exactly `specs` (app token API): adopts, deletes orphans,
   * creates the missing ones. Each becomes covered when Twitch's challenge reaches this handler.
   */
  async sync(api: EventSubApi, callback: string, specs: readonly SubscriptionSpec[]): Promise<ReconcileResult> {
    const desired = new Map<string, SubscriptionSpec>();
    for (const spec of specs) {
      validateSpec(spec);
      desired.set(specKey(spec), spec);
      this.coverage.track(specKey(spec), spec);
    }
    const manager = new SubscriptionManager({ api, logger: this.logger });
    const result = await manager.reconcile(desired, {
      transport: { method: 'webhook', callback, secret: this.#secret },
      owns: (s) => s.transport.method === 'webhook' && s.transport.callback === callback,
      delivers: () => true,
    });
    const now = this.clock.now();
    for (const key of result.active.keys())
      if (result.active.get(key)?.status === 'enabled') this.coverage.covered(key, now);
    for (const [key, error] of result.failed) {
      this.coverage.uncovered(key, now, 'create-failed', error.message);
      if (error instanceof EventSubError) this.receiver.error(error);
    }
    return result;
  }
}

function tooLarge(): WebhookAnswer {
  return { status: 413, body: 'TWITCHIFY_EVENTSUB_WEBHOOK_BAD_REQUEST', contentType: 'text/plain' };
}

function busy(): EventSubWebhookError {
  return new EventSubWebhookError(
    'TWITCHIFY_EVENTSUB_WEBHOOK_BUSY',
    'message id set is full of ids inside the replay window; retry later',
    503,
  );
}

/**
 * A Fetch body read chunk by chunk, or undefined as soon as it exceeds `max` (the stream is cancelled, never
 * buffered whole): a missing or false Content-Length cannot make the handler read more than `max`.
 */
async function readStream(stream: ReadableStream<Uint8Array> | null, max: number): Promise<Uint8Array | undefined> {
  if (!stream) return new Uint8Array(0);
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > max) {
      await reader.cancel().catch(() => {});
      return undefined;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks, size);
}

function headerOf(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/** The raw body, or undefined when it exceeds `max` (the rest is drained, not buffered). */
async function readBody(req: IncomingMessage, max: number): Promise<Uint8Array | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  let over = false;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > max) over = true;
    if (!over) chunks.push(chunk);
  }
  return over ? undefined : Buffer.concat(chunks);
}
