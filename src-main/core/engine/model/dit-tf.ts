// The DiT of dit-spec.ts in TensorFlow.js, shaped for the wasm backend (docs/methods/engine-performance.md §tfjs on wasm):
// every linear layer is a 2-D matMul on [B*T, D] (rank-3 x rank-2 matMul has a broken gradient in
// tfjs 4.22), LayerNorm and SiLU carry hand-written gradients (stock formulations are several ops
// of scalar code each), and the prompt embedding is a bag-of-words matMul (tf.gather cannot be
// trained on wasm: UnsortedSegmentSum is missing).
import type * as TF from '@tensorflow/tfjs'
import { ditParameters, patchDim, tokenCount, validateDiTConfig, type DiTConfig, type ParamSpec } from './dit-spec'
import { checkDiTInputs, checkDiTParams } from './dit-reference'
import { loadTf, type Tf } from '../tf/backend'

const LN_EPS = 1e-6

export type DiTParams = Record<string, Float32Array>

/**
 * Initial weights (docs/methods/engine-performance.md §The DiT, adaLN-Zero): Glorot-normal for the per-token linears, N(0, 0.02)
 * for the position table, time MLP and prompt embedding, zeros for biases, for every adaLN projection
 * (so each block starts as the identity) and for the output linear.
 */
export function initDiTParams(config: DiTConfig, normal: () => number): DiTParams {
  const out: DiTParams = {}
  for (const spec of ditParameters(config)) out[spec.name] = initTensor(spec, normal)
  return out
}

function initTensor(spec: ParamSpec, normal: () => number): Float32Array {
  const n = spec.shape.reduce((a, b) => a * b, 1)
  const values = new Float32Array(n)
  const name = spec.name
  let std = 0
  if (/^(stem\.w|blocks\.\d+\.(qkv\.w|out\.w|mlp\.w1|mlp\.w2))$/.test(name)) std = Math.sqrt(2 / (spec.shape[0] + spec.shape[1]))
  else if (name === 'pos' || name === 't.w1' || name === 't.w2' || name === 'text.emb') std = 0.02
  if (std > 0) for (let i = 0; i < n; i++) values[i] = std * normal()
  return values
}

/** LayerNorm over the last axis without affine; backward rstd·(dy − mean(dy) − y·mean(dy·y)). */
function makeLayerNorm(tf: Tf): (x: TF.Tensor) => TF.Tensor {
  return tf.customGrad((x, save) => {
    const xt = x as TF.Tensor
    const mean = tf.mean(xt, -1, true)
    const xc = tf.sub(xt, mean)
    const rstd = tf.rsqrt(tf.add(tf.mean(tf.square(xc), -1, true), LN_EPS))
    const y = tf.mul(xc, rstd)
    const keep = save as TF.GradSaveFunc
    keep([y, rstd])
    return {
      value: y,
      gradFunc: (dy, saved) => {
        const [ys, r] = saved
        const d = dy
        const inner = tf.sub(tf.sub(d, tf.mean(d, -1, true)), tf.mul(ys, tf.mean(tf.mul(d, ys), -1, true)))
        return [tf.mul(inner, r)]
      }
    }
  })
}

/** SiLU x·σ(x) with derivative σ(x)·(1 + x·(1 − σ(x))), avoiding the autodiff chain through sigmoid. */
function makeSilu(tf: Tf): (x: TF.Tensor) => TF.Tensor {
  return tf.customGrad((x, save) => {
    const xt = x as TF.Tensor
    const s = tf.sigmoid(xt)
    const keep = save as TF.GradSaveFunc
    keep([xt, s])
    return {
      value: tf.mul(xt, s),
      gradFunc: (dy, saved) => {
        const [xs, ss] = saved
        return [tf.mul(dy, tf.mul(ss, tf.add(1, tf.mul(xs, tf.sub(1, ss)))))]
      }
    }
  })
}

export class DiTModel {
  readonly config: DiTConfig
  /** Trainable tensors by name, in ditParameters() order (checkpoints and exporters rely on it). */
  readonly params: Map<string, TF.Variable>
  private readonly tf: Tf
  private readonly layerNorm: (x: TF.Tensor) => TF.Tensor
  private readonly silu: (x: TF.Tensor) => TF.Tensor

  constructor(tf: Tf, config: DiTConfig, values: DiTParams, trainable = true) {
    validateDiTConfig(config)
    checkDiTParams(config, values)
    this.tf = tf
    this.config = { ...config }
    this.layerNorm = makeLayerNorm(tf)
    this.silu = makeSilu(tf)
    this.params = new Map()
    // Unnamed variables: tfjs names must be globally unique and a policy and its frozen reference
    // copy share parameter names.
    for (const spec of ditParameters(config)) {
      const initial = tf.tensor(values[spec.name], spec.shape)
      this.params.set(spec.name, tf.variable(initial, trainable))
      initial.dispose() // the variable holds its own reference to the buffer
    }
  }

  /** Parameter count, for logs and FLOP estimates. */
  get size(): number {
    let n = 0
    for (const v of this.params.values()) n += v.size
    return n
  }

  private p(name: string): TF.Variable {
    const v = this.params.get(name)
    if (!v) throw new Error(`DiT: no parameter ${name}`)
    return v
  }

  private linear(x2d: TF.Tensor, prefix: string, w = 'w', b = 'b'): TF.Tensor {
    return this.tf.add(this.tf.matMul(x2d, this.p(`${prefix}.${w}`)), this.p(`${prefix}.${b}`))
  }

