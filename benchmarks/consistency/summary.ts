/** Turns a row's history and check into the JSON object the benchmark writes (one per row). */
import type { CheckResult, Violations } from './checker.js';
import type { History } from './history.js';
import { type Histogram, logHistogram, percentiles } from './stats.js';

/** One row of the results, as written to JSON and shown in the table. */
export interface RowSummary {
  system: string;
  processes: number;
  reads: number;
  readsPerSecond: number;
  violations: Violations;
  hitRate: number;
  helixRequests: number;
  /** The busiest token's Helix requests per minute (Twitch allows 800 points per minute per token). */
  helixPerTokenPerMinute: number;
  /** Helix requests per 1,000 reads. */
  helixPer1kReads: number;
  readLatencyUs: { p50: number; p99: number };
  stalenessMs: { p50: number; p99: number; max: number };
  staleReads: number;
  unmatchedReads: number;
  /** The bus delay bound δ the run measured (0 for one process). */
  deltaMs: number;
  durationMs: number;
  writesAcknowledged: number;
  eventsReceived: number;
  errors: number;
  notes: string[];
  brokenByProcess: CheckResult['brokenByProcess'];
  examples: CheckResult['examples'];
  /**
   * Per resource (`channel`, `vips`): reads, unmatched and phantom reads (a VIP list equal to no committed state),
   * violations per promise and a few examples.
   */
  byResource: CheckResult['byResource'];
  /** Staleness per bucket of the run (the soak: per minute), to see whether it grows with time. */
  stalenessOverTime: CheckResult['stalenessOverTime'];
  /** For the report's charts. */
  charts: { latency: Histogram; stalenessOverTime: CheckResult['stalenessOverTime'] };
}

export function summarize(
  row: {
    system: string;
    processes: number;
    durationMs: number;
    helixRequests: number;
    helixPerTokenPerMinute: number;
    check: CheckResult;
    deltaMs: number;
    errors: number;
    notes: string[];
  },
  history: History,
): RowSummary {
  const r = history.reads;
  const lat = new Float64Array(r.size);
  let hits = 0;
  for (let i = 0; i < r.size; i++) {
    lat[i] = (r.end[i]! - r.start[i]!) * 1000;
    if (r.isFromCache(i)) hits++;
  }
  const latency = logHistogram(lat);
  const p = percentiles(lat);
  const round = (x: number, d = 2) => Math.round(x * 10 ** d) / 10 ** d;
  return {
    system: row.system,
    processes: row.processes,
    reads: r.size,
    readsPerSecond: Math.round(r.size / (row.durationMs / 1000)),
    violations: row.check.violations,
    hitRate: r.size ? round(hits / r.size, 4) : 0,
    helixRequests: row.helixRequests,
    helixPerTokenPerMinute: row.helixPerTokenPerMinute,
    helixPer1kReads: r.size ? round((row.helixRequests / r.size) * 1000, 3) : 0,
    readLatencyUs: { p50: round(p.p50), p99: round(p.p99) },
    stalenessMs: {
      p50: round(row.check.staleness.p50),
      p99: round(row.check.staleness.p99),
      max: round(row.check.staleness.max),
    },
    staleReads: row.check.staleReads,
    unmatchedReads: row.check.unmatched,
    deltaMs: row.deltaMs,
    durationMs: Math.round(row.durationMs),
    writesAcknowledged: history.acks.length,
    eventsReceived: history.events.length,
    errors: row.errors,
    notes: row.notes,
    brokenByProcess: row.check.brokenByProcess,
    examples: row.check.examples,
    byResource: row.check.byResource,
    stalenessOverTime: row.check.stalenessOverTime.map((b) => ({
      ...b,
      max: round(b.max),
      p99: round(b.p99),
      mean: round(b.mean),
    })),
    charts: { latency, stalenessOverTime: row.check.stalenessOverTime },
  };
}
