// A tiny synthetic data set for tests and benchmarks: each class (vocabulary token 1..classes) is a
// flat colour plus a bright square in a class-specific corner, with a little pixel noise. Learnable in
// a few hundred steps by a tiny DiT, and conditioned, so classifier-free dropout matters.
import type { Rng } from '../../random/rng'
import type { DiTConfig } from '../model/dit-spec'
import type { DataSource, TrainingBatch } from './data-source'

export function toyDataSource(model: DiTConfig, classes = Math.min(4, model.vocabSize - 1)): DataSource {
  if (classes < 1 || classes > model.vocabSize - 1) throw new Error(`toy data: classes must be in [1, ${model.vocabSize - 1}], got ${classes}`)
  const S = model.imageSize
  const C = model.channels
  const half = Math.max(1, S >> 1)
  return {
    sampleBatch(rng: Rng, B: number): TrainingBatch {
      const images = new Float32Array(B * S * S * C)
      const cond = new Float32Array(B * model.vocabSize)
      for (let b = 0; b < B; b++) {
        const k = rng.int(classes)
        cond[b * model.vocabSize + 1 + k] = 1
        const oy = (k >> 1) % 2 === 0 ? 0 : S - half
        const ox = k % 2 === 0 ? 0 : S - half
        for (let y = 0; y < S; y++)
          for (let x = 0; x < S; x++) {
            const inSquare = y >= oy && y < oy + half && x >= ox && x < ox + half
            for (let c = 0; c < C; c++) {
              const base = inSquare ? 0.8 : ((k + c) % 3) * 0.4 - 0.6
              images[((b * S + y) * S + x) * C + c] = base + 0.05 * rng.normal()
            }
          }
      }
      return { images, cond }
    }
  }
}
