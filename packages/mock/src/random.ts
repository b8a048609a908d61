/** A seeded pseudo-random source: everything the emulator draws comes from one, so a seed replays a run. */
export interface Random {
  /** Uniform in [0, 1). */
  next(): number;
  /** Integer in [min, max] inclusive. */
  int(min: number, max: number): number;
  /** A string of `length` characters from `alphabet`. */
  string(length: number, alphabet?: string): string;
}

const lowerAlnum = 'abcdefghijklmnopqrstuvwxyz0123456789';

/** mulberry32: small, fast and good enough to draw lags and ids; not for secrets that matter. */
export function createRandom(seed: number): Random {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    string: (length, alphabet = lowerAlnum) => {
      let out = '';
      for (let i = 0; i < length; i++) out += alphabet[Math.floor(next() * alphabet.length)];
      return out;
    },
  };
}
