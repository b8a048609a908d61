/**
 * A redis-server of the fault matrix's own, on a free port: faults that kill, flush, pause or cut Redis are made
 * on it, never on the shared server. Started without persistence; `kill()` is SIGKILL, `start()` again reuses the
 * port, so a Client configured with {@link OwnRedis.url} finds it again.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { Redis } from 'ioredis';
import { freePort } from '../../packages/cache/test/helpers.js';

export class OwnRedis {
  readonly port: number;
  #process: ChildProcess | undefined;

  private constructor(port: number) {
    this.port = port;
  }

  /** A server on a free port, not started yet (see {@link start}). */
  static async onFreePort(): Promise<OwnRedis> {
    return new OwnRedis(await freePort());
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  /** Starts the server and resolves once it answers PING. */
  async start(): Promise<void> {
    const child = spawn(
      'redis-server',
      ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      { stdio: 'ignore' },
    );
    this.#process = child;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`redis-server on ${this.port} exited with ${child.exitCode}`);
      if (await this.#answers()) return;
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  /** SIGKILL: the server is gone at once, its connections cut. */
  async kill(): Promise<void> {
    const child = this.#process;
    this.#process = undefined;
    if (!child || child.exitCode !== null) return;
    const exited = once(child, 'exit');
    child.kill('SIGKILL');
    await exited;
  }

  /** SIGSTOP: the server stalls, every connection stays open and nothing is answered, until {@link resume}. */
  pause(): void {
    this.#process?.kill('SIGSTOP');
  }

  /** SIGCONT after {@link pause}. */
  resume(): void {
    this.#process?.kill('SIGCONT');
  }

  /** Runs one command on the server (FLUSHALL, CLIENT KILL, ...) over a connection of its own. */
  async command(name: string, ...args: string[]): Promise<unknown> {
    const r = new Redis(this.url, { lazyConnect: true, maxRetriesPerRequest: 1 });
    try {
      await r.connect();
      return await r.call(name, ...args);
    } finally {
      r.disconnect();
    }
  }

  async #answers(): Promise<boolean> {
    const r = new Redis(this.url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    r.on('error', () => {});
    try {
      await r.connect();
      return (await r.ping()) === 'PONG';
    } catch {
      return false;
    } finally {
      r.disconnect();
    }
  }
}

export { HalfOpenPath } from '../../packages/cache/test/fixtures/half-open-path.js';
