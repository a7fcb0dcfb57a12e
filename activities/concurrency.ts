/**
 * Runs `work` over items that arrive in pages, with at most `limit` in flight: `nextPage` is
 * called (one call at a time) whenever the buffer runs dry, until it answers an empty page, so
 * memory holds one page and what is in flight. The first error stops every lane from taking
 * another item, and is thrown only once all lanes have settled: when the activity fails, nothing
 * of it is still posting, so its retry never overlaps with it.
 */
export async function forEachConcurrentPaged<T>(nextPage: () => Promise<T[]>, limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let buffer: T[] = [];
  let loading: Promise<void> | undefined;
  let exhausted = false;
  const take = async (): Promise<T | undefined> => {
    while (buffer.length === 0 && !exhausted) {
      loading ??= nextPage()
        .then((page) => {
          if (page.length === 0) exhausted = true;
          buffer = buffer.concat(page);
        })
        .finally(() => (loading = undefined));
      await loading;
    }
    return buffer.shift();
  };
  let failure: { error: unknown } | undefined;
  const lane = async () => {
    while (!failure) {
      try {
        const item = await take();
        if (item === undefined) return;
        await work(item);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: limit }, lane));
  if (failure) throw failure.error;
}
