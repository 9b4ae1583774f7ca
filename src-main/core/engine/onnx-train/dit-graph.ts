// The DiT of model/dit-spec.ts as differentiable ONNX graphs for training on onnxruntime-node:
//   - a per-sample-error graph (the frozen reference's cached pass of a fine-tune), and
//   - a training graph whose outputs are the loss, the model's per-sample ε-MSEs and the gradient of
//     every parameter ("grad.<name>").
// Parameters are graph inputs under their spec names, so one session serves every optimiser step, and
// shapes are static (one graph per batch size). The forward computation is the same as the sampling
// exporter's (onnx/export-dit.ts), which the tests check.
//
// The loss heads cover every objective the studio trains with; the timestep weights w(t) (constant,
// min-SNR or 1/sqrt(SNR)) come in per sample:
//   linear   loss = Σ_i coef_i · mse_i                         (base model: coef = w/B; SFT: w/|winners| on winners)
//   popalign m = w⊙mse, r = w⊙refMse, g = r − m, Z = stop(Σ zCoef⊙g), z = y·β·(g − Z), loss = mean softplus(−z)
//   dpo      winners first then losers: u = −β/2·((m_w − m_l) − (r_w − r_l)), loss = mean softplus(−u)
// which is engine/losses written as graph ops (the tests compare the two).

import { ditParameters, patchDim, tokenCount, validateDiTConfig, type DiTConfig } from '../model/dit-spec'
import { DiffGraph, FOLD_BIAS_MIN_ROWS, type Precision } from './autodiff'

const LN_EPS = 1e-6

export type LossHead = { kind: 'linear' } | { kind: 'popalign'; beta: number; alpha: number } | { kind: 'dpo'; beta: number }

/** The graph inputs each head needs besides the parameters and the batch (xp, tfeat, cond, eps). */
export function headInputs(head: LossHead): string[] {
  if (head.kind === 'linear') return ['coef']
  if (head.kind === 'popalign') return ['weights', 'refMse', 'labels', 'zCoef']
  return ['weights', 'refMse']
}

export const BATCH_INPUTS = ['xp', 'tfeat', 'cond', 'eps'] as const
export const GRAD_PREFIX = 'grad.'

/** Emits epŝ [B, T, P] for the DiT with parameters `w` (value names) on inputs xp, tfeat, cond. */
export function ditForward(d: DiffGraph, config: DiTConfig, w: Readonly<Record<string, string>>, xp: string, tfeat: string, cond: string): string {
  const D = config.width
  const T = tokenCount(config)
  const H = config.heads
  const hd = D / H
  const B = d.shape(xp)[0]
  const temb = d.linear(d.silu(d.linear(tfeat, w['t.w1'], w['t.b1'])), w['t.w2'], w['t.b2'])
  const c = d.silu(d.add(temb, d.matmul(cond, w['text.emb'])))
  // Per-sample modulations are [B, 1, k·D] so they broadcast over the tokens.
  const chunks = (prefix: string, parts: number): string[] => d.split(d.reshape(d.linear(c, w[`${prefix}.w`], w[`${prefix}.b`]), [B, 1, parts * D]), parts, 2)
  const one = d.scalar(1)
  const modulate = (x: string, shift: string, scale: string): string => d.add(d.mul(d.layerNorm(x, LN_EPS), d.add(scale, one)), shift)
  let x = d.add(d.linear(xp, w['stem.w'], w['stem.b']), w['pos'])
  for (let i = 0; i < config.depth; i++) {
    const b = `blocks.${i}`
    const [shift1, scale1, gate1, shift2, scale2, gate2] = chunks(`${b}.ada`, 6)
    const [q, k, v] = d.split(d.linear(modulate(x, shift1, scale1), w[`${b}.qkv.w`], w[`${b}.qkv.b`]), 3, 2)
    // [B, H, T, hd] heads; q·kᵀ/√hd and attn·v as FusedMatMuls, whose backward needs no Transposes.
    const heads = (t: string): string => d.transpose(d.reshape(t, [B, T, H, hd]), [0, 2, 1, 3])
    const attn = d.softmax(d.fusedMatMul(heads(q), heads(k), { transB: true, alpha: 1 / Math.sqrt(hd) }), -1)
    const o = d.reshape(d.transpose(d.fusedMatMul(attn, heads(v)), [0, 2, 1, 3]), [B, T, D])
    x = d.add(x, d.mul(gate1, d.linear(o, w[`${b}.out.w`], w[`${b}.out.b`])))
    const hidden = d.silu(d.linear(modulate(x, shift2, scale2), w[`${b}.mlp.w1`], w[`${b}.mlp.b1`]))
    x = d.add(x, d.mul(gate2, d.linear(hidden, w[`${b}.mlp.w2`], w[`${b}.mlp.b2`])))
  }
  const [shift, scale] = chunks('final.ada', 2)
  return d.linear(modulate(x, shift, scale), w['final.w'], w['final.b'])
}

