/** Helpers over the Helix client's paginated reads. */

/** Collects every item of a paginated read into one frozen-friendly array. */
export async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}
