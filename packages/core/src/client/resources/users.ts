import { randomUUID } from 'node:crypto';
import { fieldsSet, replacedBy } from '../../catalog/ops.js';
import { ValidationError } from '../../errors.js';
import type { User } from '../../generated/helix-types.js';
import type { CachedReadOptions } from '../resource-cache.js';
import { checkId, type ResourceContext, shownArgument } from './context.js';

const LOGIN = /^[a-zA-Z0-9_]{1,25}$/;

/** `client.users`: users by id or login, cached; kept fresh by user.update. */
export class UsersResource {
  readonly #c: ResourceContext;
  /** login → id, learned from answers; a stale mapping is detected (the user's login differs) and refetched. */
  readonly #ids = new Map<string, string>();

  constructor(context: ResourceContext) {
    this.#c = context;
  }

  /**
   * A user by id, or null when there is none. Its `email` is present only when the reading user reads itself with
   * `user:read:email` (as Helix shows it): other users' reads never see it, from the cache either.
   */
  async get(userId: string, options?: CachedReadOptions): Promise<User | null> {
    const id = checkId('userId', userId);
    return this.#c.rc.read(
      'user',
      id,
      this.#reader(options),
      (signal) => this.#fetch({ id }, signal, options?.asUser),
      options,
    );
  }

  /** Who reads: whose answer may hold the private fields of that user's own record. */
  #reader(options: CachedReadOptions | undefined): string | undefined {
    return options?.asUser ?? this.#c.userId();
  }

  /** A user by login, or null when there is none. */
  async getByLogin(login: string, options?: CachedReadOptions): Promise<User | null> {
    if (typeof login !== 'string' || !LOGIN.test(login)) {
      throw new ValidationError(
        'argument',
        'login',
        `must be a Twitch login (1 to 25 of a-z, 0-9, _), got ${shownArgument(login)}`,
      );
    }
    const wanted = login.toLowerCase();
    const known = this.#ids.get(wanted);
    if (known) {
      const user = await this.get(known, options);
      if (user && user.login === wanted) return user;
      this.#ids.delete(wanted);
    }
    const fetched = await this.#fetch({ login: wanted });
    if (!fetched) return null;
    // Hand the answer we already have to the cache as the load of `user:<id>`, so the first read costs one request.
    let used = false;
    return this.#c.rc.read(
      'user',
      fetched.id,
      this.#reader(options),
      (signal) => {
        if (used) return this.#fetch({ id: fetched.id }, signal);
        used = true;
        return Promise.resolve(fetched);
      },
      options,
    );
  }

  /** Updates the Client user's description; Twitch's answer (the user) is what the cache records. */
  async update(body: { description?: string }, options?: { asUser?: string }): Promise<User> {
    const asUser = options?.asUser ?? this.#c.userId() ?? undefined;
    const description = body.description ?? '';
    const send = () => this.#c.helix.users.updateUser({ description }, { asUser });
    // the user written is the token's: known up front when the Client runs as that user (the usual case), so the
    // write is recorded before it is sent; else Twitch's answer says whose it was, recorded as a change
    if (asUser === undefined) {
      const answer = await send();
      const user = answer.data[0]!;
      const at = this.#c.clock.now();
      await this.#c.rc.record('user', user.id, { id: `write:${randomUUID()}`, at }, [replacedBy(user)]);
      return user;
    }
    const answer = await this.#c.rc.written('user', asUser, send, [fieldsSet({ description })], (sent) => {
      const user = sent.data[0];
      return user === undefined ? undefined : [replacedBy(user)];
    });
    return answer.data[0]!;
  }

  async #fetch(
    params: { id: string } | { login: string },
    signal?: AbortSignal,
    asUser?: string,
  ): Promise<User | null> {
    const user = (await this.#c.helix.users.getUsers(params, { signal, asUser })).data[0] ?? null;
    if (user) this.#ids.set(user.login, user.id);
    return user;
  }
}
