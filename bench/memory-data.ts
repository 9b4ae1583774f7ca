// The benches' training data: a fixed pool of examples held in memory, drawn once from a data source,
// from which each step picks its batch by index. The PyTorch peer (torch_peer.py) trains from a pool
// of the same size in the same way, so both sides of a "training step" do the same work: pick clean
// examples, draw timesteps, noise and condition dropout, noise the batch, forward, backward, Adam.
// Rendering fresh synthetic images every step (what toyDataSource does) is a cost of the fixture, not
// of the engine, and the peer has no counterpart to it; the built-in world's own drawing cost is
// reported apart (docs/engine-speed.md).
import type { DiTConfig } from '../src-main/core/engine/model/dit-spec'
import type { DataSource, TrainingBatch } from '../src-main/core/engine/train/data-source'
import { Rng } from '../src-main/core/random/rng'

/** Examples in a bench pool; torch_peer.py's `pool` default must match. */
export const BENCH_POOL = 1024

export function inMemoryData(source: DataSource, model: DiTConfig, size = BENCH_POOL, seed = 1): DataSource {
  const image = model.imageSize * model.imageSize * model.channels
  const V = model.vocabSize
  const pool: TrainingBatch = source.sampleBatch(new Rng(seed), size)
  return {
    sampleBatch(rng: Rng, B: number): TrainingBatch {
      const images = new Float32Array(B * image)
      const cond = new Float32Array(B * V)
      for (let b = 0; b < B; b++) {
        const j = rng.int(size)
        images.set(pool.images.subarray(j * image, (j + 1) * image), b * image)
        cond.set(pool.cond.subarray(j * V, (j + 1) * V), b * V)
      }
      return { images, cond }
    }
  }
}
