// `npm run bench:train`: training-step time of the studio's two backends, tfjs (reference) and
// onnxruntime-node (engine/onnx-train), and of a PyTorch peer of the same architecture
// (bench/torch_peer.py) when a Python with torch is available, measured interleaved in one run:
// each round times a few steps of every engine in turn, and the ratios are medians over rounds, so a
// machine shared with other work slows all engines alike. Speeds are figures, never assertions.
//
//   npm run bench:train -- [--configs base,large] [--batches 64] [--rounds 5] [--steps 3]
//                          [--python /tmp/torchvenv/bin/python] [--torch-threads 2] [--write FILE]
// Configs: base = the shipped base model (base-recipe.ts: patch 4, width 96, depth 4);
//          large = patch 2, width 128, depth 6.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process'
import { existsSync, writeFileSync } from 'node:fs'
import { cpus, loadavg } from 'node:os'
import { resolve } from 'node:path'
import { createInterface } from 'node:readline'
import { parseArgs } from 'node:util'
import { loadTf, describeBackend } from '../src-main/core/engine/tf/backend'
import { baseTrainConfig } from '../src-main/core/evaluation/base-recipe'
import { parseTrainConfig, type TrainConfig } from '../src-main/core/engine/train/config'
import { toyDataSource } from '../src-main/core/engine/train/toy-source'
import { Trainer } from '../src-main/core/engine/train/trainer'
import { OrtTrainer } from '../src-main/core/engine/onnx-train/trainer'
import { describeOrtTraining } from '../src-main/core/engine/onnx-train/grad-session'
import type { DiTConfig } from '../src-main/core/engine/model/dit-spec'

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b)
  const m = s.length >> 1
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2
}

function configFor(name: string, batch: number): TrainConfig {
  const base = baseTrainConfig({ batch: String(batch) })
  if (name === 'base') return base
  if (name === 'large') return parseTrainConfig({ ...base, model: { ...base.model, patch: 2, width: 128, depth: 6 } })
  throw new Error(`--configs: unknown config "${name}" (base or large)`)
}

/** The PyTorch peer as a child process speaking one JSON object a line. */
class TorchPeer {
  private readonly lines: AsyncIterator<string>
  private constructor(private readonly proc: ChildProcessWithoutNullStreams) {
    this.lines = createInterface({ input: proc.stdout })[Symbol.asyncIterator]()
  }

  static async open(python: string): Promise<TorchPeer | string> {
    if (!existsSync(python)) return `no Python at ${python} (python3 -m venv /tmp/torchvenv && /tmp/torchvenv/bin/pip install torch==2.13.0)`
    const proc = spawn(python, [resolve(__dirname, 'torch_peer.py')], { stdio: ['pipe', 'pipe', 'pipe'] })
    let err = ''
    proc.stderr.on('data', (d) => (err += d))
    const peer = new TorchPeer(proc)
    try {
      await peer.ask({ cmd: 'init', config: { imageSize: 8, channels: 3, patch: 2, width: 8, depth: 1, heads: 2, mlpRatio: 2, timeFeatures: 4, vocabSize: 3 }, batch: 2, threads: 1 })
      return peer
    } catch (e) {
      proc.kill()
      return `the PyTorch peer did not start: ${(e as Error).message} ${err.trim().split('\n').at(-1) ?? ''}`
    }
  }

  async ask(msg: object): Promise<Record<string, unknown>> {
    this.proc.stdin.write(JSON.stringify(msg) + '\n')
    const next = await this.lines.next()
    if (next.done) throw new Error('the peer exited')
    const out = JSON.parse(next.value) as Record<string, unknown>
    if (out.error) throw new Error(typeof out.error === 'string' ? out.error : JSON.stringify(out.error))
    return out
  }

  close(): void {
    this.proc.stdin.end()
  }
}

interface Row {
  config: string
  batch: number
  tfjsMs: number
  ortMs: number
  torchMs: number | null
  ortVsTfjs: number
  ortVsTorch: number | null
  tfjsVsTorch: number | null
  load: string
}

