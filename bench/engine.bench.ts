// `npm run bench:engine`: the training engine's speed on this machine, from one run.
//   1. the tfjs backend's raw matMul GFLOP/s;
//   2. a training step (forward + backward + Adam) of the default DiT at batch 64, with its effective
//      GFLOP/s counted as docs/methods/engine-performance.md §FLOP count does (model FLOPs, forward x3);
//   3. sampling images/s through tfjs and, when the ONNX engine is present, through onnxruntime-node.
// Targets: training step >= 50% of the matMul rate; ORT sampling >= 3x tfjs.
import { existsSync } from 'node:fs'
import { resolve } from 'node:path'
import { loadTf, describeBackend, type Tf } from '../src-main/core/engine/tf/backend'
import { defaultDiTConfig, ditParameters, patchDim, tokenCount, type DiTConfig } from '../src-main/core/engine/model/dit-spec'
import { createTfjsDenoiser, initDiTParams } from '../src-main/core/engine/model/dit-tf'
import { Trainer } from '../src-main/core/engine/train/trainer'
import { parseTrainConfig } from '../src-main/core/engine/train/config'
import { toyDataSource } from '../src-main/core/engine/train/toy-source'
import { sampleLoop } from '../src-main/core/engine/diffusion/sample-loop'
import { makeSchedule } from '../src-main/core/engine/diffusion/schedule'
import { timeFeatures } from '../src-main/core/engine/model/dit-spec'
import { Rng } from '../src-main/core/random/rng'

const BATCH = 64
const SAMPLE_STEPS = 10

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b)
  const m = s.length >> 1
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2
}

function timeIt(repeats: number, warmup: number, f: () => void): number {
  for (let i = 0; i < warmup; i++) f()
  const times: number[] = []
  for (let i = 0; i < repeats; i++) {
    const t0 = performance.now()
    f()
    times.push(performance.now() - t0)
  }
  return median(times)
}

function matMulRate(tf: Tf, M: number, K: number, N: number): number {
  const a = tf.randomNormal([M, K])
  const b = tf.randomNormal([K, N])
  const ms = timeIt(7, 2, () => {
    const c = tf.matMul(a, b)
    c.dataSync()
    c.dispose()
  })
  tf.dispose([a, b])
  return (2 * M * K * N) / ms / 1e6
}

/** Model FLOPs of one forward pass per sample (docs/methods/engine-performance.md §FLOP count): token matMuls, attention, per-sample matMuls. */
export function forwardFlopsPerSample(c: DiTConfig): number {
  const T = tokenCount(c)
  const size = (name: string): number =>
    ditParameters(c)
      .find((s) => s.name === name)!
      .shape.reduce((a, b) => a * b, 1)
  let perToken = size('stem.w') + size('final.w')
  let perSample = size('final.ada.w') + size('t.w1') + size('t.w2') + size('text.emb')
  for (let i = 0; i < c.depth; i++) {
    for (const w of ['qkv.w', 'out.w', 'mlp.w1', 'mlp.w2']) perToken += size(`blocks.${i}.${w}`)
    perSample += size(`blocks.${i}.ada.w`)
  }
  return 2 * perToken * T + c.depth * 4 * T * T * c.width + 2 * perSample
}

async function main(): Promise<void> {
  const { tf, info } = await loadTf()
  console.log(`backend: ${describeBackend(info)}`)
  for (const s of info.skipped) console.log(`  (skipped ${s.package}: ${s.reason})`)
  const mm1024 = matMulRate(tf, 1024, 1024, 1024)
  const mmDense = matMulRate(tf, 4096, 128, 512)
  const mmRate = Math.max(mm1024, mmDense)
  console.log(`matMul 1024^2: ${mm1024.toFixed(1)} GFLOP/s; [4096,128]x[128,512]: ${mmDense.toFixed(1)} GFLOP/s`)

  const config = defaultDiTConfig
  const trainConfig = parseTrainConfig({ model: config, batchSize: BATCH, steps: 1000, seed: 1 })
  const trainer = new Trainer(tf, trainConfig, toyDataSource(config))
  const stepMs = timeIt(5, 2, () => trainer.trainStep())
  trainer.dispose()
  const stepFlops = 3 * BATCH * forwardFlopsPerSample(config)
  const stepRate = stepFlops / stepMs / 1e6
  console.log(
    `training step (default DiT, B=${BATCH}): ${stepMs.toFixed(0)} ms, ${(stepFlops / 1e9).toFixed(2)} GFLOP, ${stepRate.toFixed(1)} GFLOP/s effective = ${((100 * stepRate) / mmRate).toFixed(0)}% of matMul (target >= 50%)`
  )

  const rng = new Rng(3)
  const params = initDiTParams(config, () => rng.normal())
  // Non-zero adaLN/output weights so the timed graph does the same work as a trained model's.
  for (const s of ditParameters(config)) if (params[s.name].every((v) => v === 0) && s.shape.length === 2) rng.fillNormal(params[s.name], 0, 0.02)
  const denoiser = createTfjsDenoiser(tf, config, params)
  const V = config.vocabSize
  const cond = new Float32Array(BATCH * V)
  for (let b = 0; b < BATCH; b++) cond[b * V + 1 + (b % (V - 1))] = 1
  const nullCond = new Float32Array(V)
  nullCond[0] = 1
  const sampleSize = tokenCount(config) * patchDim(config)
  const xp = new Rng(4).fillNormal(new Float32Array(BATCH * sampleSize))
  const forwardMs = timeIt(5, 1, () => denoiser.forward(xp, timeFeatures(new Array(BATCH).fill(500), config.timeFeatures), cond, BATCH))
  const t0 = performance.now()
  await sampleLoop({
    denoise: async (x, t, c, batch) => denoiser.forward(x, timeFeatures(t, config.timeFeatures), c, batch),
    schedule: makeSchedule('cosine'),
    sampler: 'ddim',
    steps: SAMPLE_STEPS,
    guidance: 1,
    cond,
    nullCond,
    batch: BATCH,
    sampleSize,
    seed: 1,
    clipX0: true // as the app's sampler runs (core/sampling/backends.ts)
  })
  const tfjsSampleMs = performance.now() - t0
  denoiser.dispose()
  const tfjsImagesPerSec = (BATCH * 1000) / tfjsSampleMs
  console.log(
    `sampling via tfjs: forward B=${BATCH} ${forwardMs.toFixed(0)} ms (${((BATCH * forwardFlopsPerSample(config)) / forwardMs / 1e6).toFixed(1)} GFLOP/s); ${SAMPLE_STEPS}-step DDIM ${tfjsImagesPerSec.toFixed(2)} images/s`
  )

  const ortBench = resolve(__dirname, '../src-main/core/evaluation/onnx-bench.ts')
  if (existsSync(ortBench)) {
    const { benchOrtSampling } = (await import(ortBench)) as typeof import('../src-main/core/evaluation/onnx-bench')
    const ort = await benchOrtSampling(config, BATCH, SAMPLE_STEPS)
    console.log(
      `sampling via onnxruntime-node: forward B=${ort.forwardBatch} ${ort.forwardMs.toFixed(0)} ms; ${SAMPLE_STEPS}-step DDIM ${ort.imagesPerSecond.toFixed(2)} images/s = ${(ort.imagesPerSecond / tfjsImagesPerSec).toFixed(1)}x tfjs (target >= 3x)`
    )
  } else {
    console.log('sampling via onnxruntime-node: not measured (src-main/core/evaluation/onnx-bench.ts is absent)')
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err)
    process.exit(1)
  }
)
