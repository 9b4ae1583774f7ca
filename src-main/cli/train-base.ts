// Trains the studio's base model on the built-in world (biased pretraining captions), then evaluates it
// with the shipped classifier and writes everything the app ships into --out (resources/models/base):
//   base.ckpt             final training checkpoint (weights, optimiser state, RNG state, loss log)
//   config.json           the training config (model architecture included) and data options
//   seed.txt              the run's seed
//   training-log.json     loss summary per window, wall time, backend, the exact command
//   evaluation.json       classifier-measured evaluation (see src-main/core/engine/eval)
//
//   npx tsx src-main/cli/train-base.ts [--steps 3000] [--seed 1] [--out resources/models/base]
//        [--run-dir .tmp/runs/base-seed1] [--width 96] [--depth 4] [--patch 4] [--batch 64] [--lr 0.001]
//        [--decay-steps 2500] [--decay-lr 0.00025] [--attribute-steps 0 (0: none)] [--eval-per-prompt 8] [--eval-guidance 3] [--eval-only]
//
// Two phases: `main` (--steps at --lr from a seeded init), then `decay` (--decay-steps at --decay-lr,
// starting from main's final weights with a fresh optimiser), a step learning-rate decay; then
// `attributes` (--attribute-steps at the decay rate on captions that mostly name the attributes).
//
// Training runs in the engine worker with periodic checkpoints in --run-dir; run the same command again
// after an interruption and it resumes from the newest checkpoint.

import { copyFile, mkdir, rename } from 'node:fs/promises'
import { resolve } from 'node:path'
import { writeFileAtomic } from '../core/fs/atomic-write'
import { latestCheckpoint, loadCheckpoint } from '../core/engine/checkpoint/store'
import { parseTrainConfig, type TrainConfig } from '../core/engine/train/config'
import { startTraining } from '../core/engine/train/host'
import type { WorkerMessage } from '../core/engine/train/protocol'
import { worldSourceModuleSpec } from '../core/engine/world-source'
import { VOCAB_SIZE } from '../core/world/vocabulary'
import { evaluateBaseModel } from '../core/engine/eval/evaluate-model'
import { summariseLosses } from '../core/engine/eval/loss-summary'

const FLAGS = ['steps', 'seed', 'out', 'run-dir', 'width', 'depth', 'patch', 'batch', 'lr', 'decay-steps', 'decay-lr', 'attribute-steps', 'eval-per-prompt', 'eval-guidance', 'checkpoint-every']

function parseArgs(argv: string[]): { values: Record<string, string>; evalOnly: boolean } {
  const values: Record<string, string> = {}
  let evalOnly = false
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]
    if (a === '--help' || a === '-h') {
      console.log(`usage: train-base ${FLAGS.map((f) => `[--${f} V]`).join(' ')} [--eval-only]`)
      process.exit(0)
    }
    if (a === '--eval-only') {
      evalOnly = true
      continue
    }
    if (!a.startsWith('--') || i + 1 >= argv.length) throw new Error(`unexpected argument "${a}"; flags are ${FLAGS.map((f) => `--${f}`).join(', ')}, --eval-only`)
    const key = a.slice(2)
    if (!FLAGS.includes(key)) throw new Error(`unknown flag --${key}`)
    values[key] = argv[++i]
  }
  return { values, evalOnly }
}

function numFlag(args: Record<string, string>, name: string, fallback: number): number {
  if (args[name] === undefined) return fallback
  const v = Number(args[name])
  if (!Number.isFinite(v) || v <= 0) throw new Error(`--${name} must be a positive number, got "${args[name]}"`)
  return v
}

/** The base model's recipe; every field is recorded in config.json. */
export function baseTrainConfig(args: Record<string, string>): TrainConfig {
  return parseTrainConfig({
    model: {
      imageSize: 16,
      channels: 3,
      patch: numFlag(args, 'patch', 4),
      width: numFlag(args, 'width', 96),
      depth: numFlag(args, 'depth', 4),
      heads: 4,
      mlpRatio: 4,
      timeFeatures: 64,
      vocabSize: VOCAB_SIZE
    },
    // Cosine: the schedule the samplers default to, and kinder to 16x16 images than linear.
    schedule: 'cosine',
    timesteps: 1000,
    weighting: 'constant',
    batchSize: numFlag(args, 'batch', 64),
    learningRate: numFlag(args, 'lr', 1e-3),
    condDropout: 0.1,
    steps: numFlag(args, 'steps', 3000),
    seed: Math.floor(numFlag(args, 'seed', 1)),
    checkpointEvery: numFlag(args, 'checkpoint-every', 200)
  })
}

