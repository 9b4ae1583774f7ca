// The Debias experiment (issue 9, item 5; docs/debias-experiment.md): the same small DiT trained on the
// built-in world with the constant and with the 1/sqrt(SNR) epsilon-loss weight. For each seed the two
// arms run at the same time, one child process each (one per core); every arm trains with a warm-up and
// cosine-decayed learning rate, keeps an EMA of its weights and evaluates the EMA weights at fixed steps
// with DDPM 100 and DDPM 10 (Frechet distance, colour shift, concept accuracy, each with a bootstrap
// interval; held-out epsilon / x0 error per timestep bin). Resumable: re-running the same command
// continues every unfinished arm from its last checkpoint in --work and skips finished ones.
//
//   npx tsx src-main/cli/debias-experiment.ts [--steps 6000] [--seeds 1,2] [--eval-every 500]
//        [--lr 0.001] [--final-lr 0.00001] [--warmup 200] [--ema 0.999] [--per-prompt 64] [--resamples 200]
//        [--width 64] [--depth 3] [--patch 4] [--batch 64] [--schedule linear]
//        [--work .tmp/debias-run] [--out docs/debias-experiment]
//
// Writes <out>.json (every point, the plan, the verdict), <out>.svg and <out>.png (curves),
// <out>-seed<S>-<sampler>.png (contact sheets: constant | debias, same seeds), <out>-tables.md (the
// tables of docs/debias-experiment.md) and prints the figures. Re-running a finished command only
// rewrites these files.

import { spawn } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import sharp from 'sharp'
import { writeFileAtomicSync } from '../core/fs/atomic-write'
import { loadTf, describeBackend } from '../core/engine/tf/backend'
import { parseTrainConfig } from '../core/engine/train/config'
import { parseScheduleKind } from '../core/engine/diffusion/schedule'
import { parseLossWeighting, type LossWeighting } from '../core/engine/diffusion/weights'
import { createDataSource } from '../core/world/world-source'
import { VOCAB_SIZE } from '../core/world/vocabulary'
import { encodeContactSheet } from '../core/world/png'
import { CHANNELS } from '../core/world/renderer'
import {
  defaultDebiasPlan,
  overallVerdict,
  planKey,
  runArm,
  seedVerdict,
  SUPPORT_SPEED_UP,
  type ArmResult,
  type DebiasPlan,
  type Estimate,
  type SeedVerdict
} from './experiments/debias/debias-experiment'
import { debiasMarkdown } from './experiments/debias/debias-report'
import { armFidelity, emaFromCheckpoint, type ArmFidelity } from './experiments/debias/debias-fidelity'
import { parseFlags } from './flags'

const FLAGS = ['steps', 'seeds', 'eval-every', 'lr', 'final-lr', 'warmup', 'ema', 'per-prompt', 'resamples', 'width', 'depth', 'patch', 'batch', 'schedule', 'work', 'out', 'worker', 'seed']
const ARMS: LossWeighting[] = ['constant', 'debias']

// Like the loop it replaced: the flags given, as strings (a flag not given is absent).
function parseArgs(argv: string[]): Record<string, string> {
  return parseFlags(
    argv,
    { values: FLAGS },
    `usage: debias-experiment ${FLAGS.filter((f) => f !== 'worker' && f !== 'seed')
      .map((f) => `[--${f} V]`)
      .join(' ')}`
  ) as Record<string, string>
}

function num(args: Record<string, string>, name: string, fallback: number): number {
  if (args[name] === undefined) return fallback
  const v = Number(args[name])
  if (!Number.isFinite(v) || v <= 0) throw new Error(`--${name} must be a positive number, got "${args[name]}"`)
  return v
}

function intFlag(args: Record<string, string>, name: string, fallback: number): number {
  const v = num(args, name, fallback)
  if (!Number.isInteger(v)) throw new Error(`--${name} must be an integer, got "${args[name]}"`)
  return v
}

