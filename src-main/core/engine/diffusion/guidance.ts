/**
 * Classifier-free guidance (docs/methods/diffusion.md §Guidance): ε̂ = ε̂_uncond + w·(ε̂_cond - ε̂_uncond).
 * w = 1 is the plain conditional model, w = 0 the unconditional one.
 */
export function cfgCombine(epsCond: Float32Array, epsUncond: Float32Array, scale: number, out: Float32Array = new Float32Array(epsCond.length)): Float32Array {
  if (!Number.isFinite(scale)) throw new Error(`guidance scale must be finite, got ${scale}`)
  if (epsUncond.length !== epsCond.length || out.length !== epsCond.length) {
    throw new Error('cfgCombine: conditional, unconditional and out arrays must match in length')
  }
  for (let k = 0; k < out.length; k++) {
    const u = epsUncond[k]
    out[k] = u + scale * (epsCond[k] - u)
  }
  return out
}
