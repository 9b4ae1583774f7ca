// A deliberately naive forward pass of the DiT in dit-spec.ts, in float64 with plain loops and one sample
// at a time. It is the ground truth that the ONNX export and the tfjs model are tested against, so it
// follows the spec's header comment line by line and favours obviousness over speed. Not for production.

import { ditParameters, patchDim, tokenCount, type DiTConfig } from './dit-spec'

const LN_EPS = 1e-6

type Params = Readonly<Record<string, Float32Array>>

/** Throws unless `params` holds exactly the tensors ditParameters(config) lists, with matching sizes. */
export function checkDiTParams(config: DiTConfig, params: Params): void {
  const specs = ditParameters(config)
  for (const s of specs) {
    const p = params[s.name]
    const n = s.shape.reduce((a, b) => a * b, 1)
    if (!p) throw new Error(`model params: missing tensor ${s.name}`)
    if (!(p instanceof Float32Array)) throw new Error(`model params: ${s.name} must be a Float32Array`)
    if (p.length !== n) throw new Error(`model params: ${s.name} has ${p.length} values, shape [${s.shape.join(',')}] needs ${n}`)
  }
  const known = new Set(specs.map((s) => s.name))
  for (const name of Object.keys(params)) {
    if (!known.has(name)) throw new Error(`model params: unexpected tensor ${name}`)
  }
}

/** Throws unless the forward inputs have the sizes the config and batch imply. */
export function checkDiTInputs(config: DiTConfig, xp: ArrayLike<number>, tfeat: ArrayLike<number>, cond: ArrayLike<number>, batch: number): void {
  if (!Number.isInteger(batch) || batch <= 0) throw new Error(`model input: batch must be a positive integer, got ${batch}`)
  const want = {
    xp: batch * tokenCount(config) * patchDim(config),
    tfeat: batch * config.timeFeatures,
    cond: batch * config.vocabSize
  }
  const got = { xp: xp.length, tfeat: tfeat.length, cond: cond.length }
  for (const k of ['xp', 'tfeat', 'cond'] as const) {
    if (got[k] !== want[k]) throw new Error(`model input: ${k} has ${got[k]} values, expected ${want[k]} for batch ${batch}`)
  }
}

/** y[r, :] = x[r, :] @ W + b for `rows` rows; W is [inDim, outDim] row-major. */
function linear(x: Float64Array, rows: number, W: Float32Array, b: Float32Array | null, inDim: number, outDim: number): Float64Array {
  const y = new Float64Array(rows * outDim)
  for (let r = 0; r < rows; r++) {
    for (let o = 0; o < outDim; o++) {
      let s = b ? b[o] : 0
      for (let i = 0; i < inDim; i++) s += x[r * inDim + i] * W[i * outDim + o]
      y[r * outDim + o] = s
    }
  }
  return y
}

function silu(x: Float64Array): Float64Array {
  return x.map((v) => v / (1 + Math.exp(-v)))
}

/** LayerNorm over each row of width `dim`, no affine (biased variance, eps inside the sqrt). */
function layerNorm(x: Float64Array, rows: number, dim: number): Float64Array {
  const y = new Float64Array(x.length)
  for (let r = 0; r < rows; r++) {
    let mean = 0
    for (let i = 0; i < dim; i++) mean += x[r * dim + i]
    mean /= dim
    let v = 0
    for (let i = 0; i < dim; i++) v += (x[r * dim + i] - mean) ** 2
    v /= dim
    const rstd = 1 / Math.sqrt(v + LN_EPS)
    for (let i = 0; i < dim; i++) y[r * dim + i] = (x[r * dim + i] - mean) * rstd
  }
  return y
}

/** h = LN(x) * (1 + scale) + shift with shift/scale broadcast over tokens; the spec's adaLN modulation. */
function modulate(x: Float64Array, rows: number, dim: number, shift: Float64Array, scale: Float64Array): Float64Array {
  const n = layerNorm(x, rows, dim)
  for (let r = 0; r < rows; r++) {
    for (let i = 0; i < dim; i++) n[r * dim + i] = n[r * dim + i] * (1 + scale[i]) + shift[i]
  }
  return n
}

/** The `k`-th of `parts` equal chunks of a vector. */
function chunk(v: Float64Array, parts: number, k: number): Float64Array {
  const n = v.length / parts
  return v.slice(k * n, (k + 1) * n)
}

