// Seeded randomness for reproducible set sampling (a seed in the request gives the same sets on
// any machine). Not for anything security-relevant: sides shown to annotators use node:crypto.

/** mulberry32: a small, fast 32-bit PRNG; returns floats in [0, 1). */
export function seededRandom(seed: number): () => number {
  if (!Number.isSafeInteger(seed)) throw new Error(`seed must be a safe integer, got ${seed}`)
  // Fold the high bits in so seeds that differ only above 2^32 still give different streams.
  let state = (seed ^ Math.floor(seed / 0x1_0000_0000)) >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 0x1_0000_0000
  }
}

/** k distinct items drawn uniformly without replacement (partial Fisher-Yates on a copy). */
export function sampleDistinct<T>(items: readonly T[], k: number, random: () => number): T[] {
  if (!Number.isInteger(k) || k < 0 || k > items.length) throw new Error(`cannot draw ${k} distinct items from ${items.length}`)
  const pool = items.slice()
  for (let i = 0; i < k; i++) {
    const j = i + Math.floor(random() * (pool.length - i))
    const tmp = pool[i]
    pool[i] = pool[j]
    pool[j] = tmp
  }
  return pool.slice(0, k)
}
