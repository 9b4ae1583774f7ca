// `npm run bench:engine`: the studio's engines against each other and a PyTorch peer, in one run.
//   1. the tfjs backend's raw matMul GFLOP/s;
//   2. a training step (draw the batch, forward, backward, Adam) of the chosen config at batch 64 on the
//      default engine (onnxruntime-node, engine/onnx-train) beside tfjs and the PyTorch peer
//      (bench/torch_peer.py, skipped with a line when no Python with torch is found), interleaved over
//      rounds (each round starting with the next engine; every turn one untimed step, then timed warm
//      ones), with median times and median per-round ratios; every engine draws its batches from the
//      same kind of in-memory pool of examples (bench/memory-data.ts);
//   3. sampling images/s (10-step DDIM, no guidance, batch 64) through tfjs, onnxruntime-node and the
//      peer, the last two interleaved over rounds.
// Every figure line carries the 1-minute load: other work slows the engines unequally (PyTorch's
// OpenMP threads most), so compare figures taken near idle. Figures, never assertions.
// Targets (issue 15): training step <= 0.8x PyTorch's time on base, <= 0.7x on large; sampling >= 1.5x
// PyTorch's images/s.
//
//   npm run bench:engine -- [--config base|large] [--rounds 5] [--python /tmp/torchvenv/bin/python]
import { cpus, loadavg } from 'node:os'
import { parseArgs } from 'node:util'
import { loadTf, describeBackend, type Tf } from '../src-main/core/engine/tf/backend'
import { ditParameters, patchDim, tokenCount, type DiTConfig } from '../src-main/core/engine/model/dit-spec'
import { createTfjsDenoiser, initDiTParams } from '../src-main/core/engine/model/dit-tf'
import { Trainer } from '../src-main/core/engine/train/trainer'
import { toyDataSource } from '../src-main/core/engine/train/toy-source'
import { BENCH_POOL, inMemoryData } from './memory-data'
import { OrtTrainer } from '../src-main/core/engine/onnx-train/trainer'
import { sampleLoop } from '../src-main/core/engine/diffusion/sample-loop'
import { makeSchedule } from '../src-main/core/engine/diffusion/schedule'
import { timeFeatures } from '../src-main/core/engine/model/dit-spec'
import { benchOrtSampling, type OrtSamplingBench } from '../src-main/core/evaluation/onnx-bench'
import { Rng } from '../src-main/core/random/rng'
import { createDataSource } from '../src-main/core/world/world-source'
import { BASE_DATA_OPTIONS } from '../src-main/core/evaluation/base-recipe'
import { configFor, DEFAULT_PYTHON, inRotation, loadWarning, median, peerWarmTurn, timeWarmTurn, TorchPeer } from './torch-peer'

const BATCH = 64
const SAMPLE_STEPS = 10
/** Timed sampling runs per engine per round, after one untimed run. */
const SAMPLE_REPEATS = 3
const TORCH_THREADS = 2

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

const load = (): string => loadavg()[0].toFixed(1)
const fmt = (v: number | null, d = 2): string => (v === null ? 'n/a' : v.toFixed(d))

