// Exports the DiT forward pass (dit-spec.ts) to an ONNX graph with the weights baked in as initializers,
// the fastest layout for sampling on onnxruntime-node (docs/methods/engine-performance.md §Measurements: 37 ms per B=64 forward).
//
// Graph signature (N is a symbolic batch, so one export serves guidance batches of any size):
//   inputs  xp [N, T, P], tfeat [N, F], cond [N, V]      output  eps [N, T, P]
// Weights keep the engine's [in, out] layout. Per-sample linears (time MLP, adaLN) are MatMul + Add on
// [N, k]; per-token linears are a 2-D Gemm over [N*T, in] (see tokenLinear below).

import { checkDiTParams } from '../model/dit-reference'
import { ditParameters, patchDim, tokenCount, validateDiTConfig, type DiTConfig } from '../model/dit-spec'
import { floatAttr, GraphBuilder, MS_DOMAIN } from './graph'

export const DIT_INPUTS = { xp: 'xp', tfeat: 'tfeat', cond: 'cond' } as const
export const DIT_OUTPUT = 'eps'

const LN_EPS = 1e-6
const BATCH = 'N'

/** A diverged checkpoint would otherwise export fine and sample NaN images; say so up front. */
function assertFinite(params: Readonly<Record<string, Float32Array>>): void {
  for (const [name, values] of Object.entries(params)) {
    for (let i = 0; i < values.length; i++) {
      if (!Number.isFinite(values[i])) throw new Error(`model params: ${name} holds a non-finite value (${values[i]}) at index ${i}`)
    }
  }
}

/** Builds the forward graph and returns the serialised ONNX model. */
export function exportDiTOnnx(config: DiTConfig, params: Readonly<Record<string, Float32Array>>): Uint8Array {
  validateDiTConfig(config)
  checkDiTParams(config, params)
  assertFinite(params)
  const D = config.width
  const T = tokenCount(config)
  const P = patchDim(config)
  const H = config.heads
  const hd = D / H
  const M = config.mlpRatio * D

  const g = new GraphBuilder('dit_forward')
  // Initializers keep the spec's parameter names, so a graph can be inspected against a checkpoint.
  const w: Record<string, string> = {}
  for (const s of ditParameters(config)) w[s.name] = g.weight(s.name, params[s.name], s.shape)

  const xp = g.input(DIT_INPUTS.xp, [BATCH, T, P])
  const tfeat = g.input(DIT_INPUTS.tfeat, [BATCH, config.timeFeatures])
  const cond = g.input(DIT_INPUTS.cond, [BATCH, config.vocabSize])

  // Conditioning vector c [N, D].
  const temb = g.linear(g.silu(g.linear(tfeat, w['t.w1'], w['t.b1'])), w['t.w2'], w['t.b2'])
  const yemb = g.matmul(cond, w['text.emb'])
  const c = g.silu(g.add(temb, yemb))

  // Per-sample modulation vectors are [N, 1, k*D] so they broadcast over the T tokens.
  const modulationChunks = (wName: string, bName: string, parts: number): string[] => g.split(g.unsqueeze(g.linear(c, w[wName], w[bName]), [1]), parts, 2)
  const one = g.constFloat(1)
  const modulate = (x: string, shift: string, scale: string): string => g.add(g.mul(g.layerNorm(x, D, LN_EPS), g.add(scale, one)), shift)

  // Token-wise linears run as one 2-D Gemm over [N*T, in] so the bias add happens inside the GEMM; a 3-D
  // MatMul followed by Add is not fused by ORT and the separate Add cost ~15% of a forward pass.
  const tokenLinear = (t: string, inDim: number, outDim: number, wName: string, bName: string): string => g.reshape(g.op('Gemm', [g.reshape(t, [-1, inDim]), w[wName], w[bName]]), [-1, T, outDim])

  let x = g.add(tokenLinear(xp, P, D, 'stem.w', 'stem.b'), w['pos'])

  for (let i = 0; i < config.depth; i++) {
    const b = `blocks.${i}`
    const [shift1, scale1, gate1, shift2, scale2, gate2] = modulationChunks(`${b}.ada.w`, `${b}.ada.b`, 6)

    // qkv [N, T, 3D] is laid out [N, T, 3, H, hd]: the first D columns are q, then k, then v.
    const [q, k, v] = g.split(tokenLinear(modulate(x, shift1, scale1), D, 3 * D, `${b}.qkv.w`, `${b}.qkv.b`), 3, 2)
    const heads = (t: string): string => g.transpose(g.reshape(t, [-1, T, H, hd]), [0, 2, 1, 3]) // [N, H, T, hd]
    // q·kᵀ/√hd in one contrib FusedMatMul (transB, alpha): no scale Mul and no [N, H, hd, T] Transpose.
    const scores = g.op('FusedMatMul', [heads(q), heads(k)], { transB: 1, alpha: floatAttr(1 / Math.sqrt(hd)) }, 'fusedmatmul', MS_DOMAIN)
    const vh = heads(v)
    const attn = g.softmax(scores, -1) // [N, H, T, T]
    const o = g.reshape(g.transpose(g.matmul(attn, vh), [0, 2, 1, 3]), [-1, T, D])
    x = g.add(x, g.mul(gate1, tokenLinear(o, D, D, `${b}.out.w`, `${b}.out.b`)))

    const hidden = g.silu(tokenLinear(modulate(x, shift2, scale2), D, M, `${b}.mlp.w1`, `${b}.mlp.b1`))
    x = g.add(x, g.mul(gate2, tokenLinear(hidden, M, D, `${b}.mlp.w2`, `${b}.mlp.b2`)))
  }

  const [shift, scale] = modulationChunks('final.ada.w', 'final.ada.b', 2)
  const eps = tokenLinear(modulate(x, shift, scale), D, P, 'final.w', 'final.b')
  g.output(eps, DIT_OUTPUT, [BATCH, T, P])
  return g.toBytes({ docString: 'PopAlign Studio DiT denoiser forward pass', metadata: { 'popalign.dit.config': JSON.stringify(config) } })
}
