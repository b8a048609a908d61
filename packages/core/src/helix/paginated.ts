/**
 * What every `...Paginated` method returns: iterate it (`for await`), or collect it (`getAll()`, alias `collect()`).
 * Each iteration walks the pages anew; `limit` bounds how many items a walk yields.
 */
export interface Paginated<T> extends AsyncIterable<T> {
  /** Every item, page after page, in one array (bounded by the call's `limit`). */
  getAll(): Promise<T[]>;
  /** Same as {@link Paginated.getAll}. */
  collect(): Promise<T[]>;
}

/** Wraps a page walk: `walk()` starts a new walk each time the result is iterated or collected. */
export function paginated<T>(walk: () => AsyncIterable<T>): Paginated<T> {
  const getAll = async (): Promise<T[]> => {
    const items: T[] = [];
    for await (const item of walk()) items.push(item);
    return items;
  };
  return {
    [Symbol.asyncIterator]: () => walk()[Symbol.asyncIterator](),
    getAll,
    collect: getAll,
  };
}
