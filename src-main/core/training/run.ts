// The training loop as the worker runs it: resume or start, step, report throttled progress, write
// checkpoints, honour pause/resume/cancel between steps. Transport-free (messages go through `emit`,
// control arrives through `control`), so it runs the same in a worker, a child process or a test.
import { progressThrottle } from '../engine/train/throttle'
import { isAbsolute } from 'node:path'
import { mkdirSync } from 'node:fs'
import { pathToFileURL } from 'node:url'
import type { DiTConfig } from '../engine/model/dit-spec'
import { latestCheckpoint, loadCheckpoint, saveCheckpoint, saveEmaCheckpoint } from '../engine/checkpoint/store'
import { parseTrainConfig } from '../engine/train/config'
import type { DataSource } from '../engine/train/data-source'
import type { Progress, TrainJob, WorkerMessage } from './protocol'
import { toyDataSource } from '../engine/train/toy-source'
import type { TrainConfig } from '../engine/train/config'
import { DivergenceGuard, describeDivergence, MAX_ROLLBACKS, ROLLBACK_LR_FACTOR } from '../engine/train/divergence'
import type { TrainState } from '../engine/train/trainer'
import { parseTrainBackend, trainerFactory, type RunStepper, type RunTrainer, type TrainerFactory } from './backends'
import { parseProviderChoice, providerLabel, ProviderUnavailableError } from '../engine/onnx/providers'
import { metricsWindow } from './finetune/window'
import type { StepMetrics } from './finetune/objective'

export interface RunControl {
  paused: boolean
  cancelled: boolean
  /** Resolves when pause is lifted or the run is cancelled; set by the transport. */
  waitWhilePaused(): Promise<void>
}

export function makeControl(): RunControl & { pause(): void; resume(): void; cancel(): void } {
  let wake: (() => void) | null = null
  const c = {
    paused: false,
    cancelled: false,
    waitWhilePaused: () => (c.paused && !c.cancelled ? new Promise<void>((r) => (wake = r)) : Promise.resolve()),
    pause: () => {
      c.paused = true
    },
    resume: () => {
      c.paused = false
      wake?.()
    },
    cancel: () => {
      c.cancelled = true
      wake?.()
    }
  }
  return c
}

export async function resolveDataSource(spec: TrainJob['data'], model: DiTConfig): Promise<DataSource> {
  if (spec.module === 'toy') return toyDataSource(model, (spec.options as { classes?: number } | undefined)?.classes)
  const url = isAbsolute(spec.module) ? pathToFileURL(spec.module).href : spec.module
  const mod = (await import(url)) as { createDataSource?: (options: unknown, model: DiTConfig) => DataSource | Promise<DataSource> }
  if (typeof mod.createDataSource !== 'function') throw new Error(`data module ${spec.module} does not export createDataSource(options, model)`)
  return mod.createDataSource(spec.options, model)
}

/** Tracks it/s over a sliding window of recent steps. */
function rateMeter(window = 20): { tick(now: number): number } {
  const times: number[] = []
  return {
    tick(now) {
      times.push(now)
      if (times.length > window) times.shift()
      return times.length < 2 ? 0 : ((times.length - 1) * 1000) / (times[times.length - 1] - times[0])
    }
  }
}

const yieldToEvents = (): Promise<void> => new Promise((r) => setImmediate(r))

/**
 * The learning rate to resume with: the checkpoint's when the divergence guard lowered it (a config
 * equal to the run's but for a smaller learning rate), else the run's; any other difference is refused
 * by the Trainer as a different run.
 */
function guardedLearningRate(config: TrainConfig, state: TrainState): number {
  const lr = state.config.learningRate
  const same = JSON.stringify(parseTrainConfig({ ...state.config, learningRate: config.learningRate })) === JSON.stringify(parseTrainConfig(config))
  return same && lr < config.learningRate ? lr : config.learningRate
}