/** Multi-head self-attention on one sample; qkv is [T, 3D] laid out as [T, 3, H, D/H]. Returns o [T, D]. */
function attention(qkv: Float64Array, T: number, D: number, H: number): Float64Array {
  const hd = D / H
  const o = new Float64Array(T * D)
  const scale = 1 / Math.sqrt(hd)
  const q = (t: number, h: number, d: number): number => qkv[t * 3 * D + 0 * D + h * hd + d]
  const k = (t: number, h: number, d: number): number => qkv[t * 3 * D + 1 * D + h * hd + d]
  const v = (t: number, h: number, d: number): number => qkv[t * 3 * D + 2 * D + h * hd + d]
  const scores = new Float64Array(T)
  for (let h = 0; h < H; h++) {
    for (let i = 0; i < T; i++) {
      let max = -Infinity
      for (let j = 0; j < T; j++) {
        let s = 0
        for (let d = 0; d < hd; d++) s += q(i, h, d) * k(j, h, d)
        scores[j] = s * scale
        if (scores[j] > max) max = scores[j]
      }
      let sum = 0
      for (let j = 0; j < T; j++) {
        scores[j] = Math.exp(scores[j] - max)
        sum += scores[j]
      }
      for (let d = 0; d < hd; d++) {
        let acc = 0
        for (let j = 0; j < T; j++) acc += (scores[j] / sum) * v(j, h, d)
        o[i * D + h * hd + d] = acc
      }
    }
  }
  return o
}

/**
 * eps[B, T, P] for noisy patches xp[B, T, P], time features tfeat[B, F] and prompt vectors cond[B, V],
 * computed in float64 exactly as dit-spec.ts describes.
 */
export function ditReferenceForward(config: DiTConfig, params: Params, xp: ArrayLike<number>, tfeat: ArrayLike<number>, cond: ArrayLike<number>, batch: number): Float64Array {
  checkDiTParams(config, params)
  checkDiTInputs(config, xp, tfeat, cond, batch)
  const D = config.width
  const T = tokenCount(config)
  const P = patchDim(config)
  const F = config.timeFeatures
  const V = config.vocabSize
  const M = config.mlpRatio * D
  const H = config.heads
  const p = (name: string): Float32Array => params[name]
  const out = new Float64Array(batch * T * P)

  for (let b = 0; b < batch; b++) {
    const tf = Float64Array.from({ length: F }, (_, i) => tfeat[b * F + i])
    const cv = Float64Array.from({ length: V }, (_, i) => cond[b * V + i])
    const temb = linear(silu(linear(tf, 1, p('t.w1'), p('t.b1'), F, D)), 1, p('t.w2'), p('t.b2'), D, D)
    const yemb = linear(cv, 1, p('text.emb'), null, V, D)
    const c = silu(temb.map((v, i) => v + yemb[i]))

    const xs = Float64Array.from({ length: T * P }, (_, i) => xp[b * T * P + i])
    const x = linear(xs, T, p('stem.w'), p('stem.b'), P, D)
    const pos = p('pos')
    for (let i = 0; i < T * D; i++) x[i] += pos[i]

    for (let l = 0; l < config.depth; l++) {
      const pre = `blocks.${l}`
      const mod = linear(c, 1, p(`${pre}.ada.w`), p(`${pre}.ada.b`), D, 6 * D)
      const [shift1, scale1, gate1, shift2, scale2, gate2] = [0, 1, 2, 3, 4, 5].map((k) => chunk(mod, 6, k))

      const h1 = modulate(x, T, D, shift1, scale1)
      const qkv = linear(h1, T, p(`${pre}.qkv.w`), p(`${pre}.qkv.b`), D, 3 * D)
      const att = linear(attention(qkv, T, D, H), T, p(`${pre}.out.w`), p(`${pre}.out.b`), D, D)
      for (let t = 0; t < T; t++) for (let i = 0; i < D; i++) x[t * D + i] += gate1[i] * att[t * D + i]

      const h2 = modulate(x, T, D, shift2, scale2)
      const u = silu(linear(h2, T, p(`${pre}.mlp.w1`), p(`${pre}.mlp.b1`), D, M))
      const mlp = linear(u, T, p(`${pre}.mlp.w2`), p(`${pre}.mlp.b2`), M, D)
      for (let t = 0; t < T; t++) for (let i = 0; i < D; i++) x[t * D + i] += gate2[i] * mlp[t * D + i]
    }

    const fmod = linear(c, 1, p('final.ada.w'), p('final.ada.b'), D, 2 * D)
    const hf = modulate(x, T, D, chunk(fmod, 2, 0), chunk(fmod, 2, 1))
    out.set(linear(hf, T, p('final.w'), p('final.b'), D, P), b * T * P)
  }
  return out
}