  /** eps[B, T, P] from xp[B, T, P], tfeat[B, F], cond[B, V]. Call inside tf.tidy (or a gradient). */
  forward(xp: TF.Tensor, tfeat: TF.Tensor, cond: TF.Tensor): TF.Tensor {
    const tf = this.tf
    const c = this.config
    const B = xp.shape[0]
    const T = tokenCount(c)
    const P = patchDim(c)
    const D = c.width
    const H = c.heads
    const dh = D / H
    const ln = this.layerNorm
    const silu = this.silu
    const temb = this.linear(silu(this.linear(tfeat, 't', 'w1', 'b1')), 't', 'w2', 'b2')
    const yemb = tf.matMul(cond, this.p('text.emb'))
    const cvec = silu(tf.add(temb, yemb))
    // Residual stream kept as [B, T, D] so the [B, 1, D] modulations broadcast; linears see [B*T, D].
    let x = tf.add(tf.reshape(this.linear(tf.reshape(xp, [B * T, P]), 'stem'), [B, T, D]), this.p('pos'))
    const modulate = (h: TF.Tensor, shift: TF.Tensor, scale: TF.Tensor): TF.Tensor => tf.add(tf.mul(h, tf.add(scale, 1)), shift)
    for (let i = 0; i < c.depth; i++) {
      const blk = `blocks.${i}`
      const mods = tf.split(this.linear(cvec, `${blk}.ada`), 6, 1).map((m) => tf.reshape(m, [B, 1, D]))
      const [shift1, scale1, gate1, shift2, scale2, gate2] = mods
      const h1 = tf.reshape(modulate(ln(x), shift1, scale1), [B * T, D])
      const qkv = tf.transpose(tf.reshape(this.linear(h1, `${blk}.qkv`), [B, T, 3, H, dh]), [2, 0, 3, 1, 4])
      const [q, k, v] = tf.split(qkv, 3, 0).map((t) => tf.reshape(t, [B * H, T, dh]))
      const att = tf.softmax(tf.matMul(tf.mul(q, 1 / Math.sqrt(dh)), k, false, true))
      const o = tf.reshape(tf.transpose(tf.reshape(tf.matMul(att, v), [B, H, T, dh]), [0, 2, 1, 3]), [B * T, D])
      x = tf.add(x, tf.mul(gate1, tf.reshape(this.linear(o, `${blk}.out`), [B, T, D])))
      const h2 = tf.reshape(modulate(ln(x), shift2, scale2), [B * T, D])
      const m = this.linear(silu(this.linear(h2, `${blk}.mlp`, 'w1', 'b1')), `${blk}.mlp`, 'w2', 'b2')
      x = tf.add(x, tf.mul(gate2, tf.reshape(m, [B, T, D])))
    }
    const [shift, scale] = tf.split(this.linear(cvec, 'final.ada'), 2, 1).map((m) => tf.reshape(m, [B, 1, D]))
    const hf = tf.reshape(modulate(ln(x), shift, scale), [B * T, D])
    return tf.reshape(this.linear(hf, 'final'), [B, T, P])
  }

  /** Copies of every parameter, keyed by name, in ditParameters() order. */
  exportParams(): DiTParams {
    const out: DiTParams = {}
    for (const [name, v] of this.params) out[name] = new Float32Array(v.dataSync())
    return out
  }

  /** Overwrites every parameter; throws naming the first missing, extra or mis-sized tensor. */
  loadParams(values: DiTParams): void {
    checkDiTParams(this.config, values)
    for (const spec of ditParameters(this.config)) {
      const v = this.p(spec.name)
      this.tf.tidy(() => v.assign(this.tf.tensor(values[spec.name], spec.shape)))
    }
  }

  dispose(): void {
    for (const v of this.params.values()) v.dispose()
    this.params.clear()
  }
}

/** A non-trainable tfjs denoiser over plain arrays, for sampling, benchmarks and parity tests. */
export interface TfjsDenoiser {
  forward(xp: Float32Array, tfeat: Float32Array, cond: Float32Array, batch: number): Float32Array
  dispose(): void
}

export function createTfjsDenoiser(tf: Tf, config: DiTConfig, params: DiTParams): TfjsDenoiser {
  const model = new DiTModel(tf, config, params, false)
  return {
    forward(xp, tfeat, cond, batch) {
      checkDiTInputs(config, xp, tfeat, cond, batch)
      // dataSync outside tidy: tidy walks returned objects key by key (slow on big typed arrays).
      const out = tf.tidy(() => model.forward(tf.tensor(xp, [batch, tokenCount(config), patchDim(config)]), tf.tensor(tfeat, [batch, config.timeFeatures]), tf.tensor(cond, [batch, config.vocabSize])))
      const values = out.dataSync() as Float32Array
      out.dispose()
      return values
    },
    dispose: () => model.dispose()
  }
}

/** One forward pass through tfjs (loading the backend on first use): eps[B, T, P] as a Float32Array. */
export async function tfjsForward(config: DiTConfig, params: DiTParams, xp: Float32Array, tfeat: Float32Array, cond: Float32Array, batch: number): Promise<Float32Array> {
  const { tf } = await loadTf()
  const denoiser = createTfjsDenoiser(tf, config, params)
  try {
    return denoiser.forward(xp, tfeat, cond, batch)
  } finally {
    denoiser.dispose()
  }
}
