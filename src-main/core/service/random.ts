// Seeded randomness for reproducible set sampling (a seed in the request gives the same sets on
// any machine). Not for anything security-relevant: sides shown to annotators use node:crypto.

/** The state a seed starts from: the seed with its high bits folded in, as a uint32. */
export function seedState(seed: number): number {
  // Fold the high bits in so seeds that differ only above 2^32 still give different streams.
  return (seed ^ Math.floor(seed / 0x1_0000_0000)) >>> 0
}

/** One mulberry32 step: the next uint32 state and the float in [0, 1) it yields. */
export function mulberry32Step(state: number): { state: number; value: number } {
  const next = (state + 0x6d2b79f5) >>> 0
  let t = next
  t = Math.imul(t ^ (t >>> 15), t | 1)
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
  return { state: next, value: ((t ^ (t >>> 14)) >>> 0) / 0x1_0000_0000 }
}

/** mulberry32: a small, fast 32-bit PRNG; returns floats in [0, 1). */
export function seededRandom(seed: number): () => number {
  if (!Number.isSafeInteger(seed)) throw new Error(`seed must be a safe integer, got ${seed}`)
  let state = seedState(seed)
  return () => {
    const step = mulberry32Step(state)
    state = step.state
    return step.value
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