interface Declared {
  d: DiffGraph
  mse: string
  B: number
}

/** Declares parameters and the batch, and emits the per-sample ε-MSE [B]. */
function declare(name: string, config: DiTConfig, batch: number, precision: Precision, trainable: boolean, foldBiasFromRows = FOLD_BIAS_MIN_ROWS): Declared {
  validateDiTConfig(config)
  if (!Number.isInteger(batch) || batch <= 0) throw new Error(`training graph: batch must be a positive integer, got ${batch}`)
  const d = new DiffGraph(name, precision, foldBiasFromRows)
  const w: Record<string, string> = {}
  for (const s of ditParameters(config)) w[s.name] = trainable ? d.param(s.name, s.shape) : d.input(s.name, s.shape)
  const T = tokenCount(config)
  const P = patchDim(config)
  const xp = d.input('xp', [batch, T, P])
  const tfeat = d.input('tfeat', [batch, config.timeFeatures])
  const cond = d.input('cond', [batch, config.vocabSize])
  const eps = d.input('eps', [batch, T, P])
  const diff = d.reshape(d.sub(ditForward(d, config, w, xp, tfeat, cond), eps), [batch, T * P])
  return { d, mse: d.reduceMean(d.mul(diff, diff), [1]), B: batch }
}

function headLoss(d: DiffGraph, mse: string, B: number, head: LossHead): string {
  if (head.kind === 'linear') return d.reduceSum(d.mul(mse, d.input('coef', [B])), [0])
  const w = d.input('weights', [B])
  const m = d.mul(w, mse)
  const r = d.mul(w, d.input('refMse', [B]))
  if (head.kind === 'popalign') {
    const y = d.input('labels', [B])
    const zCoef = d.input('zCoef', [B])
    const g = d.sub(r, m)
    // The normaliser is a constant in backprop (stop-gradient), as in engine/losses/popalign.
    const Z = d.stopGradient(d.reduceSum(d.mul(zCoef, g), [0]))
    const z = d.mul(d.mul(y, d.scalar(head.beta)), d.sub(g, Z))
    return d.reduceMean(d.softplus(d.neg(z)), [0])
  }
  if (B % 2 !== 0) throw new Error(`training graph: a DPO batch needs an even number of samples, got ${B}`)
  const P = B / 2
  const delta = d.sub(m, r)
  const u = d.mul(d.scalar(-0.5 * head.beta), d.sub(d.slice(delta, 0, 0, P), d.slice(delta, 0, P, B)))
  return d.reduceMean(d.softplus(d.neg(u)), [0])
}

/**
 * Training graph: outputs "loss" (scalar), "mse" [B] and "grad.<name>" for every parameter.
 * `foldBiasFromRows`: see FOLD_BIAS_MIN_ROWS (autodiff.ts); the tests lower it to cover both layouts.
 */
export function buildTrainingGraph(config: DiTConfig, batch: number, head: LossHead, precision: Precision = 'float32', foldBiasFromRows = FOLD_BIAS_MIN_ROWS): Uint8Array {
  const { d, mse, B } = declare('dit_train', config, batch, precision, true, foldBiasFromRows)
  const loss = headLoss(d, mse, B, head)
  d.output(loss, 'loss')
  d.output(mse, 'mse')
  const grads = d.gradients(loss)
  for (const [name, g] of grads) d.output(g, `${GRAD_PREFIX}${name}`)
  return d.toBytes('PopAlign Studio DiT loss and gradients', { 'popalign.dit.config': JSON.stringify(config), 'popalign.loss': JSON.stringify(head) })
}

/** Per-sample ε-MSE [B] ("mse") of a model whose weights are inputs: the frozen reference's pass. */
export function buildMseGraph(config: DiTConfig, batch: number, precision: Precision = 'float32'): Uint8Array {
  const { d, mse } = declare('dit_mse', config, batch, precision, false)
  d.output(mse, 'mse')
  return d.toBytes('PopAlign Studio DiT per-sample error', { 'popalign.dit.config': JSON.stringify(config) })
}
