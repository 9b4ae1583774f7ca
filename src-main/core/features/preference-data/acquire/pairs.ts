// Set-pair building (docs/methods/popalign.md §Acquisition, step 5): a candidate winner set of k images drawn from the
// augmented pool, balanced over class combinations, and a loser set of k from the neutral pool, both
// for the same neutral prompt. The sanity check counts distinct classes per axis: the augmented set
// stays the winner if on at least one axis it has as many distinct classes as the neutral set
// (the paper: #races(A) >= #races(B) or #genders(A) >= #genders(B)); otherwise the sides swap.
// Sets hold distinct images (the paper draws with replacement; a set here cannot repeat an image).
import type { Rng } from '../../../random/rng'

export interface PoolImage {
  id: number
  /** axis -> class seen by the classifier. */
  attributes: Record<string, string>
}

export interface AugmentedImage extends PoolImage {
  /** The class combination its prompt asked for, as a stable key. */
  combo: string
}

export interface BuiltPair {
  winner: number[]
  loser: number[]
  /** True when the neutral set won the diversity check. */
  swapped: boolean
  /** Distinct classes per axis in the augmented (a) and neutral (b) candidate sets. */
  diversity: Record<string, { augmented: number; neutral: number }>
}

function shuffled<T>(items: readonly T[], rng: Rng): T[] {
  const out = [...items]
  for (let i = out.length - 1; i > 0; i--) {
    const j = rng.int(i + 1)
    ;[out[i], out[j]] = [out[j], out[i]]
  }
  return out
}

/** k images, round-robin over the combinations in random order, a random unused image from each. */
export function balancedSet(pool: readonly AugmentedImage[], k: number, rng: Rng): AugmentedImage[] {
  const byCombo = new Map<string, AugmentedImage[]>()
  for (const img of pool) byCombo.set(img.combo, [...(byCombo.get(img.combo) ?? []), img])
  const combos = shuffled([...byCombo.keys()].sort(), rng)
  const left = new Map(combos.map((c) => [c, shuffled(byCombo.get(c)!, rng)]))
  const out: AugmentedImage[] = []
  while (out.length < k) {
    let took = false
    for (const c of combos) {
      if (out.length === k) break
      const next = left.get(c)!.pop()
      if (next) {
        out.push(next)
        took = true
      }
    }
    if (!took) throw new Error(`the augmented pool has ${pool.length} images; a set needs ${k}`)
  }
  return out
}

export function distinctClasses(set: readonly PoolImage[], axis: string): number {
  return new Set(set.map((i) => i.attributes[axis]).filter((c) => c !== undefined)).size
}

export function buildSetPair(augmented: readonly AugmentedImage[], neutral: readonly PoolImage[], k: number, axes: readonly string[], rng: Rng): BuiltPair {
  if (!Number.isInteger(k) || k < 1) throw new Error(`set size must be a positive integer, got ${k}`)
  if (neutral.length < k) throw new Error(`the neutral pool has ${neutral.length} images; a set needs ${k}`)
  const a = balancedSet(augmented, k, rng)
  const b = shuffled(neutral, rng).slice(0, k)
  const diversity: BuiltPair['diversity'] = {}
  for (const axis of axes) diversity[axis] = { augmented: distinctClasses(a, axis), neutral: distinctClasses(b, axis) }
  const augmentedWins = axes.some((axis) => diversity[axis].augmented >= diversity[axis].neutral)
  const ids = (s: readonly PoolImage[]) => s.map((i) => i.id)
  return augmentedWins ? { winner: ids(a), loser: ids(b), swapped: false, diversity } : { winner: ids(b), loser: ids(a), swapped: true, diversity }
}