export async function runTraining(job: TrainJob, emit: (m: WorkerMessage) => void, control: RunControl): Promise<void> {
  const config = parseTrainConfig(job.config)
  const backend = parseTrainBackend(job.backend)
  let factory = await trainerFactory(backend, parseProviderChoice(job.provider))
  mkdirSync(job.runDir, { recursive: true })
  const data = await resolveDataSource(job.data, config.model)
  const found = job.resume ? latestCheckpoint(job.runDir) : null
  if (found) for (const s of found.skipped) emit({ type: 'log', level: 'warn', message: `skipped unreadable checkpoint ${s}` })
  // The learning rate the run is at: the config's, or lower after the divergence guard rolled back.
  let learningRate = found ? guardedLearningRate(config, found.state) : config.learningRate
  /** The trainer (from the newest checkpoint, else the starting weights) and, for a fine-tune, its stepper. */
  const openWith = async (f: TrainerFactory): Promise<{ trainer: RunTrainer; stepper: RunStepper | null }> => {
    const t = found
      ? await f.open({ ...config, learningRate }, data, { state: found.state })
      : await f.open(config, data, { initialParams: job.initFrom ? loadCheckpoint(job.initFrom).params : undefined })
    try {
      // Preference fine-tuning replaces the plain ε-MSE step; everything else (checkpoints, control) is shared.
      return { trainer: t, stepper: job.finetune ? await f.openFinetune(t, job.finetune, job.initFrom) : null }
    } catch (err) {
      await t.dispose()
      throw err
    }
  }
  let opened: { trainer: RunTrainer; stepper: RunStepper | null }
  try {
    opened = await openWith(factory)
  } catch (err) {
    // tfjs is the fallback when onnxruntime cannot run the graphs; a provider the user named that cannot
    // run is refused instead (never swapped), and an error tfjs repeats is the run's own (reported as is).
    if (backend !== 'onnxruntime' || err instanceof ProviderUnavailableError) throw err
    const tfjs = await trainerFactory('tfjs')
    try {
      opened = await openWith(tfjs)
    } catch {
      throw err
    }
    const reason = (err instanceof Error ? err.message : String(err)).split('\n')[0].slice(0, 300)
    factory = { ...tfjs, description: `${tfjs.description} (fallback: onnxruntime could not start: ${reason})` }
    emit({ type: 'log', level: 'warn', message: `onnxruntime could not start (${reason}); training on tfjs, the fallback` })
  }
  let trainer = opened.trainer
  let stepper = opened.stepper
  // A fine-tune's stepper runs its batch whole; only base training steps through trainStep's split.
  const split = !stepper && trainer.stepSplit ? `; ${trainer.stepSplit}` : ''
  emit({ type: 'log', level: 'info', message: `backend: ${factory.description}${split}` })
  for (const s of factory.skipped) emit({ type: 'log', level: 'info', message: `not on ${providerLabel(s.name)}: ${s.reason}` })
  emit({ type: 'backend', description: factory.description + split, executionProvider: factory.executionProvider })
  if (found) {
    emit({
      type: 'log',
      level: 'info',
      message: `resumed from ${found.path} at step ${trainer.step}${learningRate !== config.learningRate ? ` with the learning rate the divergence guard lowered to ${learningRate}` : ''}`
    })
  }
  const guard = new DivergenceGuard()
  let rollbacks = Math.round(Math.log2(config.learningRate / learningRate))
  let stopped: string | undefined
  const window = metricsWindow()
  const throttle = progressThrottle(job.progressIntervalMs ?? 250)
  const meter = rateMeter()
  let lastCheckpoint: string | null = null
  let lastCheckpointStep = -1
  /** The newest step reported, and the figures of the newest step taken: a run that stops between two throttled reports reports its last step (below). */
  let reportedStep = -1
  let lastStep: { loss: number; rate: number } | null = null
  const progress = (loss: number, itPerSec: number): Progress => ({
    step: trainer.step,
    totalSteps: config.steps,
    loss,
    itPerSec,
    etaSeconds: itPerSec > 0 ? (config.steps - trainer.step) / itPerSec : Infinity
  })
  /** The run again from its last good checkpoint (or its start) with `cfg`'s learning rate. */
  const restart = async (cfg: TrainConfig): Promise<{ trainer: RunTrainer; stepper: RunStepper | null }> => {
    const good = latestCheckpoint(job.runDir)
    const next = good
      ? await factory.open(cfg, data, { state: { ...good.state, config: cfg } })
      : await factory.open(cfg, data, { initialParams: job.initFrom ? loadCheckpoint(job.initFrom).params : undefined })
    return { trainer: next, stepper: job.finetune ? await factory.openFinetune(next, job.finetune, job.initFrom) : null }
  }
  const report = (loss: number, rate: number): void => {
    const preference = stepper ? window.take() : null
    emit({ type: 'progress', ...progress(loss, rate), ...(preference ? { preference } : {}) })
    reportedStep = trainer.step
  }
  /**
   * Reports the step a pause or cancel stopped on when the throttle held its report back, so the job's
   * counter and the curve reach the step the stop checkpoint is written at (a cancelled run showed step
   * 371 beside its checkpoint at 386).
   */
  const reportStop = (): void => {
    if (lastStep && trainer.step > reportedStep) report(lastStep.loss, lastStep.rate)
  }
  const checkpoint = (): void => {
    const state = trainer.snapshot()
    lastCheckpoint = saveCheckpoint(job.runDir, state)
    lastCheckpointStep = trainer.step
    const ema = saveEmaCheckpoint(job.runDir, state)
    emit({ type: 'checkpoint', step: trainer.step, path: lastCheckpoint })
    if (ema) emit({ type: 'checkpoint', step: trainer.step, path: ema, averaged: true })
  }
  try {
    while (!trainer.done && !control.cancelled) {
      if (control.paused) {
        reportStop()
        emit({ type: 'paused', step: trainer.step })
        await control.waitWhilePaused()
        if (control.cancelled) break
        emit({ type: 'resumed', step: trainer.step })
      }
      let loss: number
      let preferenceMetrics: StepMetrics | null = null
      try {
        if (stepper) {
          preferenceMetrics = await stepper.step()
          loss = preferenceMetrics.loss
        } else loss = await trainer.trainStep()
      } catch (err) {
        // The trainer refuses a non-finite loss; that is divergence, not a crash.
        if (!/loss became/.test((err as Error).message)) throw err
        loss = Number.NaN
      }
      const verdict = guard.observe(loss)
      if (verdict.kind !== 'ok') {
        const reason = describeDivergence(verdict, trainer.step)
        const toStep = lastCheckpointStep >= 0 ? lastCheckpointStep : (found?.state.step ?? 0)
        if ((job.onDivergence ?? 'rollback') === 'stop' || rollbacks >= MAX_ROLLBACKS) {
          stopped = `${reason}; ${rollbacks >= MAX_ROLLBACKS ? `still diverging after ${rollbacks} rollbacks, ` : ''}stopped with the last good checkpoint at step ${toStep}`
          emit({ type: 'guard', action: 'stop', step: trainer.step, toStep, reason: stopped, learningRate })
          break
        }
        rollbacks++
        learningRate *= ROLLBACK_LR_FACTOR
        await stepper?.dispose()
        await trainer.dispose()
        ;({ trainer, stepper } = await restart({ ...config, learningRate }))
        guard.reset()
        window.take()
        // Written again at once with the lowered learning rate, so a resume after a crash keeps it.
        if (trainer.step > 0) checkpoint()
        emit({ type: 'guard', action: 'rollback', step: trainer.step, toStep: trainer.step, reason: `${reason}; rolled back to step ${trainer.step} with learning rate ${learningRate}`, learningRate })
        continue
      }
      if (preferenceMetrics) window.add(preferenceMetrics)
      const now = performance.now()
      const rate = meter.tick(now)
      lastStep = { loss, rate }
      if (throttle.due(now, trainer.done)) report(loss, rate)
      if (trainer.step % config.checkpointEvery === 0 || trainer.done) checkpoint()
      await yieldToEvents() // let pause/resume/cancel messages in
    }
    // A cancelled run keeps its progress: the next resume starts where it stopped.
    if (control.cancelled) reportStop()
    if (control.cancelled && trainer.step > 0 && lastCheckpointStep !== trainer.step) checkpoint()
    emit({ type: 'done', step: trainer.step, cancelled: control.cancelled, checkpoint: lastCheckpoint, losses: trainer.losses, ...(stopped ? { stopped } : {}) })
  } finally {
    await stepper?.dispose()
    await trainer.dispose()
  }
}
