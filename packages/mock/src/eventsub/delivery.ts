/**
 * Delivery faults: each message to a destination may be delayed, dropped, sent twice (same message_id) or held back
 * and sent after the next one, all drawn from the hub's seeded random source.
 */
import type { DeliverySettings } from './types.js';

const none: DeliverySettings = { delayMs: { min: 0, max: 0 }, dropRate: 0, duplicateRate: 0, reorderRate: 0 };

export class DeliveryScheduler {
  #settings: DeliverySettings = none;
  readonly #random: () => number;
  /** One held-back message per destination, released after the next message to it. */
  readonly #held = new Map<string, { send: () => void; timer: NodeJS.Timeout }>();
  readonly #timers = new Set<NodeJS.Timeout>();

  constructor(random: () => number) {
    this.#random = random;
  }

  get settings(): DeliverySettings {
    return this.#settings;
  }

  set(settings: DeliverySettings): void {
    const { min, max } = settings.delayMs;
    const rates = [settings.dropRate, settings.duplicateRate, settings.reorderRate];
    if (!(min >= 0 && max >= min) || rates.some((r) => !(r >= 0 && r <= 1))) {
      throw new RangeError('delivery settings: need 0 <= min <= max and rates in [0, 1]');
    }
    this.#settings = { ...settings, delayMs: { min, max } };
  }

  /** Sends `send` to `destination` with the configured faults. */
  deliver(destination: string, send: () => void): void {
    const s = this.#settings;
    if (s.dropRate > 0 && this.#random() < s.dropRate) return;
    const copies = s.duplicateRate > 0 && this.#random() < s.duplicateRate ? 2 : 1;
    for (let i = 0; i < copies; i++) this.#one(destination, send);
  }

  #one(destination: string, send: () => void): void {
    const s = this.#settings;
    if (s.reorderRate > 0 && !this.#held.has(destination) && this.#random() < s.reorderRate) {
      // Released by the next message to this destination, or after the longest delay when none comes.
      const timer = setTimeout(() => this.#release(destination), s.delayMs.max + 50);
      this.#held.set(destination, { send, timer });
      return;
    }
    const delay = s.delayMs.max > 0 ? s.delayMs.min + this.#random() * (s.delayMs.max - s.delayMs.min) : 0;
    const run = () => {
      send();
      this.#release(destination);
    };
    if (delay <= 0) {
      run();
      return;
    }
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      run();
    }, delay);
    this.#timers.add(timer);
  }

  #release(destination: string): void {
    const held = this.#held.get(destination);
    if (!held) return;
    this.#held.delete(destination);
    clearTimeout(held.timer);
    held.send();
  }

  close(): void {
    for (const t of this.#timers) clearTimeout(t);
    for (const h of this.#held.values()) clearTimeout(h.timer);
    this.#timers.clear();
    this.#held.clear();
  }
}
