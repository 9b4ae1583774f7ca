// Where training images come from. The built-in world (src-main/core/world) and user data sets
// implement this; the trainer owns the RNG so a run is reproducible from its seed and resumable
// from a checkpoint's RNG state.
import type { Rng } from '../../random/rng'
import type { DiTConfig } from '../model/dit-spec'

export interface TrainingBatch {
  /** [B, S, S, C] HWC in [-1, 1]. */
  images: Float32Array
  /** [B, V] multi-hot bag of words over the vocabulary (world/vocabulary.ts). */
  cond: Float32Array
}

export interface DataSource {
  sampleBatch(rng: Rng, batchSize: number): TrainingBatch
}

/** Throws naming what is wrong with a batch a data source returned. */
export function checkTrainingBatch(batch: TrainingBatch, batchSize: number, model: DiTConfig): void {
  const imageSize = batchSize * model.imageSize * model.imageSize * model.channels
  if (!(batch.images instanceof Float32Array) || batch.images.length !== imageSize) {
    throw new Error(`data source: images must be a Float32Array of ${imageSize} values (B=${batchSize}, ${model.imageSize}x${model.imageSize}x${model.channels}), got ${batch.images?.length}`)
  }
  if (!(batch.cond instanceof Float32Array) || batch.cond.length !== batchSize * model.vocabSize) {
    throw new Error(`data source: cond must be a Float32Array of ${batchSize * model.vocabSize} values (B=${batchSize}, V=${model.vocabSize}), got ${batch.cond?.length}`)
  }
}
