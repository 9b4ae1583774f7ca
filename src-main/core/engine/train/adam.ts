// Adam on tfjs variables with state that can be exported and restored bit for bit (tf.train.adam
// keeps its moments in unnamed internal variables and its step in a closure), which kill-and-resume
// needs.
import type * as TF from '@tensorflow/tfjs'
import type { Tf } from '../tf/backend'

export interface AdamSettings {
  learningRate: number
  beta1: number
  beta2: number
  eps: number
}

export interface AdamState {
  /** Updates applied so far (bias correction uses step + 1 for the next one). */
  step: number
  m: Record<string, Float32Array>
  v: Record<string, Float32Array>
}

export class Adam {
  private readonly m = new Map<string, TF.Variable>()
  private readonly v = new Map<string, TF.Variable>()
  private stepCount = 0

  constructor(
    private readonly tf: Tf,
    private readonly params: Map<string, TF.Variable>,
    private readonly settings: AdamSettings
  ) {
    for (const [name, p] of params) {
      for (const store of [this.m, this.v]) {
        const zeros = tf.zerosLike(p)
        store.set(name, tf.variable(zeros, false))
        zeros.dispose() // the variable holds its own reference to the buffer
      }
    }
  }

  get step(): number {
    return this.stepCount
  }

  /** Applies one update from gradients keyed by parameter name (every parameter must have one). */
  apply(grads: Map<string, TF.Tensor>): void {
    const tf = this.tf
    const { learningRate, beta1, beta2, eps } = this.settings
    const t = this.stepCount + 1
    // Bias corrections folded into the step size, computed in float64 on the JS side.
    const alpha = (learningRate * Math.sqrt(1 - beta2 ** t)) / (1 - beta1 ** t)
    const epsHat = eps * Math.sqrt(1 - beta2 ** t)
    tf.tidy(() => {
      for (const [name, p] of this.params) {
        const g = grads.get(name)
        if (!g) throw new Error(`adam: no gradient for ${name}`)
        const m = this.m.get(name)!
        const v = this.v.get(name)!
        const m1 = tf.add(tf.mul(m, beta1), tf.mul(g, 1 - beta1))
        const v1 = tf.add(tf.mul(v, beta2), tf.mul(tf.square(g), 1 - beta2))
        m.assign(m1)
        v.assign(v1)
        p.assign(tf.sub(p, tf.mul(tf.div(m1, tf.add(tf.sqrt(v1), epsHat)), alpha)))
      }
    })
    this.stepCount = t
  }

  exportState(): AdamState {
    const m: Record<string, Float32Array> = {}
    const v: Record<string, Float32Array> = {}
    for (const name of this.params.keys()) {
      m[name] = new Float32Array(this.m.get(name)!.dataSync())
      v[name] = new Float32Array(this.v.get(name)!.dataSync())
    }
    return { step: this.stepCount, m, v }
  }

  loadState(state: AdamState): void {
    if (!Number.isInteger(state.step) || state.step < 0) throw new Error(`adam state: step must be a non-negative integer, got ${state.step}`)
    for (const [name, p] of this.params) {
      for (const [kind, table, store] of [
        ['m', state.m, this.m],
        ['v', state.v, this.v]
      ] as const) {
        const values = table[name]
        if (!values || values.length !== p.size) throw new Error(`adam state: ${kind} for ${name} is missing or has the wrong size`)
        const target = store.get(name)!
        this.tf.tidy(() => target.assign(this.tf.tensor(values, p.shape)))
      }
    }
    this.stepCount = state.step
  }

  dispose(): void {
    for (const x of [...this.m.values(), ...this.v.values()]) x.dispose()
  }
}