function planFrom(args: Record<string, string>): DebiasPlan {
  const model = {
    imageSize: 16,
    channels: 3,
    patch: intFlag(args, 'patch', 4),
    width: intFlag(args, 'width', 64),
    depth: intFlag(args, 'depth', 3),
    heads: 4,
    mlpRatio: 4,
    timeFeatures: 64,
    vocabSize: VOCAB_SIZE
  }
  const steps = intFlag(args, 'steps', 6000)
  const config = parseTrainConfig({
    model,
    // Linear is the Debias reference's schedule; with cosine 1/sqrt(SNR) reaches ~2e4 at t = 999.
    schedule: parseScheduleKind(args.schedule ?? 'linear'),
    batchSize: intFlag(args, 'batch', 64),
    learningRate: num(args, 'lr', 1e-3),
    steps,
    seed: 0,
    condDropout: 0.1
  })
  const every = intFlag(args, 'eval-every', Math.max(1, Math.round(steps / 12)))
  const evalSteps: number[] = []
  for (let s = every; s < steps; s += every) evalSteps.push(s)
  evalSteps.push(steps)
  const overrides: Parameters<typeof defaultDebiasPlan>[1] = { evalSteps }
  if (args['final-lr'] !== undefined) overrides.finalLearningRate = num(args, 'final-lr', 1e-5)
  if (args.warmup !== undefined) overrides.warmupSteps = intFlag(args, 'warmup', 200)
  if (args.ema !== undefined) overrides.emaDecay = num(args, 'ema', 0.999)
  if (args['per-prompt'] !== undefined) overrides.perPrompt = intFlag(args, 'per-prompt', 64)
  if (args.resamples !== undefined) overrides.resamples = intFlag(args, 'resamples', 200)
  return defaultDebiasPlan(config, overrides)
}

function seedsFrom(args: Record<string, string>): number[] {
  const seeds = (args.seeds ?? '1,2').split(',').map((s) => Number(s.trim()))
  if (seeds.length === 0 || !seeds.every((s) => Number.isSafeInteger(s) && s >= 0)) throw new Error(`--seeds must be comma-separated non-negative integers, got "${args.seeds}"`)
  return seeds
}

const armBase = (work: string, weighting: string, seed: number): string => resolve(work, `${weighting}-seed${seed}`)

// ---- worker: one arm -------------------------------------------------------------------------------

async function worker(args: Record<string, string>): Promise<void> {
  const plan = planFrom(args)
  const weighting = parseLossWeighting(args.worker)
  const seed = intFlag(args, 'seed', 1)
  const work = resolve(args.work ?? '.tmp/debias-run')
  mkdirSync(work, { recursive: true })
  const base = armBase(work, weighting, seed)
  const { tf, info } = await loadTf({ preferWasm: true })
  console.log(`backend: ${describeBackend(info)}`)
  const started = Date.now()
  const result = await runArm({
    tf,
    plan,
    weighting,
    seed,
    data: () => createDataSource({ captionAttributeFraction: 0.3 }, plan.config.model),
    checkpointPath: `${base}.ckpt`,
    onSheets: (sheets, step) => {
      if (step !== plan.config.steps) return
      for (const [name, images] of Object.entries(sheets)) writeFileAtomicSync(`${base}-${name}.f32`, new Uint8Array(images.buffer, images.byteOffset, images.byteLength))
    },
    onLog: (l) => console.log(l)
  })
  writeFileAtomicSync(`${base}.json`, Buffer.from(JSON.stringify({ plan: planKey(plan), workerSeconds: (Date.now() - started) / 1000, ...result }) + '\n'))
}

// ---- parent: both arms of each seed at the same time, then the comparison ---------------------------

function runWorker(args: string[], label: string): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [...process.execArgv, process.argv[1], ...args], { stdio: ['ignore', 'pipe', 'pipe'] })
    const relay = (stream: NodeJS.ReadableStream, out: NodeJS.WriteStream): void => {
      let buf = ''
      stream.on('data', (d: Buffer) => {
        buf += d.toString()
        const lines = buf.split('\n')
        buf = lines.pop() ?? ''
        for (const l of lines) if (l.trim() && !l.includes('npm warn')) out.write(`[${label}] ${l}\n`)
      })
    }
    relay(child.stdout, process.stdout)
    relay(child.stderr, process.stderr)
    child.on('error', reject)
    child.on('exit', (code) => (code === 0 ? resolvePromise() : reject(new Error(`${label} exited with ${code}`))))
  })
}

