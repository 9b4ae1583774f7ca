// The PyTorch peer (bench/torch_peer.py) as a child process speaking one JSON object a line, and the
// two model configs the engine benches compare on. Shared by `npm run bench:train` and `bench:engine`.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process'
import { existsSync } from 'node:fs'
import { cpus, loadavg } from 'node:os'
import { resolve } from 'node:path'
import { createInterface } from 'node:readline'
import { baseTrainConfig } from '../src-main/core/evaluation/base-recipe'
import { parseTrainConfig, type TrainConfig } from '../src-main/core/engine/train/config'

export const DEFAULT_PYTHON = '/tmp/torchvenv/bin/python'

/** base = the shipped base model (base-recipe.ts: patch 4, width 96, depth 4); large = patch 2, width 128, depth 6. */
export function configFor(name: string, batch: number): TrainConfig {
  const base = baseTrainConfig({ batch: String(batch) })
  if (name === 'base') return base
  if (name === 'large') return parseTrainConfig({ ...base, model: { ...base.model, patch: 2, width: 128, depth: 6 } })
  throw new Error(`unknown config "${name}" (base or large)`)
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b)
  const m = s.length >> 1
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2
}

/**
 * A warning line when the machine is busier than its cores (1-minute load above the core count), or
 * null: PyTorch's OpenMP threads lose far more than onnxruntime's under load (31 ms idle, 1-2.5 s at a
 * load of 8 on 2 cores for the base B=64 step), so ratios taken then flatter the studio.
 */
export function loadWarning(): string | null {
  const [l] = loadavg()
  const n = cpus().length
  return l > n
    ? `warning: load ${l.toFixed(1)} on ${n} cores; ratios against PyTorch are not comparable with idle figures (its threads slow down most under load), rerun near idle for the targets`
    : null
}

/**
 * Runs the timed jobs of one round starting at a different one each round (round r starts at job
 * r mod n). An engine timed right after another can inherit its leftovers (threads still spinning,
 * caches full of its data), so a fixed order biases the ratios.
 */
export async function inRotation<T>(round: number, jobs: readonly (() => Promise<T>)[]): Promise<T[]> {
  const out = new Array<T>(jobs.length)
  for (let k = 0; k < jobs.length; k++) {
    const i = (round + k) % jobs.length
    out[i] = await jobs[i]()
  }
  return out
}

/**
 * Median time of `steps` calls of `f` after one untimed call. Each engine's turn in a round starts
 * cold (the other engines have just filled the caches and put its threads to sleep); a training run
 * steps back to back, so the untimed call lets every engine be timed warm, the way it trains.
 */
export async function timeWarmTurn(steps: number, f: () => unknown): Promise<number> {
  await f()
  const times: number[] = []
  for (let i = 0; i < steps; i++) {
    const t0 = performance.now()
    await f()
    times.push(performance.now() - t0)
  }
  return median(times)
}

/**
 * The PyTorch peer's turn, timed like timeWarmTurn: one untimed step, then the median of `steps`
 * (`draw`: the median time of those steps spent drawing the batch).
 */
export async function peerWarmTurn(peer: TorchPeer, steps: number): Promise<{ step: number; draw: number }> {
  const out = await peer.ask({ cmd: 'train', steps: steps + 1 })
  return { step: median((out.ms as number[]).slice(1)), draw: median((out.drawMs as number[]).slice(1)) }
}

export class TorchPeer {
  private readonly lines: AsyncIterator<string>
  private constructor(
    private readonly proc: ChildProcessWithoutNullStreams,
    /** e.g. "2.13.0+cpu" */
    readonly version: string
  ) {
    this.lines = createInterface({ input: proc.stdout })[Symbol.asyncIterator]()
  }

  /** The peer, or a sentence saying why it is skipped (no such Python, no torch, a crash at start). */
  static async open(python: string): Promise<TorchPeer | string> {
    if (!existsSync(python)) return `no Python at ${python} (python3 -m venv /tmp/torchvenv && /tmp/torchvenv/bin/pip install torch==2.13.0)`
    const proc = spawn(python, [resolve(__dirname, 'torch_peer.py')], { stdio: ['pipe', 'pipe', 'pipe'] })
    let err = ''
    proc.stderr.on('data', (d) => (err += d))
    const peer = new TorchPeer(proc, '')
    try {
      const hello = await peer.ask({ cmd: 'init', config: { imageSize: 8, channels: 3, patch: 2, width: 8, depth: 1, heads: 2, mlpRatio: 2, timeFeatures: 4, vocabSize: 3 }, batch: 2, threads: 1 })
      return Object.assign(peer, { version: String(hello.torch) })
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
