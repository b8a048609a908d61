import type { Clock } from '../clock.js';
import { MockOptionsError } from '../errors.js';
import type { Random } from '../random.js';

interface DeviceGrant {
  deviceCode: string;
  userCode: string;
  clientId: string;
  scopes: string[];
  expiresAt: number;
  intervalMs: number;
  lastPollAt: number;
  userId?: string;
  denied?: boolean;
}

/** Lifetime and poll interval of the device codes issued from now on. */
export interface DeviceCodeSettings {
  /** Seconds a code stays valid; default 1800 (Twitch's 30 minutes). */
  lifetimeSeconds: number;
  /** Seconds the device must wait between polls; default 5. */
  intervalSeconds: number;
}

/** Twitch's values. */
export const DEFAULT_DEVICE_CODES: Readonly<DeviceCodeSettings> = Object.freeze({
  lifetimeSeconds: 1800,
  intervalSeconds: 5,
});

/** What a poll of the token endpoint learns about a device code. */
export type DevicePoll =
  | { status: 'authorized'; userId: string; scopes: string[] }
  | { status: 'authorization_pending' | 'slow_down' | 'expired' | 'access_denied' | 'invalid' };

/**
 * Device code grants: issued by /oauth2/device, approved or denied by a user (the activate page or the handle),
 * polled.
 */
export class DeviceCodes {
  readonly #byDevice = new Map<string, DeviceGrant>();
  readonly #clock: Clock;
  readonly #random: Random;
  #settings: DeviceCodeSettings;

  constructor(clock: Clock, random: Random, settings: Partial<DeviceCodeSettings> = {}) {
    this.#clock = clock;
    this.#random = random;
    this.#settings = checkSettings({ ...DEFAULT_DEVICE_CODES, ...settings });
  }

  get settings(): DeviceCodeSettings {
    return { ...this.#settings };
  }

  /** Changes the lifetime and interval of codes issued from now on (codes already out keep theirs). */
  configure(settings: Partial<DeviceCodeSettings>): void {
    this.#settings = checkSettings({ ...this.#settings, ...settings });
  }

  issue(clientId: string, scopes: string[]): DeviceGrant {
    const grant: DeviceGrant = {
      deviceCode: this.#random.string(40),
      userCode: this.#random.string(8, 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789'),
      clientId,
      scopes,
      expiresAt: this.#clock.now() + this.#settings.lifetimeSeconds * 1000,
      intervalMs: this.#settings.intervalSeconds * 1000,
      lastPollAt: 0,
    };
    this.#byDevice.set(grant.deviceCode, grant);
    return grant;
  }

  /** A user approves the code shown on the device. Returns false for unknown, expired or decided codes. */
  approve(userCode: string, userId: string): boolean {
    const grant = this.#pending(userCode);
    if (grant) grant.userId = userId;
    return grant !== undefined;
  }

  /** A user refuses the code shown on the device: the next poll answers `access_denied`. */
  deny(userCode: string): boolean {
    const grant = this.#pending(userCode);
    if (grant) grant.denied = true;
    return grant !== undefined;
  }

  /** The live grant a user code names that nobody has approved or denied yet. */
  #pending(userCode: string): DeviceGrant | undefined {
    const now = this.#clock.now();
    for (const grant of this.#byDevice.values()) {
      if (grant.userCode === userCode.toUpperCase() && grant.expiresAt > now && !grant.userId && !grant.denied) {
        return grant;
      }
    }
    return undefined;
  }

  /** One poll; polling faster than the interval earns `slow_down`, as RFC 8628 says. */
  poll(deviceCode: string, clientId: string): DevicePoll {
    const grant = this.#byDevice.get(deviceCode);
    if (!grant || grant.clientId !== clientId) return { status: 'invalid' };
    const now = this.#clock.now();
    if (grant.expiresAt <= now) {
      this.#byDevice.delete(deviceCode);
      return { status: 'expired' };
    }
    if (grant.denied) {
      this.#byDevice.delete(deviceCode);
      return { status: 'access_denied' };
    }
    if (grant.userId) {
      this.#byDevice.delete(deviceCode);
      return { status: 'authorized', userId: grant.userId, scopes: grant.scopes };
    }
    const tooSoon = grant.lastPollAt > 0 && now - grant.lastPollAt < grant.intervalMs;
    grant.lastPollAt = now;
    return { status: tooSoon ? 'slow_down' : 'authorization_pending' };
  }
}

function checkSettings(s: DeviceCodeSettings): DeviceCodeSettings {
  if (!(Number.isFinite(s.lifetimeSeconds) && s.lifetimeSeconds > 0)) {
    throw new MockOptionsError(`device code lifetimeSeconds must be a positive number, got ${s.lifetimeSeconds}`);
  }
  if (!(Number.isFinite(s.intervalSeconds) && s.intervalSeconds > 0)) {
    throw new MockOptionsError(`device code intervalSeconds must be a positive number, got ${s.intervalSeconds}`);
  }
  return s;
}
