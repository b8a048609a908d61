import type { Clock } from '../clock.js';
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
}

/** What a poll of the token endpoint learns about a device code. */
export type DevicePoll =
  | { status: 'authorized'; userId: string; scopes: string[] }
  | { status: 'authorization_pending' | 'slow_down' | 'expired' | 'invalid' };

/** Device code grants: issued by /oauth2/device, approved by a user (the activate page or the handle), polled. */
export class DeviceCodes {
  readonly #byDevice = new Map<string, DeviceGrant>();
  readonly #clock: Clock;
  readonly #random: Random;

  constructor(clock: Clock, random: Random) {
    this.#clock = clock;
    this.#random = random;
  }

  issue(clientId: string, scopes: string[], expiresInSeconds = 1800, intervalSeconds = 5): DeviceGrant {
    const grant: DeviceGrant = {
      deviceCode: this.#random.string(40),
      userCode: this.#random.string(8, 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789'),
      clientId,
      scopes,
      expiresAt: this.#clock.now() + expiresInSeconds * 1000,
      intervalMs: intervalSeconds * 1000,
      lastPollAt: 0,
    };
    this.#byDevice.set(grant.deviceCode, grant);
    return grant;
  }

  /** A user approves the code shown on the device. Returns false for unknown or expired codes. */
  approve(userCode: string, userId: string): boolean {
    for (const grant of this.#byDevice.values()) {
      if (grant.userCode === userCode.toUpperCase() && grant.expiresAt > this.#clock.now()) {
        grant.userId = userId;
        return true;
      }
    }
    return false;
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
    if (grant.userId) {
      this.#byDevice.delete(deviceCode);
      return { status: 'authorized', userId: grant.userId, scopes: grant.scopes };
    }
    const tooSoon = grant.lastPollAt > 0 && now - grant.lastPollAt < grant.intervalMs;
    grant.lastPollAt = now;
    return { status: tooSoon ? 'slow_down' : 'authorization_pending' };
  }
}