/** Ancestral DDPM: visibly cleaner than DDIM on this small model (DDIM leaves pixel noise). */
export const BASE_EVAL_SAMPLING = { sampler: 'ddpm' as const, steps: 100, guidance: 3, seed: 1234 }

/**
 * Default pretraining data: SDXL-like bias; 40% of captions name attributes, and the attributes they
 * name are drawn uniformly ('balanced'), so every concept/attribute pairing is seen with its words
 * while figures under neutral captions keep the full bias.
 */
export const BASE_DATA_OPTIONS = { captionAttributeFraction: 0.4, namedAttributes: 'balanced' as const }

async function train(config: TrainConfig, runDir: string, initFrom?: string, data: object = BASE_DATA_OPTIONS): Promise<number> {
  const started = Date.now()
  let lastPrint = 0
  const handle = startTraining(
    { config, runDir, data: { module: worldSourceModuleSpec(), options: data }, resume: true, initFrom, progressIntervalMs: 2000 },
    {
      onMessage: (m: WorkerMessage) => {
        if (m.type === 'log') console.log(`[${m.level}] ${m.message}`)
        else if (m.type === 'progress' && Date.now() - lastPrint > 20000) {
          lastPrint = Date.now()
          console.log(`step ${m.step}/${m.totalSteps} loss ${m.loss.toFixed(4)} ${m.itPerSec.toFixed(2)} it/s eta ${(m.etaSeconds / 60).toFixed(1)} min`)
        }
      }
    }
  )
  const stop = (): void => handle.cancel() // Ctrl-C: the worker writes a checkpoint and stops
  process.once('SIGINT', stop)
  process.once('SIGTERM', stop)
  const done = await handle.result
  if (done.cancelled) {
    console.log(`cancelled at step ${done.step}; run the same command again to resume`)
    process.exit(1)
  }
  return (Date.now() - started) / 1000
}

/** Phase 2 of the recipe: the phase-1 weights trained on at a lower learning rate (a step decay). */
export function decayPhaseConfig(phase1: TrainConfig, args: Record<string, string>): TrainConfig {
  return parseTrainConfig({
    ...phase1,
    learningRate: numFlag(args, 'decay-lr', 2.5e-4),
    steps: numFlag(args, 'decay-steps', 2500),
    // A different stream of batches than phase 1 saw, still fixed by the seed.
    seed: phase1.seed + 1000
  })
}

/**
 * Optional phase 3: most captions name the attributes; neutral captions keep their biased images, so
 * neutral prompts stay biased. Off by default since phases 1-2 see balanced attribute captions.
 */
export const ATTRIBUTE_DATA_OPTIONS = { captionAttributeFraction: 0.8, namedAttributes: 'balanced' as const }

/** Steps of the attribute phase; 0 leaves the phase out. */
export const DEFAULT_ATTRIBUTE_STEPS = 0

/** The attribute phase's config, or null when --attribute-steps is 0. */
export function attributePhaseConfig(phase2: TrainConfig, args: Record<string, string>): TrainConfig | null {
  const steps = args['attribute-steps'] === '0' || (args['attribute-steps'] === undefined && DEFAULT_ATTRIBUTE_STEPS === 0) ? 0 : numFlag(args, 'attribute-steps', DEFAULT_ATTRIBUTE_STEPS)
  return steps === 0 ? null : parseTrainConfig({ ...phase2, steps, seed: phase2.seed + 1000 })
}

async function evaluateAndWrite(config: TrainConfig, params: Readonly<Record<string, Float32Array>>, outDir: string, args: Record<string, string>): Promise<void> {
  console.log('evaluating with the shipped classifier ...')
  const evaluation = await evaluateBaseModel({
    config,
    params,
    perPrompt: Math.floor(numFlag(args, 'eval-per-prompt', 8)),
    sampling: { ...BASE_EVAL_SAMPLING, guidance: numFlag(args, 'eval-guidance', BASE_EVAL_SAMPLING.guidance) },
    onLog: (l) => console.log(l)
  })
  await writeFileAtomic(`${outDir}/evaluation.json`, JSON.stringify({ checkpoint: 'base.ckpt', ...evaluation }, null, 2) + '\n')
  console.log(JSON.stringify(evaluation.summary, null, 2))
}

