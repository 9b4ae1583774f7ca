// A resumable seeded generator for MCMC chains. Its whole state is one uint32 that is stored with
// the chain after every decision, so a chain reopened after a restart draws exactly the proposals it
// would have drawn without the restart. Not for anything security-relevant.

import { mulberry32Step, seedState } from '../service/random'

/** The state a seed starts from (high bits folded in, as core/service/random.ts does). */
export function initialRngState(seed: number): number {
  if (!Number.isSafeInteger(seed) || seed < 0) throw new Error(`seed must be a non-negative safe integer, got ${seed}`)
  return seedState(seed)
}

/** mulberry32 with its state exposed: `next()` returns a float in [0, 1). */
export class ChainRng {
  constructor(public state: number) {
    if (!Number.isInteger(state) || state < 0 || state > 0xffff_ffff) throw new Error(`RNG state must be a uint32, got ${state}`)
  }

  next(): number {
    const step = mulberry32Step(this.state)
    this.state = step.state
    return step.value
  }

  /** A uniform integer in [0, n). */
  below(n: number): number {
    if (!Number.isInteger(n) || n <= 0) throw new Error(`cannot draw below ${n}`)
    return Math.floor(this.next() * n)
  }
}
