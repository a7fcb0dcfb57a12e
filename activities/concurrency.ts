/**
 * Runs `work` over items that arrive in pages, with at most `limit` in flight. `nextPage` is called
 * one call at a time until it answers an empty page; the next page is asked for while the lanes
 * still have work (when no more than `limit` items are left), so they never all wait on a load,
 * and memory holds at most about two pages and what is in flight. The first error stops every lane
 * from taking another item, and is thrown only once all lanes have settled: when the activity
 * fails, nothing of it is still posting, so its retry never overlaps with it.
 */
export async function forEachConcurrentPaged<T>(
  nextPage: () => Promise<T[]>,
  limit: number,
  work: (item: T) => Promise<void>,
): Promise<void> {
  let buffer: T[] = [];
  let next = 0;
  let loading: Promise<void> | undefined;
  let exhausted = false;
  let failure: { error: unknown } | undefined;

  const load = (): Promise<void> => {
    loading ??= nextPage()
      .then(
        (page) => {
          if (page.length === 0) exhausted = true;
          buffer = buffer.slice(next).concat(page);
          next = 0;
        },
        (error: unknown) => void (failure ??= { error }),
      )
      .finally(() => (loading = undefined));
    return loading;
  };
  const waitForItem = async (): Promise<T | undefined> => {
    while (next >= buffer.length && !exhausted && !failure) await load();
    return failure || next >= buffer.length ? undefined : buffer[next++];
  };
  const lane = async () => {
    while (!failure) {
      if (!exhausted && buffer.length - next <= limit) void load();
      // A buffered item is taken at once: no promise per item while the buffer holds some.
      const item = next < buffer.length ? buffer[next++] : await waitForItem();
      if (item === undefined) return;
      try {
        await work(item);
      } catch (error) {
        failure ??= { error };
      }
    }
  };

  await Promise.all(Array.from({ length: limit }, lane));
  await loading; // a page asked for ahead is not left loading behind the caller's back
  if (failure) throw failure.error;
}
