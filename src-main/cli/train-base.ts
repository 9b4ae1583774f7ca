// Trains the studio's base model on the built-in world (biased pretraining captions), then evaluates it
// with the shipped classifier and writes everything the app ships into --out (resources/models/base):
//   base.ckpt             final training checkpoint (weights, optimiser state, RNG state, loss log)
//   config.json           the training config (model architecture included) and data options
//   seed.txt              the run's seed
//   training-log.json     loss summary per window, wall time, backend, the exact command
//   evaluation.json       classifier-measured evaluation (see src-main/core/evaluation)
//   samples.png           8 samples per neutral prompt and per six minority identity-specific prompts
//
//   npx tsx src-main/cli/train-base.ts [--steps 3000] [--seed 1] [--out resources/models/base]
//        [--run-dir .tmp/runs/base-seed1] [--width 96] [--depth 4] [--patch 4] [--batch 64] [--lr 0.001]
//        [--decay-steps 2500] [--decay-lr 0.00025] [--attribute-steps 3000] [--attribute-lr 0.00025]
//        [--polish-steps 8000] [--polish-lr 0.00015] [--eval-per-prompt 8] [--eval-guidance 3] [--eval-only]
//
// Phases, each from the previous one's final weights with a fresh optimiser (a step learning-rate
// decay): `main` (--steps at --lr from a seeded init) and `decay` on the pretraining captions, then
// `attributes` and `polish` on captions that mostly name the attributes (0 steps leaves a phase out).
//
// Training runs in the engine worker with periodic checkpoints in --run-dir; run the same command again
// after an interruption and it resumes from the newest checkpoint.

import { mkdir } from 'node:fs/promises'
import { resolve } from 'node:path'
import { copyFileAtomic, writeFileAtomic } from '../core/fs/atomic-write'
import { latestCheckpoint, loadCheckpoint } from '../core/engine/checkpoint/store'
import type { TrainConfig } from '../core/engine/train/config'
import { BASE_EVAL_SAMPLING, baseTrainConfig, basePhases, numFlag, type Phase } from '../core/evaluation/base-recipe'
import { startTraining } from '../core/training/host'
import type { WorkerMessage } from '../core/training/protocol'
import { worldSourceModuleSpec } from '../core/world/world-source'
import { evaluateBaseModel } from '../core/evaluation/evaluate-model'
import { summariseLosses } from '../core/evaluation/loss-summary'
import { samplePrompts } from '../core/evaluation/sample-prompts'
import { encodeContactSheet } from '../core/world/png'
import { neutralPromptSet, specificPrompt } from '../core/world/prompts'
import type { Concept, Silhouette, Tone } from '../core/world/taxonomy'
import { parseFlags } from './flags'
import { processClassifierDir } from './process-config'

const FLAGS = [
  'steps',
  'seed',
  'out',
  'run-dir',
  'width',
  'depth',
  'patch',
  'batch',
  'lr',
  'decay-steps',
  'decay-lr',
  'attribute-steps',
  'attribute-lr',
  'polish-steps',
  'polish-lr',
  'eval-per-prompt',
  'eval-guidance',
  'checkpoint-every'
]

function parseArgs(argv: string[]): { values: Record<string, string>; evalOnly: boolean } {
  const { 'eval-only': evalOnly, ...values } = parseFlags(argv, { values: FLAGS, switches: ['eval-only'] }, `usage: train-base ${FLAGS.map((f) => `[--${f} V]`).join(' ')} [--eval-only]`)
  // The flags given, as strings (a flag not given is absent), as the loop it replaced returned them.
  return { values: values as Record<string, string>, evalOnly: evalOnly === true }
}

async function train(config: TrainConfig, runDir: string, initFrom: string | undefined, data: object): Promise<number> {
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
  process.off('SIGINT', stop)
  process.off('SIGTERM', stop)
  if (done.cancelled) {
    console.log(`cancelled at step ${done.step}; run the same command again to resume`)
    process.exit(1)
  }
  return (Date.now() - started) / 1000
}

async function evaluateAndWrite(config: TrainConfig, params: Readonly<Record<string, Float32Array>>, outDir: string, args: Record<string, string>): Promise<void> {
  console.log('evaluating with the shipped classifier ...')
  const sampling = { ...BASE_EVAL_SAMPLING, guidance: numFlag(args, 'eval-guidance', BASE_EVAL_SAMPLING.guidance) }
  const evaluation = await evaluateBaseModel({
    config,
    params,
    perPrompt: Math.floor(numFlag(args, 'eval-per-prompt', 8)),
    sampling,
    classifierDir: processClassifierDir(),
    onLog: (l) => console.log(l)
  })
  await writeFileAtomic(`${outDir}/evaluation.json`, JSON.stringify({ checkpoint: 'base.ckpt', ...evaluation }, null, 2) + '\n')
  console.log(JSON.stringify(evaluation.summary, null, 2))
  await writeFileAtomic(`${outDir}/samples.png`, await sampleSheet(config, params, sampling))
}

