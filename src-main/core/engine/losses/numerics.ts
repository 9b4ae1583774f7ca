/** Numerically stable scalar helpers for the logistic losses (docs/methods/diffusion.md §Numerics). */

/** log(1 + e^z) without overflow: max(z, 0) + log1p(e^-|z|). */
export function softplus(z: number): number {
  return Math.max(z, 0) + Math.log1p(Math.exp(-Math.abs(z)))
}

/** 1 / (1 + e^-z), evaluated on the side that cannot overflow. */
export function sigmoid(z: number): number {
  if (z >= 0) return 1 / (1 + Math.exp(-z))
  const e = Math.exp(z)
  return e / (1 + e)
}