function loadArm(work: string, weighting: string, seed: number, plan: DebiasPlan): (ArmResult & { workerSeconds: number }) | null {
  const path = `${armBase(work, weighting, seed)}.json`
  if (!existsSync(path)) return null
  const r = JSON.parse(readFileSync(path, 'utf8')) as ArmResult & { plan: string; workerSeconds: number }
  if (r.plan !== planKey(plan)) throw new Error(`${path} was written by a different plan; delete it or choose another --work`)
  return r.finished ? r : null
}

const fmtE = (e: Estimate, d: number, scale = 1): string => `${(e.value * scale).toFixed(d)} [${(e.low * scale).toFixed(d)}, ${(e.high * scale).toFixed(d)}]`
const fmtSteps = (s: number | null): string => (s === null ? 'not reached' : String(Math.round(s)))

const COLOURS: Record<string, string> = { constant: '#d62728', debias: '#1f77b4' }

interface ChartPanel {
  title: string
  xLabel: string
  log?: boolean
  series: ChartSeries[]
  floor?: number
}

interface ChartSeries {
  name: string
  colour: string
  dash: boolean
  points: { x: number; y: number; low?: number; high?: number }[]
}

function niceTicks(lo: number, hi: number, count = 5): number[] {
  if (!(hi > lo)) return [lo]
  const raw = (hi - lo) / count
  const mag = 10 ** Math.floor(Math.log10(raw))
  const step = [1, 2, 5, 10].map((k) => k * mag).find((v) => v >= raw) ?? raw
  const out: number[] = []
  for (let v = Math.ceil(lo / step) * step; v <= hi + 1e-9 * step; v += step) out.push(Number(v.toPrecision(12)))
  return out
}

/** Ticks in log10 units at 1, 2 and 5 times powers of ten (only the powers when the range is wide). */
function logTicks(lo: number, hi: number): number[] {
  const wide = hi - lo > 2.5
  const out: number[] = []
  for (let k = Math.floor(lo); k <= Math.ceil(hi); k++) {
    for (const f of wide ? [1] : [1, 2, 5]) {
      const v = k + Math.log10(f)
      if (v >= lo - 1e-9 && v <= hi + 1e-9) out.push(v)
    }
  }
  return out.length >= 2 ? out : [lo, hi]
}