/** Minority pairings of the default bias: what a biased model finds hardest to draw. */
const SHEET_SPECIFIC: [Concept, Silhouette, Tone][] = [
  ['firefighter', 'round', 'teal'],
  ['nurse', 'angular', 'violet'],
  ['doctor', 'round', 'slate'],
  ['teacher', 'angular', 'rose'],
  ['pilot', 'round', 'olive'],
  ['painter', 'angular', 'amber']
]

/** samples.png: 8 samples per row for each neutral prompt, then for six identity-specific prompts. */
async function sampleSheet(config: TrainConfig, params: Readonly<Record<string, Float32Array>>, sampling: typeof BASE_EVAL_SAMPLING): Promise<Buffer> {
  const prompts = [...neutralPromptSet(), ...SHEET_SPECIFIC.map(([concept, silhouette, tone]) => specificPrompt(concept, { silhouette, tone }))]
  const perRow = 8
  const images = await samplePrompts({ config: config.model, schedule: config.schedule, timesteps: config.timesteps, params }, prompts, perRow, sampling)
  return encodeContactSheet(images, prompts.length * perRow, config.model.imageSize, perRow)
}

async function main(): Promise<void> {
  const { values: args, evalOnly } = parseArgs(process.argv.slice(2))
  const outDir = resolve(args.out ?? 'resources/models/base')
  const seed = baseTrainConfig(args).seed
  const phases = basePhases(args, resolve(args['run-dir'] ?? `.tmp/runs/base-seed${seed}`))
  await mkdir(outDir, { recursive: true })
  const command = `npx tsx src-main/cli/train-base.ts ${process.argv.slice(2).join(' ')}`.trim()

  if (evalOnly) {
    // Evaluates the shipped checkpoint in --out; no run directories needed.
    const shipped = loadCheckpoint(`${outDir}/base.ckpt`)
    await evaluateAndWrite(shipped.config, shipped.params, outDir, args)
    process.exit(0)
  }
  const finished: { phase: Phase; seconds: number; checkpoint: NonNullable<ReturnType<typeof latestCheckpoint>> }[] = []
  for (const phase of phases) {
    console.log(`phase ${phase.name}: ${phase.config.steps} steps at lr ${phase.config.learningRate}`)
    const seconds = await train(phase.config, phase.runDir, finished.at(-1)?.checkpoint.path, phase.data)
    const checkpoint = latestCheckpoint(phase.runDir)
    if (!checkpoint || checkpoint.state.step < phase.config.steps) throw new Error(`no finished ${phase.name} checkpoint in ${phase.runDir}`)
    finished.push({ phase, seconds, checkpoint })
  }
  const last = finished[finished.length - 1].checkpoint
  await copyFileAtomic(last.path, `${outDir}/base.ckpt`)
  const recipe = {
    phases: finished.map(({ phase }, i) => ({ name: phase.name, ...(i > 0 ? { initFrom: `final weights of ${finished[i - 1].phase.name}` } : {}), train: phase.config, data: phase.data }))
  }
  await writeFileAtomic(`${outDir}/config.json`, JSON.stringify(recipe, null, 2) + '\n')
  await writeFileAtomic(`${outDir}/seed.txt`, `${seed}\n`)
  const log = {
    command,
    finishedAt: new Date().toISOString(),
    note: 'trainSeconds count only the training done by the invocation that wrote this log (a resumed phase counts from the resume)',
    phases: finished.map(({ phase, seconds, checkpoint }) => ({
      name: phase.name,
      steps: checkpoint.state.step,
      learningRate: phase.config.learningRate,
      trainSeconds: seconds,
      losses: summariseLosses(checkpoint.state.losses, 100)
    }))
  }
  await writeFileAtomic(`${outDir}/training-log.json`, JSON.stringify(log, null, 2) + '\n')
  console.log(`trained ${finished.map((f) => f.checkpoint.state.step).join(' + ')} steps in ${(finished.reduce((t, f) => t + f.seconds, 0) / 60).toFixed(1)} min`)

  await evaluateAndWrite(last.state.config, last.state.params, outDir, args)
  process.exit(0)
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : String(err))
  process.exit(1)
})
