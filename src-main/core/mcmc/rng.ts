// A resumable seeded generator for MCMC chains. Its whole state is one uint32 that is stored with
// the chain after every decision, so a chain reopened after a restart draws exactly the proposals it
// would have drawn without the restart. Not for anything security-relevant.

/** The state a seed starts from (high bits folded in, as core/service/random.ts does). */
export function initialRngState(seed: number): number {
  if (!Number.isSafeInteger(seed) || seed < 0) throw new Error(`seed must be a non-negative safe integer, got ${seed}`)
  return (seed ^ Math.floor(seed / 0x1_0000_0000)) >>> 0
}

/** mulberry32 with its state exposed: `next()` returns a float in [0, 1). */
export class ChainRng {
  constructor(public state: number) {
    if (!Number.isInteger(state) || state < 0 || state > 0xffff_ffff) throw new Error(`RNG state must be a uint32, got ${state}`)
  }

  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0
    let t = this.state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 0x1_0000_0000
  }

  /** A uniform integer in [0, n). */
  below(n: number): number {
    if (!Number.isInteger(n) || n <= 0) throw new Error(`cannot draw below ${n}`)
    return Math.floor(this.next() * n)
  }
}
