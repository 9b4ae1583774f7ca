// Labelled renders for the classifier. Unlike the pretraining data, the labels here are balanced
// (uniform over concepts and over both axes): the classifier must not inherit the world's bias.

import { Rng } from '../random/rng'
import { renderEmptyInto, renderFigureInto } from '../world/renderer'
import { CONCEPTS, SILHOUETTES, TONES, attributesVisible } from '../world/taxonomy'

export interface LabelledRenders {
  count: number
  imageSize: number
  /** [N, S, S, 3] in [-1, 1]. */
  images: Float32Array
  concept: Int32Array
  silhouette: Int32Array
  tone: Int32Array
  /** 1 when the render shows the attributes (every concept but the astronaut). */
  visible: Uint8Array
}

/** Label of an image with no figure in it (no concept to learn; the detection head learns "not visible"). */
export const NO_FIGURE = -1

/**
 * Writes one image that contains no figure: an empty world background, a flat colour, or pixel noise.
 * These teach the detection head that blank and foreign images are not figures, so the runner reports
 * no_detection for them instead of a confident guess.
 */
function writeNonFigure(out: Float32Array, offset: number, imageSize: number, rng: Rng): void {
  const kind = rng.int(3)
  const n = imageSize * imageSize * 3
  if (kind === 0) {
    renderEmptyInto(out, offset, rng, { size: imageSize })
  } else if (kind === 1) {
    const c = [rng.uniform() * 2 - 1, rng.uniform() * 2 - 1, rng.uniform() * 2 - 1]
    for (let k = 0; k < n; k++) out[offset + k] = c[k % 3]
  } else {
    for (let k = 0; k < n; k++) out[offset + k] = rng.uniform() * 2 - 1
  }
}

/** `count` labelled images; a fraction `nonFigureFraction` of them hold no figure (concept NO_FIGURE). */
export function balancedRenders(count: number, seed: number, imageSize = 16, nonFigureFraction = 0): LabelledRenders {
  if (!(nonFigureFraction >= 0 && nonFigureFraction < 1)) throw new Error(`nonFigureFraction must be in [0, 1), got ${String(nonFigureFraction)}`)
  if (!Number.isInteger(count) || count <= 0) throw new Error(`render count must be a positive integer, got ${String(count)}`)
  const rng = Rng.derive(seed, 'balanced-renders')
  const pixels = imageSize * imageSize * 3
  const out: LabelledRenders = {
    count,
    imageSize,
    images: new Float32Array(count * pixels),
    concept: new Int32Array(count),
    silhouette: new Int32Array(count),
    tone: new Int32Array(count),
    visible: new Uint8Array(count)
  }
  for (let i = 0; i < count; i++) {
    // Drawn only when asked for, so figure-only sets keep the same stream as before.
    if (nonFigureFraction > 0 && rng.uniform() < nonFigureFraction) {
      writeNonFigure(out.images, i * pixels, imageSize, rng)
      out.concept[i] = NO_FIGURE
      out.silhouette[i] = 0
      out.tone[i] = 0
      out.visible[i] = 0
      continue
    }
    const c = rng.int(CONCEPTS.length)
    const s = rng.int(SILHOUETTES.length)
    const t = rng.int(TONES.length)
    renderFigureInto(out.images, i * pixels, { concept: CONCEPTS[c], silhouette: SILHOUETTES[s], tone: TONES[t] }, rng, { size: imageSize })
    out.concept[i] = c
    out.silhouette[i] = s
    out.tone[i] = t
    out.visible[i] = attributesVisible(CONCEPTS[c]) ? 1 : 0
  }
  return out
}

/** `count` images with no figure (blank backgrounds, flat colours, noise), for held-out checks. */
export function nonFigureImages(count: number, seed: number, imageSize = 16): Float32Array {
  if (!Number.isInteger(count) || count <= 0) throw new Error(`image count must be a positive integer, got ${String(count)}`)
  const rng = Rng.derive(seed, 'non-figure-images')
  const n = imageSize * imageSize * 3
  const out = new Float32Array(count * n)
  for (let i = 0; i < count; i++) writeNonFigure(out, i * n, imageSize, rng)
  return out
}