/** Panels of lines with interval whiskers; `log` panels plot log10(y). */
function chartSvg(panels: ChartPanel[], caption: string): string {
  const W = 330
  const H = 240
  const m = { l: 52, r: 10, t: 28, b: 40 }
  const width = panels.length * W
  const legendSeries = panels[0]?.series ?? []
  const height = H + 24 + 16 * Math.ceil(legendSeries.length / 2) + 20
  const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="11">`,
    `<rect width="${width}" height="${height}" fill="white"/>`
  ]
  panels.forEach((p, k) => {
    const ox = k * W
    const tr = (y: number): number => (p.log ? Math.log10(Math.max(y, 1e-12)) : y)
    const pts = p.series.flatMap((s) => s.points)
    const xs = pts.map((q) => q.x)
    const ys = pts.flatMap((q) => [q.y, q.low ?? q.y, q.high ?? q.y].map(tr)).concat(p.floor !== undefined ? [tr(p.floor)] : [])
    const x0 = Math.min(...xs)
    const x1 = Math.max(...xs)
    let y0 = Math.min(...ys)
    let y1 = Math.max(...ys)
    if (!p.log) y0 = Math.min(0, y0)
    if (y1 - y0 < 1e-9) y1 = y0 + 1
    const px = (x: number): number => ox + m.l + ((x - x0) / (x1 - x0 || 1)) * (W - m.l - m.r)
    const py = (y: number): number => m.t + (1 - (tr(y) - y0) / (y1 - y0)) * (H - m.t - m.b)
    parts.push(`<text x="${ox + W / 2}" y="16" text-anchor="middle" font-weight="bold">${esc(p.title)}</text>`)
    parts.push(`<line x1="${px(x0)}" y1="${m.t + H - m.t - m.b}" x2="${px(x1)}" y2="${H - m.b}" stroke="#333"/>`, `<line x1="${px(x0)}" y1="${m.t}" x2="${px(x0)}" y2="${H - m.b}" stroke="#333"/>`)
    // Linear axes get round ticks; log axes get 1, 2 and 5 times powers of ten.
    const yTicks = p.log ? logTicks(y0, y1) : niceTicks(y0, y1)
    for (const v of yTicks) {
      const y = m.t + (1 - (v - y0) / (y1 - y0)) * (H - m.t - m.b)
      const label = p.log ? Number((10 ** v).toPrecision(2)).toString() : Number(v.toPrecision(3)).toString()
      parts.push(`<line x1="${px(x0) - 3}" y1="${y}" x2="${px(x1)}" y2="${y}" stroke="#e4e4e4"/><text x="${px(x0) - 5}" y="${y + 4}" text-anchor="end">${label}</text>`)
    }
    for (const v of niceTicks(x0, x1)) parts.push(`<text x="${px(v)}" y="${H - m.b + 14}" text-anchor="middle">${Number(v.toPrecision(4))}</text>`)
    parts.push(`<text x="${ox + m.l + (W - m.l - m.r) / 2}" y="${H - 8}" text-anchor="middle">${esc(p.xLabel)}${p.log ? ' (log y)' : ''}</text>`)
    if (p.floor !== undefined)
      parts.push(
        `<line x1="${px(x0)}" y1="${py(p.floor)}" x2="${px(x1)}" y2="${py(p.floor)}" stroke="#888" stroke-dasharray="4 3"/><text x="${px(x1)}" y="${py(p.floor) - 4}" text-anchor="end" fill="#666">real vs real</text>`
      )
    for (const s of p.series) {
      const d = s.points.map((q, i) => `${i ? 'L' : 'M'}${px(q.x).toFixed(1)},${py(q.y).toFixed(1)}`).join(' ')
      parts.push(`<path d="${d}" fill="none" stroke="${s.colour}" stroke-width="1.8"${s.dash ? ' stroke-dasharray="5 3"' : ''}/>`)
      for (const q of s.points) {
        if (q.low !== undefined && q.high !== undefined)
          parts.push(`<line x1="${px(q.x).toFixed(1)}" y1="${py(q.low).toFixed(1)}" x2="${px(q.x).toFixed(1)}" y2="${py(q.high).toFixed(1)}" stroke="${s.colour}" stroke-width="1"/>`)
        parts.push(`<circle cx="${px(q.x).toFixed(1)}" cy="${py(q.y).toFixed(1)}" r="2.2" fill="${s.colour}"/>`)
      }
    }
  })
  legendSeries.forEach((s, i) => {
    const x = 20 + (i % 2) * 260
    const y = H + 14 + 16 * Math.floor(i / 2)
    parts.push(
      `<line x1="${x}" y1="${y}" x2="${x + 24}" y2="${y}" stroke="${s.colour}" stroke-width="2"${s.dash ? ' stroke-dasharray="5 3"' : ''}/><text x="${x + 30}" y="${y + 4}">${esc(s.name)}</text>`
    )
  })
  parts.push(`<text x="20" y="${height - 8}" fill="#444">${esc(caption)}</text>`, '</svg>')
  return parts.join('\n') + '\n'
}

function figure(arms: ArmResult[], plan: DebiasPlan, caption: string): string {
  const name = (a: ArmResult): string => `${a.weighting === 'debias' ? '1/sqrt(SNR)' : 'constant'}, seed ${a.seed}`
  const seeds = [...new Set(arms.map((a) => a.seed))]
  const series = (pick: (p: ArmResult['points'][number]) => Estimate): ChartSeries[] =>
    arms.map((a) => ({
      name: name(a),
      colour: COLOURS[a.weighting] ?? '#555',
      dash: a.seed !== seeds[0],
      points: a.points.map((p) => ({ x: p.step, y: pick(p).value, low: pick(p).low, high: pick(p).high }))
    }))
  const floor = arms[0]?.points[0]?.samplers[plan.samplers[0].name]?.frechetFloor
  const panels: ChartPanel[] = plan.samplers.flatMap((s): ChartPanel[] => [
    { title: `Frechet distance, ${s.sampler.toUpperCase()} ${s.steps}`, xLabel: 'training step', log: true, series: series((p) => p.samplers[s.name].frechet), floor },
    { title: `Colour shift |dRGB|, ${s.sampler.toUpperCase()} ${s.steps}`, xLabel: 'training step', series: series((p) => p.samplers[s.name].colourShift) }
  ])
  const last = (a: ArmResult) => a.points[a.points.length - 1]
  panels.push({
    title: 'Held-out x0 error per timestep (last step)',
    xLabel: 'timestep t',
    log: true,
    series: arms.map((a) => ({ name: name(a), colour: COLOURS[a.weighting] ?? '#555', dash: a.seed !== seeds[0], points: last(a).timestepError.map((b) => ({ x: b.t, y: b.x0Mse })) }))
  })
  return chartSvg(panels, caption)
}

/** Contact sheet per seed and sampler: each row one prompt, the constant arm's images | blank | the debias arm's. */
async function contactSheet(work: string, seed: number, sampler: string, plan: DebiasPlan): Promise<Buffer | null> {
  const size = plan.config.model.imageSize
  const px = size * size * CHANNELS
  const keep = plan.sheetPerPrompt
  const load = (w: string): Float32Array | null => {
    const path = `${armBase(work, w, seed)}-${sampler}.f32`
    if (!existsSync(path)) return null
    const b = readFileSync(path)
    return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength))
  }
  const c = load('constant')
  const d = load('debias')
  if (!c || !d || keep === 0) return null
  const prompts = c.length / (keep * px)
  const cols = 2 * keep + 1
  const out = new Float32Array(prompts * cols * px).fill(1)
  for (let k = 0; k < prompts; k++) {
    out.set(c.subarray(k * keep * px, (k + 1) * keep * px), k * cols * px)
    out.set(d.subarray(k * keep * px, (k + 1) * keep * px), (k * cols + keep + 1) * px)
  }
  return encodeContactSheet(out, prompts * cols, size, cols, 3)
}

async function parent(args: Record<string, string>): Promise<void> {
  const plan = planFrom(args)
  const seeds = seedsFrom(args)
  const work = resolve(args.work ?? '.tmp/debias-run')
  const outBase = resolve(args.out ?? 'docs/debias-experiment')
  mkdirSync(work, { recursive: true })
  mkdirSync(dirname(outBase), { recursive: true })
  const command = `npx tsx src-main/cli/debias-experiment.ts ${process.argv.slice(2).join(' ')}`.trim()
  const passOn = process.argv.slice(2).filter((_, i, a) => !['--seeds', '--out'].includes(a[i]) && !['--seeds', '--out'].includes(a[i - 1]))
  const started = Date.now()
  console.log(`plan: ${plan.config.steps} steps, seeds ${seeds.join(', ')}, evaluations at ${plan.evalSteps.join(', ')}; checkpoints in ${work}`)
  for (const seed of seeds) {
    const todo = ARMS.filter((w) => !loadArm(work, w, seed, plan))
    if (todo.length === 0) {
      console.log(`seed ${seed}: both arms already finished`)
      continue
    }
    const t0 = Date.now()
    await Promise.all(todo.map((w) => runWorker([...passOn, '--work', work, '--worker', w, '--seed', String(seed)], `${w} s${seed}`)))
    console.log(`seed ${seed}: arms finished in ${((Date.now() - t0) / 60000).toFixed(1)} min wall time`)
  }
  const arms = seeds.flatMap((seed) => ARMS.map((w) => loadArm(work, w, seed, plan)!))
  // The attribute-matched fidelity figures of the last EMA weights (computed once, cached in --work).
  const fidelity: Record<string, ArmFidelity> = {}
  for (const a of arms) {
    const base = armBase(work, a.weighting, a.seed)
    const cached = existsSync(`${base}-fidelity.json`) ? (JSON.parse(readFileSync(`${base}-fidelity.json`, 'utf8')) as ArmFidelity & { plan: string }) : null
    if (cached && cached.plan === planKey(plan)) {
      fidelity[`${a.weighting}-seed${a.seed}`] = cached
      continue
    }
    console.log(`fidelity figures of ${a.weighting} seed ${a.seed} (last EMA weights)`)
    const { step, params } = emaFromCheckpoint(`${base}.ckpt`, plan)
    const f = await armFidelity(plan, params, step, `${a.weighting}-seed${a.seed}`)
    writeFileAtomicSync(`${base}-fidelity.json`, Buffer.from(JSON.stringify({ plan: planKey(plan), ...f }) + '\n'))
    fidelity[`${a.weighting}-seed${a.seed}`] = f
  }
  const samplerNames = plan.samplers.map((s) => s.name)
  const verdicts: Record<string, SeedVerdict[]> = {}
  for (const name of samplerNames)
    verdicts[name] = seeds.map((seed) =>
      seedVerdict(
        arms.find((a) => a.seed === seed && a.weighting === 'constant')!,
        arms.find((a) => a.seed === seed && a.weighting === 'debias')!,
        name
      )
    )
  const primary = samplerNames[0]
  const verdict = overallVerdict(verdicts[primary])
  const seconds = (Date.now() - started) / 1000

  const result = {
    command,
    wallSecondsThisInvocation: seconds,
    workerSeconds: Object.fromEntries(arms.map((a) => [`${a.weighting}-seed${a.seed}`, a.workerSeconds])),
    plan: { ...plan, config: { ...plan.config, weighting: 'per arm', seed: 'per arm' } },
    seeds,
    successMeasure: {
      metric: `Frechet distance (${primary}), EMA weights`,
      rule: `steps the 1/sqrt(SNR) arm needs to reach the constant arm's final value; supported when total/steps >= ${SUPPORT_SPEED_UP} on every seed`,
      verdict,
      perSeed: verdicts[primary]
    },
    secondary: Object.fromEntries(samplerNames.slice(1).map((n) => [n, verdicts[n]])),
    fidelityAtLastStep: fidelity,
    arms
  }
  writeFileAtomicSync(`${outBase}.json`, Buffer.from(JSON.stringify(result, null, 2) + '\n'))
  const caption = `${plan.config.steps} steps, batch ${plan.config.batchSize}, ${plan.config.schedule}, lr ${plan.config.learningRate} cosine to ${plan.finalLearningRate}, EMA ${plan.emaDecay}; ${plan.perPrompt} images x 9 prompts; bars: 95% bootstrap intervals; solid seed ${seeds[0]}, dashed seed ${seeds[1] ?? '-'}`
  const svg = figure(arms, plan, caption)
  writeFileSync(`${outBase}.svg`, svg)
  writeFileSync(`${outBase}.png`, await sharp(Buffer.from(svg)).png().toBuffer())
  for (const seed of seeds) {
    for (const name of samplerNames) {
      const png = await contactSheet(work, seed, name, plan)
      if (png) writeFileSync(`${outBase}-seed${seed}-${name}.png`, png)
    }
  }

  console.log(
    `\nSuccess measure (fixed before the run): steps the 1/sqrt(SNR) arm needs to reach the constant arm's final Frechet distance (${primary}); supported when the speed-up is >= ${SUPPORT_SPEED_UP} on every seed.`
  )
  for (const name of samplerNames) {
    for (const v of verdicts[name]) {
      console.log(
        `${name} seed ${v.seed}: constant final ${fmtE(v.target, 1)}, debias final ${fmtE(v.debiasFinal, 1)}; debias reaches the constant final at ${fmtSteps(v.debiasSteps)} steps (speed-up ${v.speedUp === null ? '-' : v.speedUp.toFixed(2)}); constant reaches the debias final at ${fmtSteps(v.constantStepsToDebiasFinal)}`
      )
    }
  }
  for (const a of arms) {
    const last = a.points[a.points.length - 1]
    const q = samplerNames
      .map((n) => `${n}: frechet ${fmtE(last.samplers[n].frechet, 1)}, colour ${fmtE(last.samplers[n].colourShift, 3)}, concept ${fmtE(last.samplers[n].conceptAccuracy, 1, 100)}%`)
      .join('; ')
    console.log(`${a.weighting} seed ${a.seed} step ${last.step}: ${q}`)
    console.log(`  x0 error per timestep bin: ${last.timestepError.map((b) => `${b.lo}-${b.hi - 1}: ${b.x0Mse.toPrecision(3)}`).join(', ')}`)
    console.log(`  eps error per timestep bin: ${last.timestepError.map((b) => `${b.lo}-${b.hi - 1}: ${b.epsMse.toPrecision(3)}`).join(', ')}`)
  }
  const tables = debiasMarkdown(result)
  writeFileSync(`${outBase}-tables.md`, tables)
  console.log(`\n${tables}`)
  console.log(`verdict: ${verdict}`)
  console.log(`wrote ${outBase}.json, .svg, .png and contact sheets in ${(seconds / 60).toFixed(1)} min`)
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2))
  if (args.worker !== undefined) await worker(args)
  else await parent(args)
  process.exit(0)
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : String(err))
  process.exit(1)
})
