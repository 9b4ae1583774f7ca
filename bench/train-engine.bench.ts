// `npm run bench:train`: training-step time of the studio's two backends, tfjs (reference) and
// onnxruntime-node (engine/onnx-train), and of a PyTorch peer of the same architecture
// (bench/torch_peer.py) when a Python with torch is available, measured interleaved in one run:
// each round gives every engine a turn (each round starting with the next engine): one untimed step,
// then a few timed ones, so every engine is timed warm as it trains; the ratios are medians over rounds. Other
// work on the machine does not slow the engines alike (PyTorch's OpenMP threads suffered most here:
// 31 ms idle, 1-2.5 s at a load of 8 on 2 cores), so every line carries the load; compare figures
// taken near idle. Every engine's step includes drawing its batch from the same kind of in-memory
// pool of examples (bench/memory-data.ts): indices, timesteps, dropout, noise, noising. Speeds are
// figures, never assertions.
//
//   npm run bench:train -- [--configs base,large] [--batches 64] [--rounds 5] [--steps 3]
//                          [--python /tmp/torchvenv/bin/python] [--torch-threads 2] [--write FILE]
// Configs: base = the shipped base model (base-recipe.ts: patch 4, width 96, depth 4);
//          large = patch 2, width 128, depth 6.
import { writeFileSync } from 'node:fs'
import { cpus, loadavg } from 'node:os'
import { parseArgs } from 'node:util'
import { loadTf, describeBackend } from '../src-main/core/engine/tf/backend'
import { toyDataSource } from '../src-main/core/engine/train/toy-source'
import { BENCH_POOL, inMemoryData } from './memory-data'
import { Trainer } from '../src-main/core/engine/train/trainer'
import { OrtTrainer } from '../src-main/core/engine/onnx-train/trainer'
import { describeOrtTraining } from '../src-main/core/engine/onnx-train/grad-session'
import { tokenCount, type DiTConfig } from '../src-main/core/engine/model/dit-spec'
import { configFor, DEFAULT_PYTHON, inRotation, loadWarning, median, peerWarmTurn, timeWarmTurn, TorchPeer } from './torch-peer'

// tfjs-wasm aborts the whole process (an uncatchable Aborted()) when a step's activations outgrow its
// heap: seen at large B=256 (16,384 tokens); base B=256 and large B=64 (4,096) run.
const TFJS_MAX_TOKENS = 8192

