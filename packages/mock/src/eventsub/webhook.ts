/**
 * Webhook deliveries: Twitch's `Twitch-Eventsub-*` headers, the HMAC-SHA256 signature over id + timestamp + body,
 * the callback verification challenge, and retries with doubling delays before the subscription is revoked.
 */
import { createHmac } from 'node:crypto';
import { wireSubscription } from './frames.js';
import { timestamp, uuid } from './ids.js';
import type { HubSubscription } from './types.js';

export interface WebhookSenderOptions {
  fetch: typeof fetch;
  random(): number;
  now(): number;
  retries: { attempts: number; delayMs: number };
  /** Every attempt failed: the hub revokes the subscription. */
  onFailed(sub: HubSubscription): void;
}

type MessageType = 'notification' | 'webhook_callback_verification' | 'revocation';

/** Where a message goes: a webhook subscription's callback, or a conduit shard's. */
interface Target {
  callback: string;
  secret: string;
  /** The subscription's type and version, for the `Twitch-Eventsub-Subscription-*` headers (absent for a shard). */
  type?: string;
  version?: string;
}

function targetOf(sub: HubSubscription): Target {
  if (sub.transport.method !== 'webhook') throw new Error('not a webhook subscription');
  return { callback: sub.transport.callback, secret: sub.transport.secret, type: sub.type, version: sub.version };
}

/** A conduit subscription as a webhook shard's sender sees it: the shard's callback and secret. */
export function viaShard(sub: HubSubscription, shard: { callback: string; secret?: string }): HubSubscription {
  return { ...sub, transport: { method: 'webhook', callback: shard.callback, secret: shard.secret ?? '' } };
}

export function sign(secret: string, messageId: string, messageTimestamp: string, body: string): string {
  return `sha256=${createHmac('sha256', secret)
    .update(messageId + messageTimestamp + body)
    .digest('hex')}`;
}

export class WebhookSender {
  readonly #o: WebhookSenderOptions;
  readonly #timers = new Set<NodeJS.Timeout>();
  #closed = false;

  constructor(options: WebhookSenderOptions) {
    this.#o = options;
  }

  /** Sends the challenge; true when the callback answered 200 with the challenge as its body. */
  async verify(sub: HubSubscription): Promise<boolean> {
    return this.#challenge(targetOf(sub), (challenge) => ({ challenge, subscription: wireSubscription(sub) }));
  }

  /**
   * Sends the challenge to a conduit shard's callback before the shard is enabled. The body names the shard where
   * a subscription's challenge names the subscription.
   */
  verifyShard(conduitId: string, shardId: string, callback: string, secret: string): Promise<boolean> {
    return this.#challenge({ callback, secret }, (challenge) => ({
      challenge,
      shard: { conduit_id: conduitId, id: shardId },
    }));
  }

  async #challenge(target: Target, payload: (challenge: string) => Record<string, unknown>): Promise<boolean> {
    const challenge = uuid(this.#o.random);
    const body = JSON.stringify(payload(challenge));
    try {
      const res = await this.#post(target, 'webhook_callback_verification', uuid(this.#o.random), body, 0);
      return res.status === 200 && (await res.text()) === challenge;
    } catch {
      return false;
    }
  }

  /**
   * Sends a notification or revocation, retrying on failure; the same message id and timestamp on every attempt
   * (`at`: when the change was committed; default now).
   */
  send(
    sub: HubSubscription,
    type: 'notification' | 'revocation',
    payload: Record<string, unknown>,
    id?: string,
    at?: number,
  ): void {
    const messageId = id ?? uuid(this.#o.random);
    const ts = timestamp(at ?? this.#o.now());
    const body = JSON.stringify(payload);
    const attempt = (n: number) => {
      if (this.#closed) return;
      this.#post(targetOf(sub), type, messageId, body, n, ts)
        .then((res) => {
          void res.body?.cancel();
          if (res.status < 200 || res.status >= 300) throw new Error(`status ${res.status}`);
        })
        .catch(() => {
          if (n >= this.#o.retries.attempts) {
            if (type === 'notification') this.#o.onFailed(sub);
            return;
          }
          const timer = setTimeout(
            () => {
              this.#timers.delete(timer);
              attempt(n + 1);
            },
            this.#o.retries.delayMs * 2 ** n,
          );
          this.#timers.add(timer);
        });
    };
    attempt(0);
  }

  #post(target: Target, type: MessageType, id: string, body: string, retry: number, ts?: string) {
    const messageTimestamp = ts ?? timestamp(this.#o.now());
    const subscriptionHeaders: Record<string, string> =
      target.type && target.version
        ? { 'twitch-eventsub-subscription-type': target.type, 'twitch-eventsub-subscription-version': target.version }
        : {};
    return this.#o.fetch(target.callback, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'twitch-eventsub-message-id': id,
        'twitch-eventsub-message-retry': String(retry),
        'twitch-eventsub-message-type': type,
        'twitch-eventsub-message-signature': sign(target.secret, id, messageTimestamp, body),
        'twitch-eventsub-message-timestamp': messageTimestamp,
        ...subscriptionHeaders,
      },
      body,
      signal: AbortSignal.timeout(10_000),
    });
  }

  close(): void {
    this.#closed = true;
    for (const t of this.#timers) clearTimeout(t);
    this.#timers.clear();
  }
}