async function timeSteps(steps: number, f: () => unknown): Promise<number> {
  const times: number[] = []
  for (let i = 0; i < steps; i++) {
    const t0 = performance.now()
    await f()
    times.push(performance.now() - t0)
  }
  return median(times)
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      configs: { type: 'string', default: 'base' },
      batches: { type: 'string', default: '64' },
      rounds: { type: 'string', default: '5' },
      steps: { type: 'string', default: '3' },
      python: { type: 'string', default: '/tmp/torchvenv/bin/python' },
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
  const torchVersion = typeof peer === 'string' ? null : String((await peer.ask({ cmd: 'init', config: configFor('base', 2).model, batch: 2, threads: 2 })).torch)
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
      const data = toyDataSource(model)
      const tfjs = new Trainer(tf, config, data)
      const ort = await OrtTrainer.create(config, data)
      if (typeof peer !== 'string') await peer.ask({ cmd: 'init', config: model, batch, threads: torchThreads })
      // Warm-up: first steps allocate arenas and compile kernels.
      for (let i = 0; i < 2; i++) {
        tfjs.trainStep()
        await ort.trainStep()
      }
      if (typeof peer !== 'string') await peer.ask({ cmd: 'train', steps: 2 })
      const perRound: { tfjs: number; ort: number; torch: number | null }[] = []
      const loadStart = loadavg()[0]
      for (let r = 0; r < rounds; r++) {
        const a = await timeSteps(steps, () => tfjs.trainStep())
        const b = await timeSteps(steps, () => ort.trainStep())
        const c = typeof peer === 'string' ? null : median((await peer.ask({ cmd: 'train', steps })).ms as number[])
        perRound.push({ tfjs: a, ort: b, torch: c })
      }
      tfjs.dispose()
      await ort.dispose()
      const ratio = (f: (p: (typeof perRound)[number]) => number | null): number | null => (perRound.some((p) => f(p) === null) ? null : median(perRound.map((p) => f(p) as number)))
      const row: Row = {
        config: `${name} (patch ${model.patch}, width ${model.width}, depth ${model.depth})`,
        batch,
        tfjsMs: median(perRound.map((p) => p.tfjs)),
        ortMs: median(perRound.map((p) => p.ort)),
        torchMs: ratio((p) => p.torch),
        ortVsTfjs: ratio((p) => p.ort / p.tfjs)!,
        ortVsTorch: ratio((p) => (p.torch === null ? null : p.ort / p.torch)),
        tfjsVsTorch: ratio((p) => (p.torch === null ? null : p.tfjs / p.torch)),
        load: `${loadStart.toFixed(1)} -> ${loadavg()[0].toFixed(1)}`
      }
      rows.push(row)
      const f = (v: number | null, d = 2) => (v === null ? 'n/a' : v.toFixed(d))
      console.log(
        `${row.config}, B=${batch}: tfjs ${row.tfjsMs.toFixed(0)} ms, onnxruntime ${row.ortMs.toFixed(0)} ms, PyTorch ${f(row.torchMs, 0)} ms | ` +
          `median ratios: onnxruntime/tfjs ${f(row.ortVsTfjs)}x, onnxruntime/PyTorch ${f(row.ortVsTorch)}x, tfjs/PyTorch ${f(row.tfjsVsTorch)}x (load ${row.load})`
      )
    }
  }
  if (typeof peer !== 'string') peer.close()
  if (values.write) {
    const f = (v: number | null, d = 2) => (v === null ? 'n/a' : v.toFixed(d))
    const table = [
      '| config | batch | tfjs ms | onnxruntime ms | PyTorch ms | onnxruntime / tfjs | onnxruntime / PyTorch | tfjs / PyTorch | 1-min load |',
      '|---|---|---|---|---|---|---|---|---|',
      ...rows.map(
        (r) => `| ${r.config} | ${r.batch} | ${r.tfjsMs.toFixed(0)} | ${r.ortMs.toFixed(0)} | ${f(r.torchMs, 0)} | ${f(r.ortVsTfjs)} | ${f(r.ortVsTorch)} | ${f(r.tfjsVsTorch)} | ${r.load} |`
      )
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
