/** Helpers over the Helix client's paginated reads. */

/** Collects every item of a paginated read into one frozen-friendly array. */
export async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

/**
 * Every item of a cursor-paginated read, page by page through `fetch(after)`. Used where the generated paginator
 * cannot serve (Twitch's spec types `first` of Get Moderators as a string, which the paginator sends as a number).
 */
export async function allPages<T>(
  fetch: (after: string | undefined) => Promise<{ readonly data: readonly T[]; readonly pagination?: unknown }>,
  maxPages = 100,
): Promise<T[]> {
  const out: T[] = [];
  let after: string | undefined;
  for (let page = 0; page < maxPages; page++) {
    const answer = await fetch(after);
    out.push(...answer.data);
    const p = answer.pagination as { cursor?: string } | string | undefined;
    after = typeof p === 'string' ? p : p?.cursor;
    if (!after || answer.data.length === 0) break;
  }
  return out;
}
