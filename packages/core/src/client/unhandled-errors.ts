/**
 * Errors nobody handles (no `error` handler, or the handler itself threw) are printed through the logger, each
 * distinct error once, the first with what to do about them; nothing is thrown.
 */
import type { Logger } from '../http/environment.js';

/** Distinct errors remembered at most (then forgotten, so a long-lived process stays bounded). */
const MAX_REMEMBERED = 500;

const HINT = "add client.on('error', (error) => ...) to handle errors yourself, or set logLevel: 'silent' to hide them";

export class UnhandledErrors {
  readonly #logger: Logger;
  readonly #seen = new Set<string>();
  #hinted = false;

  constructor(logger: Logger) {
    this.#logger = logger;
  }

  /** Logs `error` (raised in `where`) unless the same error was logged already. */
  report(where: string, error: unknown): void {
    const message = error instanceof Error ? error.message : String(error);
    const code = (error as { code?: unknown } | null)?.code;
    const name = error instanceof Error ? error.name : typeof error;
    const key = `${where}|${name}|${String(code)}|${message}`;
    if (this.#seen.has(key)) return;
    if (this.#seen.size >= MAX_REMEMBERED) this.#seen.clear();
    this.#seen.add(key);
    const fields: Record<string, unknown> = { where, error: name, message };
    if (typeof code === 'string') fields.code = code;
    if (!this.#hinted) {
      this.#hinted = true;
      fields.hint = HINT;
    }
    this.#logger.error(`unhandled ${name} in ${where}: ${message}`, fields);
  }
}
