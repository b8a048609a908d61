/** Percentiles of a sample, nearest-rank, on a sorted copy. Empty samples give 0s. */
export interface Percentiles {
  p50: number;
  p99: number;
  max: number;
}

/** Nearest-rank percentiles; sorts `values` in place (pass a copy if the order matters). */
export function percentiles(values: Float64Array): Percentiles {
  if (values.length === 0) return { p50: 0, p99: 0, max: 0 };
  values.sort();
  const at = (q: number) => values[Math.min(values.length - 1, Math.max(0, Math.ceil(q * values.length) - 1))]!;
  return { p50: at(0.5), p99: at(0.99), max: values[values.length - 1]! };
}

/** A histogram on log-spaced buckets, for the latency chart: `edges[i]` is the upper bound of `counts[i]`. */
export interface Histogram {
  edges: number[];
  counts: number[];
}

/** Buckets `values` (any unit > 0) over `buckets` log-spaced bins between their min and max. */
export function logHistogram(values: Float64Array, buckets = 40): Histogram {
  if (values.length === 0) return { edges: [], counts: [] };
  let lo = Number.POSITIVE_INFINITY;
  let hi = 0;
  for (const v of values) {
    if (v > 0 && v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (!Number.isFinite(lo)) lo = hi || 1;
  if (hi <= lo) hi = lo * 2;
  const ratio = Math.log(hi / lo) / buckets;
  const edges = Array.from({ length: buckets }, (_, i) => lo * Math.exp(ratio * (i + 1)));
  const counts = new Array<number>(buckets).fill(0);
  for (const v of values) {
    const i = v <= lo ? 0 : Math.min(buckets - 1, Math.floor(Math.log(v / lo) / ratio));
    counts[i]!++;
  }
  return { edges, counts };
}
