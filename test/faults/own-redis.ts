/**
 * A redis-server of the fault matrix's own, on a free port: faults that kill, flush, pause or cut Redis are made
 * on it, never on the shared server. Started without persistence; `kill()` is SIGKILL, `start()` again reuses the
 * port, so a Client configured with {@link OwnRedis.url} finds it again.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { connect, createServer, type Server, type Socket } from 'node:net';
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

/**
 * A TCP path to a server that can go half-open: while frozen no byte passes either way and no socket closes, as
 * when a link dies without a reset. Connections made while frozen are held the same way.
 */
export class HalfOpenPath {
  readonly #sockets = new Set<Socket>();
  readonly #server: Server;
  #frozen = false;

  private constructor(server: Server) {
    this.#server = server;
  }

  /** A path on a free port to `upstreamPort` on 127.0.0.1. */
  static async to(upstreamPort: number): Promise<HalfOpenPath> {
    const server = createServer();
    const path = new HalfOpenPath(server);
    server.on('connection', (client) => path.#join(client, upstreamPort));
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    return path;
  }

  get url(): string {
    return `redis://127.0.0.1:${(this.#server.address() as { port: number }).port}`;
  }

  /** Freezes (true) or thaws (false) every connection through the path. */
  freeze(frozen: boolean): void {
    this.#frozen = frozen;
    for (const s of this.#sockets) {
      if (frozen) s.pause();
      else s.resume();
    }
  }

  async close(): Promise<void> {
    for (const s of this.#sockets) s.destroy();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  #join(client: Socket, upstreamPort: number): void {
    const upstream = connect(upstreamPort, '127.0.0.1');
    for (const s of [client, upstream]) {
      this.#sockets.add(s);
      s.on('error', () => s.destroy());
      s.on('close', () => {
        this.#sockets.delete(s);
        client.destroy();
        upstream.destroy();
      });
      if (this.#frozen) s.pause();
    }
    client.pipe(upstream);
    upstream.pipe(client);
  }
}
