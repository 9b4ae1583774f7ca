// Labelled renders for the classifier. Unlike the pretraining data, the labels here are balanced
// (uniform over concepts and over both axes): the classifier must not inherit the world's bias.

import { Rng } from '../engine/rng'
import { renderFigureInto } from '../world/renderer'
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

export function balancedRenders(count: number, seed: number, imageSize = 16): LabelledRenders {
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