/** tfjs's 10-step DDIM images/s at BATCH (slow, so measured once). */
async function tfjsSampling(tf: Tf, config: DiTConfig): Promise<number> {
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
  const ms = performance.now() - t0
  denoiser.dispose()
  return (BATCH * 1000) / ms
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      config: { type: 'string', default: 'base' },
      rounds: { type: 'string', default: '5' },
      python: { type: 'string', default: DEFAULT_PYTHON }
    }
  })
  const rounds = Number(values.rounds)
  if (!(Number.isInteger(rounds) && rounds > 0)) throw new Error('--rounds must be a positive integer')
  const trainConfig = configFor(values.config, BATCH)
  const config = trainConfig.model
  const { tf, info } = await loadTf()
  const peer = await TorchPeer.open(values.python)
  const data = inMemoryData(toyDataSource(config), config)
  const ort = await OrtTrainer.create(trainConfig, data)
  console.log(`default training engine: ${ort.description}; reference: ${describeBackend(info)}`)
  for (const s of info.skipped) console.log(`  (skipped ${s.package}: ${s.reason})`)
  console.log(typeof peer === 'string' ? `PyTorch peer skipped: ${peer}` : `PyTorch peer: torch ${peer.version}, ${TORCH_THREADS} intra-op threads`)
  console.log(
    `machine: ${cpus().length} cores, load ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}`
  )
  console.log(`config ${values.config} (patch ${config.patch}, width ${config.width}, depth ${config.depth}), batch ${BATCH}, ${rounds} rounds`)

  const mm1024 = matMulRate(tf, 1024, 1024, 1024)
  const mmDense = matMulRate(tf, 4096, 128, 512)
  console.log(`tfjs matMul 1024^2: ${mm1024.toFixed(1)} GFLOP/s; [4096,128]x[128,512]: ${mmDense.toFixed(1)} GFLOP/s (load ${load()})`)

  // Training step, interleaved: each round times 3 steps of every engine in turn.
  const tfjs = new Trainer(tf, trainConfig, data)
  if (typeof peer !== 'string') await peer.ask({ cmd: 'init', config, batch: BATCH, threads: TORCH_THREADS, pool: BENCH_POOL })
  for (let i = 0; i < 2; i++) {
    tfjs.trainStep()
    await ort.trainStep()
  }
  if (typeof peer !== 'string') await peer.ask({ cmd: 'train', steps: 2 })
  const loadStart = load()
  const rows: { ort: number; tfjs: number; torch: number | null; draw: number; torchDraw: number | null }[] = []
  for (let r = 0; r < rounds; r++) {
    const [o, t, p] = await inRotation<number | { step: number; draw: number } | null>(r, [
      () => timeWarmTurn(3, () => ort.trainStep()),
      () => timeWarmTurn(3, () => tfjs.trainStep()),
      async () => (typeof peer === 'string' ? null : peerWarmTurn(peer, 3))
    ])
    const draw = await timeWarmTurn(3, () => ort.nextBatch())
    const torch = p as { step: number; draw: number } | null
    rows.push({ ort: o as number, tfjs: t as number, torch: torch?.step ?? null, draw, torchDraw: torch?.draw ?? null })
  }
  tfjs.dispose()
  await ort.dispose()
  const stepFlops = 3 * BATCH * forwardFlopsPerSample(config)
  const ortMs = median(rows.map((r) => r.ort))
  const torchMs = rows.some((r) => r.torch === null) ? null : median(rows.map((r) => r.torch!))
  const vsTorch = torchMs === null ? null : median(rows.map((r) => r.ort / r.torch!))
  console.log(
    `training step B=${BATCH}: onnxruntime ${ortMs.toFixed(1)} ms (of which drawing the batch ${median(rows.map((r) => r.draw)).toFixed(1)} ms; ${(stepFlops / ortMs / 1e6).toFixed(1)} GFLOP/s effective), ` +
      `tfjs ${median(rows.map((r) => r.tfjs)).toFixed(1)} ms, PyTorch ${fmt(torchMs, 1)} ms (drawing ${fmt(torchMs === null ? null : median(rows.map((r) => r.torchDraw!)), 1)} ms) | median ratios: onnxruntime/PyTorch ${fmt(vsTorch)}x (target <= ${values.config === 'large' ? '0.7' : '0.8'}x), ` +
      `onnxruntime/tfjs ${median(rows.map((r) => r.ort / r.tfjs)).toFixed(2)}x, tfjs/PyTorch ${fmt(torchMs === null ? null : median(rows.map((r) => r.tfjs / r.torch!)))}x (load ${loadStart} -> ${load()})`
  )

  // What the in-memory pool leaves out: base training on the built-in world renders its images every step.
  const world = createDataSource(BASE_DATA_OPTIONS, config)
  const worldRng = new Rng(3)
  const worldMs = await timeWarmTurn(5, () => world.sampleBatch(worldRng, BATCH))
  console.log(`rendering a B=${BATCH} batch of the built-in world: ${worldMs.toFixed(1)} ms, added to every step of base training on it (not to the steps above)`)

  // Sampling.
  const sampleLoadStart = load()
  const tfjsIps = await tfjsSampling(tf, config)
  console.log(`sampling via tfjs: ${SAMPLE_STEPS}-step DDIM B=${BATCH} ${tfjsIps.toFixed(1)} images/s (load ${sampleLoadStart} -> ${load()})`)
  const sampleRounds = Math.max(3, Math.ceil(rounds / 2))
  const srows: { ort: number; torch: number | null; forwardMs: number }[] = []
  const sLoad = load()
  for (let r = 0; r < sampleRounds; r++) {
    // Each engine: one untimed sampling run, then the median of SAMPLE_REPEATS; the order rotates per round.
    const [o, p] = await inRotation<OrtSamplingBench | number | null>(r, [
      () => benchOrtSampling(config, BATCH, SAMPLE_STEPS, { forwardRepeats: 3, sampleRepeats: SAMPLE_REPEATS }),
      async () => (typeof peer === 'string' ? null : (BATCH * 1000) / median((await peer.ask({ cmd: 'sample', batch: BATCH, steps: SAMPLE_STEPS, repeats: SAMPLE_REPEATS })).ms as number[]))
    ])
    const ort = o as OrtSamplingBench
    srows.push({ ort: ort.imagesPerSecond, torch: p as number | null, forwardMs: ort.forwardMs })
  }
  const ortIps = median(srows.map((r) => r.ort))
  const torchIps = srows.some((r) => r.torch === null) ? null : median(srows.map((r) => r.torch!))
  console.log(
    `sampling via onnxruntime-node: forward B=${BATCH} ${median(srows.map((r) => r.forwardMs)).toFixed(1)} ms; ${SAMPLE_STEPS}-step DDIM ${ortIps.toFixed(1)} images/s, PyTorch ${fmt(torchIps, 1)} images/s | ` +
      `median ratios: onnxruntime/PyTorch ${fmt(torchIps === null ? null : median(srows.map((r) => r.ort / r.torch!)))}x images/s (target >= 1.5x), onnxruntime/tfjs ${(ortIps / tfjsIps).toFixed(1)}x (${sampleRounds} rounds, load ${sLoad} -> ${load()})`
  )
  const warning = loadWarning()
  if (warning) console.log(warning)
  if (typeof peer !== 'string') peer.close()
}

main().then(
  () => process.exit(0), // tfjs-wasm's threaded build keeps workers alive
  (err: unknown) => {
    console.error(err instanceof Error ? err.message : err)
    process.exit(1)
  }
)
