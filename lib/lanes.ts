// Work spread over a few lanes (database connections): each lane takes the next item as soon as it is free, so
// independent statements run at the same time; the results come back in the items' order.
/** A failure stops every lane from taking more work and is thrown once all lanes are idle (a lane's connection may
 *  then be closed safely). */
export async function inLanes<L, T, R>(lanes: L[], items: T[], work: (lane: L, item: T, index: number) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  let failure: { err: unknown } | undefined;
  await Promise.all(lanes.map(async (lane) => {
    while (!failure && next < items.length) {
      const i = next++;
      try {
        results[i] = await work(lane, items[i], i);
      } catch (err) {
        failure ??= { err };
      }
    }
  }));
  if (failure) throw failure.err;
  return results;
}