interface Row {
  config: string
  batch: number
  tfjsMs: number | null
  ortMs: number
  torchMs: number | null
  ortVsTfjs: number | null
  ortVsTorch: number | null
  tfjsVsTorch: number | null
  load: string
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      configs: { type: 'string', default: 'base' },
      batches: { type: 'string', default: '64' },
      rounds: { type: 'string', default: '5' },
      steps: { type: 'string', default: '3' },
      python: { type: 'string', default: DEFAULT_PYTHON },
      'torch-threads': { type: 'string', default: '2' },
      write: { type: 'string' }
    }
  })
  const rounds = Number(values.rounds)
  const torchThreads = Number(values['torch-threads'])
  const steps = Number(values.steps)
  const batches = values.batches.split(',').map(Number)
  if (!(rounds > 0 && steps > 0 && batches.every((b) => Number.isInteger(b) && b > 0))) throw new Error('--rounds, --steps and --batches must be positive integers')
  const { tf, info } = await loadTf()
  const peer = await TorchPeer.open(values.python)
  const torchVersion = typeof peer === 'string' ? null : peer.version
  console.log(`tfjs: ${describeBackend(info)}`)
  console.log(`onnxruntime: ${describeOrtTraining()}`)
  console.log(typeof peer === 'string' ? `PyTorch peer skipped: ${peer}` : `PyTorch peer: torch ${torchVersion}, ${torchThreads} intra-op thread(s)`)
  console.log(
    `machine: ${cpus().length} cores, load ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}; ${rounds} rounds x ${steps} steps per engine, interleaved`
  )
  const rows: Row[] = []
  for (const name of values.configs.split(',')) {
    for (const batch of batches) {
      const config = configFor(name, batch)
      const model: DiTConfig = config.model
      const data = inMemoryData(toyDataSource(model), model)
      const tokens = batch * tokenCount(model)
      const tfjs = tokens <= TFJS_MAX_TOKENS ? new Trainer(tf, config, data) : null
      if (!tfjs) console.log(`tfjs skipped at ${name} B=${batch}: ${tokens} tokens per step, above the ${TFJS_MAX_TOKENS} its wasm heap survives`)
      const ort = await OrtTrainer.create(config, data)
      if (typeof peer !== 'string') await peer.ask({ cmd: 'init', config: model, batch, threads: torchThreads, pool: BENCH_POOL })
      // Warm-up: first steps allocate arenas and compile kernels.
      for (let i = 0; i < 2; i++) {
        tfjs?.trainStep()
        await ort.trainStep()
      }
      if (typeof peer !== 'string') await peer.ask({ cmd: 'train', steps: 2 })
      const perRound: { tfjs: number | null; ort: number; torch: number | null }[] = []
      const loadStart = loadavg()[0]
      for (let r = 0; r < rounds; r++) {
        const [a, b, c] = await inRotation<number | { step: number } | null>(r, [
          async () => (tfjs ? await timeWarmTurn(steps, () => tfjs.trainStep()) : null),
          () => timeWarmTurn(steps, () => ort.trainStep()),
          async () => (typeof peer === 'string' ? null : peerWarmTurn(peer, steps))
        ])
        perRound.push({ tfjs: a as number | null, ort: b as number, torch: (c as { step: number } | null)?.step ?? null })
      }
      tfjs?.dispose()
      await ort.dispose()
      const ratio = (f: (p: (typeof perRound)[number]) => number | null): number | null => (perRound.some((p) => f(p) === null) ? null : median(perRound.map((p) => f(p) as number)))
      const row: Row = {
        config: `${name} (patch ${model.patch}, width ${model.width}, depth ${model.depth})`,
        batch,
        tfjsMs: ratio((p) => p.tfjs),
        ortMs: median(perRound.map((p) => p.ort)),
        torchMs: ratio((p) => p.torch),
        ortVsTfjs: ratio((p) => (p.tfjs === null ? null : p.ort / p.tfjs)),
        ortVsTorch: ratio((p) => (p.torch === null ? null : p.ort / p.torch)),
        tfjsVsTorch: ratio((p) => (p.torch === null || p.tfjs === null ? null : p.tfjs / p.torch)),
        load: `${loadStart.toFixed(1)} -> ${loadavg()[0].toFixed(1)}`
      }
      rows.push(row)
      const f = (v: number | null, d = 2) => (v === null ? 'n/a' : v.toFixed(d))
      console.log(
        `${row.config}, B=${batch}: tfjs ${f(row.tfjsMs, 0)} ms, onnxruntime ${row.ortMs.toFixed(0)} ms, PyTorch ${f(row.torchMs, 0)} ms | ` +
          `median ratios: onnxruntime/tfjs ${f(row.ortVsTfjs)}x, onnxruntime/PyTorch ${f(row.ortVsTorch)}x, tfjs/PyTorch ${f(row.tfjsVsTorch)}x (load ${row.load})`
      )
    }
  }
  const warning = loadWarning()
  if (warning) console.log(warning)
  if (typeof peer !== 'string') peer.close()
  if (values.write) {
    const f = (v: number | null, d = 2) => (v === null ? 'n/a' : v.toFixed(d))
    const table = [
      '| config | batch | tfjs ms | onnxruntime ms | PyTorch ms | onnxruntime / tfjs | onnxruntime / PyTorch | tfjs / PyTorch | 1-min load |',
      '|---|---|---|---|---|---|---|---|---|',
      ...rows.map((r) => `| ${r.config} | ${r.batch} | ${f(r.tfjsMs, 0)} | ${r.ortMs.toFixed(0)} | ${f(r.torchMs, 0)} | ${f(r.ortVsTfjs)} | ${f(r.ortVsTorch)} | ${f(r.tfjsVsTorch)} | ${r.load} |`)
    ].join('\n')
    const header = [
      `tfjs: ${describeBackend(info)}`,
      `onnxruntime: ${describeOrtTraining()}`,
      typeof peer === 'string' ? `PyTorch peer skipped: ${peer}` : `PyTorch ${torchVersion} (CPU, ${torchThreads} intra-op thread(s))`
    ].join('; ')
    writeFileSync(values.write, `<!-- written by npm run bench:train on ${new Date().toISOString()} -->\n${header}\n\n${table}\n`)
    console.log(`wrote ${values.write}`)
  }
  process.exit(0) // tfjs-wasm's threaded build keeps workers alive (docs/methods/engine-performance.md)
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : e)
  process.exit(1)
})
