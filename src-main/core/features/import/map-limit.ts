// Runs an async function over items with at most `limit` in flight, keeping the input order in
// the results. Decoding images one at a time leaves cores idle; all at once exhausts memory.
// After the first error no new item is started (the import must not keep committing once it has
// failed), and the returned promise rejects with that error once the calls in flight have settled.
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  if (!Number.isInteger(limit) || limit < 1) throw new Error(`concurrency limit must be a positive integer, got ${limit}`)
  const results = new Array<R>(items.length)
  let next = 0
  let failure: { error: unknown } | null = null
  const worker = async (): Promise<void> => {
    while (next < items.length && failure === null) {
      const index = next++
      try {
        results[index] = await fn(items[index], index)
      } catch (error) {
        failure ??= { error }
      }
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker))
  if (failure !== null) throw (failure as { error: unknown }).error
  return results
}
