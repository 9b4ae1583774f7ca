// Weight averaging: an exponential moving average (EMA) of a model's weights, updated after every
// optimiser step. Sampling from the average instead of the last weights smooths out the step-to-step
// noise of training (the Debias reference samples from EMA 0.9999 weights). The decay warms up, so the
// first averages are not dominated by the starting weights.
import type * as TF from '@tensorflow/tfjs'
import type { DiTParams } from '../model/dit-tf'
import type { Tf } from '../tf/backend'

/** Decay used after update number `step` (1-based): min(decay, (1 + step) / (10 + step)). */
export function emaDecayAt(step: number, decay: number): number {
  return Math.min(decay, (1 + step) / (10 + step))
}

export class WeightAverage {
  private readonly average = new Map<string, TF.Variable>()

  /** Starts at `initial` (a resumed run's average) or at the model's current weights. */
  constructor(
    private readonly tf: Tf,
    params: ReadonlyMap<string, TF.Variable>,
    initial?: DiTParams
  ) {
    for (const [name, p] of params) {
      const start = initial?.[name]
      if (initial && !start) throw new Error(`weight average: no averaged weights for ${name}`)
      this.average.set(name, start ? tf.variable(tf.tensor(start, p.shape), false) : tf.variable(p.clone(), false))
    }
  }

  /** Folds in the model's weights after update number `step` (1-based). */
  update(params: ReadonlyMap<string, TF.Variable>, step: number, decay: number): void {
    const d = emaDecayAt(step, decay)
    this.tf.tidy(() => {
      for (const [name, v] of params) {
        const e = this.average.get(name) as TF.Variable
        e.assign(this.tf.add(this.tf.mul(e, d), this.tf.mul(v, 1 - d)))
      }
    })
  }

  /** Replaces the average with `params` (a checkpoint's). */
  load(params: DiTParams): void {
    for (const [name, v] of this.average) {
      const values = params[name]
      if (!values) throw new Error(`weight average: no averaged weights for ${name}`)
      this.tf.tidy(() => v.assign(this.tf.tensor(values, v.shape)))
    }
  }

  export(): DiTParams {
    const out: DiTParams = {}
    for (const [name, v] of this.average) out[name] = new Float32Array(v.dataSync())
    return out
  }

  dispose(): void {
    for (const v of this.average.values()) v.dispose()
  }
}