async function main(): Promise<void> {
  const { values: args, evalOnly } = parseArgs(process.argv.slice(2))
  const phase1 = baseTrainConfig(args)
  const phase2 = decayPhaseConfig(phase1, args)
  const outDir = resolve(args.out ?? 'resources/models/base')
  const runDir = resolve(args['run-dir'] ?? `.tmp/runs/base-seed${phase1.seed}`)
  const runDir2 = `${runDir}-decay`
  const phase3 = attributePhaseConfig(phase2, args)
  const runDir3 = `${runDir}-attributes`
  await mkdir(outDir, { recursive: true })
  const command = `npx tsx src-main/cli/train-base.ts ${process.argv.slice(2).join(' ')}`.trim()

  if (evalOnly) {
    // Evaluates the shipped checkpoint in --out; no run directories needed.
    const shipped = loadCheckpoint(`${outDir}/base.ckpt`)
    await evaluateAndWrite(shipped.config, shipped.params, outDir, args)
    process.exit(0)
  }
  const seconds1 = await train(phase1, runDir)
  const first = latestCheckpoint(runDir)
  if (!first || first.state.step < phase1.steps) throw new Error(`no finished phase-1 checkpoint in ${runDir}`)
  const seconds2 = await train(phase2, runDir2, first.path)
  const second = latestCheckpoint(runDir2)
  if (!second || second.state.step < phase2.steps) throw new Error(`no finished phase-2 checkpoint in ${runDir2}`)
  let found = second
  let seconds3 = 0
  if (phase3) {
    seconds3 = await train(phase3, runDir3, second.path, ATTRIBUTE_DATA_OPTIONS)
    const third = latestCheckpoint(runDir3)
    if (!third || third.state.step < phase3.steps) throw new Error(`no finished phase-3 checkpoint in ${runDir3}`)
    found = third
  }
  const state = found.state
  await copyFile(found.path, `${outDir}/base.ckpt.tmp`)
  await rename(`${outDir}/base.ckpt.tmp`, `${outDir}/base.ckpt`)
  const recipe = {
    phases: [
      { name: 'main', train: phase1, data: BASE_DATA_OPTIONS },
      { name: 'decay', initFrom: 'final weights of main', train: phase2, data: BASE_DATA_OPTIONS },
      ...(phase3 ? [{ name: 'attributes', initFrom: 'final weights of decay', train: phase3, data: ATTRIBUTE_DATA_OPTIONS }] : [])
    ]
  }
  await writeFileAtomic(`${outDir}/config.json`, JSON.stringify(recipe, null, 2) + '\n')
  await writeFileAtomic(`${outDir}/seed.txt`, `${phase1.seed}\n`)
  {
    const log = {
      command,
      finishedAt: new Date().toISOString(),
      note: 'trainSeconds count only the training done by the invocation that wrote this log (a resumed phase counts from the resume)',
      phases: [
        { name: 'main', steps: first.state.step, learningRate: phase1.learningRate, trainSeconds: seconds1, losses: summariseLosses(first.state.losses, 100) },
        { name: 'decay', steps: second.state.step, learningRate: phase2.learningRate, trainSeconds: seconds2, losses: summariseLosses(second.state.losses, 100) },
        ...(phase3 ? [{ name: 'attributes', steps: state.step, learningRate: phase3.learningRate, trainSeconds: seconds3, losses: summariseLosses(state.losses, 100) }] : [])
      ]
    }
    await writeFileAtomic(`${outDir}/training-log.json`, JSON.stringify(log, null, 2) + '\n')
    console.log(`trained ${first.state.step} + ${second.state.step}${phase3 ? ` + ${state.step}` : ''} steps in ${((seconds1 + seconds2 + seconds3) / 60).toFixed(1)} min`)
  }

  await evaluateAndWrite(state.config, state.params, outDir, args)
  process.exit(0)
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : String(err))
  process.exit(1)
})
