// Tiny models and synthetic preference images for the fine-tuning tests.
import type { DiTConfig } from '../../../src-main/core/engine/model/dit-spec'
import type { PreferenceImage } from '../../../src-main/core/training/finetune/spec'
import { Rng } from '../../../src-main/core/random/rng'
import { VOCAB_SIZE } from '../../../src-main/core/world/vocabulary'

export const tinyWorldModel: DiTConfig = { imageSize: 8, channels: 3, patch: 2, width: 16, depth: 1, heads: 2, mlpRatio: 2, timeFeatures: 16, vocabSize: VOCAB_SIZE }

/** `pairs` set pairs of k images each: winners lean blue, losers lean red, all captioned with one prompt. */
export function syntheticImages(model: DiTConfig, pairs: number, k: number, seed = 1): PreferenceImage[] {
  const rng = new Rng(seed)
  const n = model.imageSize * model.imageSize * model.channels
  const out: PreferenceImage[] = []
  for (let p = 0; p < pairs; p++)
    for (const label of [1, -1] as const)
      for (let j = 0; j < k; j++) {
        const pixels = new Float32Array(n)
        for (let i = 0; i < n; i++) {
          const c = i % model.channels
          const lean = label === 1 ? (c === 2 ? 0.7 : -0.5) : c === 0 ? 0.7 : -0.5
          pixels[i] = lean + 0.1 * rng.normal()
        }
        out.push({ pixels, caption: 'a photo of a person', label, pairId: p + 1 })
      }
  return out
}
