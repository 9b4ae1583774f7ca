// The denoiser's architecture, written down once and shared by every backend (tfjs training, the ONNX
// exporter, checkpoints). Backends must agree on parameter names, shapes and the data layout below.
//
// Data layout:
//   images are HWC float32 in [-1, 1]; patchify order is (gy, gx, py, px, c), so a batch becomes
//   xp[B, T, P] with T = (size / patch)^2 tokens of P = patch * patch * channels values.
// Inputs of the forward pass:
//   xp    [B, T, P]   noisy patches
//   tfeat [B, F]      sinusoidal features of the integer timestep (F = timeFeatures; cos half, then sin half)
//   cond  [B, V]      prompt as a multi-hot bag of words over the vocabulary (1 per known word; the
//                     empty/dropped prompt is the one-hot of token 0, "<null>")
// Output: eps [B, T, P], the predicted noise in patch layout.
//
// Computation (adaLN-Zero DiT, LayerNorm without affine, eps 1e-6, SiLU everywhere):
//   temb = Linear(t.w2)(SiLU(Linear(t.w1)(tfeat)));  yemb = cond @ text.emb;  c = SiLU(temb + yemb)
//   x = xp @ stem.w + stem.b + pos
//   per block: [shift1, scale1, gate1, shift2, scale2, gate2] = split6(Linear(ada)(c))
//     h = LN(x) * (1 + scale1) + shift1; qkv = Linear(qkv)(h) -> [B, T, 3, H, D/H]
//     o = softmax(q k^T / sqrt(D/H)) v -> [B, T, D]; x += gate1 * Linear(out)(o)
//     h = LN(x) * (1 + scale2) + shift2; x += gate2 * Linear(mlp.w2)(SiLU(Linear(mlp.w1)(h)))
//   [shift, scale] = split2(Linear(final.ada)(c)); eps = Linear(final)(LN(x) * (1 + scale) + shift)

export interface DiTConfig {
  imageSize: number
  channels: number
  patch: number
  width: number
  depth: number
  heads: number
  mlpRatio: number
  timeFeatures: number
  vocabSize: number
}

export const defaultDiTConfig: DiTConfig = {
  imageSize: 16,
  channels: 3,
  patch: 2,
  width: 128,
  depth: 6,
  heads: 4,
  mlpRatio: 4,
  timeFeatures: 128,
  vocabSize: 64
}

export interface ParamSpec {
  name: string
  shape: number[]
}

export function tokenCount(c: DiTConfig): number {
  return (c.imageSize / c.patch) ** 2
}

export function patchDim(c: DiTConfig): number {
  return c.patch * c.patch * c.channels
}

/** Throws an Error naming the first field that makes the config unusable. */
export function validateDiTConfig(c: DiTConfig): void {
  const ints: (keyof DiTConfig)[] = ['imageSize', 'channels', 'patch', 'width', 'depth', 'heads', 'mlpRatio', 'timeFeatures', 'vocabSize']
  for (const key of ints) {
    const v = c[key]
    if (!Number.isInteger(v) || v <= 0 || v > 65536) throw new Error(`model config: ${key} must be a positive integer, got ${String(v)}`)
  }
  if (c.imageSize % c.patch !== 0) throw new Error(`model config: patch ${c.patch} does not divide imageSize ${c.imageSize}`)
  if (c.width % c.heads !== 0) throw new Error(`model config: heads ${c.heads} does not divide width ${c.width}`)
  if (c.timeFeatures % 2 !== 0) throw new Error(`model config: timeFeatures must be even, got ${c.timeFeatures}`)
}

/** Every trainable tensor, in a fixed order that checkpoints and exporters rely on. */
export function ditParameters(c: DiTConfig): ParamSpec[] {
  validateDiTConfig(c)
  const D = c.width
  const P = patchDim(c)
  const T = tokenCount(c)
  const M = c.mlpRatio * D
  const specs: ParamSpec[] = [
    { name: 't.w1', shape: [c.timeFeatures, D] },
    { name: 't.b1', shape: [D] },
    { name: 't.w2', shape: [D, D] },
    { name: 't.b2', shape: [D] },
    { name: 'text.emb', shape: [c.vocabSize, D] },
    { name: 'stem.w', shape: [P, D] },
    { name: 'stem.b', shape: [D] },
    { name: 'pos', shape: [T, D] }
  ]
  for (let i = 0; i < c.depth; i++) {
    const b = `blocks.${i}`
    specs.push(
      { name: `${b}.ada.w`, shape: [D, 6 * D] },
      { name: `${b}.ada.b`, shape: [6 * D] },
      { name: `${b}.qkv.w`, shape: [D, 3 * D] },
      { name: `${b}.qkv.b`, shape: [3 * D] },
      { name: `${b}.out.w`, shape: [D, D] },
      { name: `${b}.out.b`, shape: [D] },
      { name: `${b}.mlp.w1`, shape: [D, M] },
      { name: `${b}.mlp.b1`, shape: [M] },
      { name: `${b}.mlp.w2`, shape: [M, D] },
      { name: `${b}.mlp.b2`, shape: [D] }
    )
  }
  specs.push({ name: 'final.ada.w', shape: [D, 2 * D] }, { name: 'final.ada.b', shape: [2 * D] }, { name: 'final.w', shape: [D, P] }, { name: 'final.b', shape: [P] })
  return specs
}

/** Sinusoidal timestep features: first half cos, second half sin, frequency exp(-ln(1e4) * i / (F/2)). */
export function timeFeatures(timesteps: ArrayLike<number>, F: number): Float32Array {
  const half = F / 2
  const out = new Float32Array(timesteps.length * F)
  for (let b = 0; b < timesteps.length; b++) {
    const t = timesteps[b]
    for (let i = 0; i < half; i++) {
      const arg = t * Math.exp((-Math.log(10000) * i) / half)
      out[b * F + i] = Math.cos(arg)
      out[b * F + half + i] = Math.sin(arg)
    }
  }
  return out
}

/**
 * For one HWC image [S, S, C], the image offset of each value in patch order (gy, gx, py, px, c):
 * patchify gathers through this table and unpatchify scatters through it, so the two stay inverses.
 */
function patchOrderOffsets(c: DiTConfig): Int32Array {
  const S = c.imageSize
  const p = c.patch
  const C = c.channels
  const G = S / p
  const offsets = new Int32Array(S * S * C)
  let o = 0
  for (let gy = 0; gy < G; gy++)
    for (let gx = 0; gx < G; gx++)
      for (let py = 0; py < p; py++)
        for (let px = 0; px < p; px++) {
          const src = ((gy * p + py) * S + (gx * p + px)) * C
          for (let ch = 0; ch < C; ch++) offsets[o++] = src + ch
        }
  return offsets
}

/** HWC images [B, S, S, C] -> patches [B, T, P] in (gy, gx, py, px, c) order. */
export function patchify(images: Float32Array, batch: number, c: DiTConfig): Float32Array {
  const offsets = patchOrderOffsets(c)
  const n = offsets.length
  const out = new Float32Array(images.length)
  for (let b = 0; b < batch; b++) {
    const base = b * n
    for (let k = 0; k < n; k++) out[base + k] = images[base + offsets[k]]
  }
  return out
}

/** Inverse of patchify. */
export function unpatchify(patches: Float32Array, batch: number, c: DiTConfig): Float32Array {
  const offsets = patchOrderOffsets(c)
  const n = offsets.length
  const out = new Float32Array(patches.length)
  for (let b = 0; b < batch; b++) {
    const base = b * n
    for (let k = 0; k < n; k++) out[base + offsets[k]] = patches[base + k]
  }
  return out
}
