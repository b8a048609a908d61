/** One request the emulator answered, for tests and for the consistency checker. */
export interface RequestLogEntry {
  /** ms since epoch (the emulator's clock) when the request arrived. */
  at: number;
  method: string;
  /** Full path, e.g. `/helix/channels`. */
  path: string;
  /** Query parameters; repeated ones as arrays. */
  query: Record<string, string | string[]>;
  status: number;
  userId?: string;
  clientId?: string;
  /** The resource versions this request's answer was built from. */
  served?: Array<{ key: string; version: number }>;
}

/** A bounded log of requests (the oldest fall off past `max`). */
export class RequestLog {
  readonly #entries: RequestLogEntry[] = [];
  readonly #max: number;

  constructor(max = 100_000) {
    this.#max = max;
  }

  add(entry: RequestLogEntry): void {
    this.#entries.push(entry);
    if (this.#entries.length > this.#max) this.#entries.splice(0, this.#entries.length - this.#max);
  }

  list(): RequestLogEntry[] {
    return [...this.#entries];
  }

  clear(): void {
    this.#entries.length = 0;
  }
}

/** Query parameters that carry credentials (OAuth clients may send them in the query): logged as `***`. */
const SECRET_PARAMS = new Set(['client_secret', 'access_token', 'refresh_token', 'token', 'code', 'device_code']);

/** The query as the log keeps it, credentials hidden (the log is served over `/admin/requests`). */
export function queryRecord(query: URLSearchParams): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const key of new Set(query.keys())) {
    const values = SECRET_PARAMS.has(key.toLowerCase()) ? query.getAll(key).map(() => '***') : query.getAll(key);
    out[key] = values.length === 1 ? values[0]! : values;
  }
  return out;
}
