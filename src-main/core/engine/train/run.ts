// The training loop as the worker runs it: resume or start, step, report throttled progress, write
// checkpoints, honour pause/resume/cancel between steps. Transport-free (messages go through `emit`,
// control arrives through `control`), so it runs the same in a worker, a child process or a test.
import { progressThrottle } from './throttle'
import { isAbsolute } from 'node:path'
import { mkdirSync } from 'node:fs'
import { pathToFileURL } from 'node:url'
import { loadTf, describeBackend } from '../tf/backend'
import type { DiTConfig } from '../model/dit-spec'
import { latestCheckpoint, loadCheckpoint, saveCheckpoint } from '../checkpoint/store'
import { parseTrainConfig } from './config'
import type { DataSource } from './data-source'
import type { Progress, TrainJob, WorkerMessage } from './protocol'
import { toyDataSource } from './toy-source'
import { Trainer } from './trainer'
import { openFinetune } from '../../finetune/worker'
import { metricsWindow } from '../../finetune/window'

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

export async function runTraining(job: TrainJob, emit: (m: WorkerMessage) => void, control: RunControl): Promise<void> {
  const config = parseTrainConfig(job.config)
  const { tf, info } = await loadTf()
  emit({ type: 'log', level: 'info', message: `backend: ${describeBackend(info)}` })
  mkdirSync(job.runDir, { recursive: true })
  const data = await resolveDataSource(job.data, config.model)
  let trainer: Trainer
  const found = job.resume ? latestCheckpoint(job.runDir) : null
  if (found) {
    for (const s of found.skipped) emit({ type: 'log', level: 'warn', message: `skipped unreadable checkpoint ${s}` })
    trainer = new Trainer(tf, config, data, { state: found.state })
    emit({ type: 'log', level: 'info', message: `resumed from ${found.path} at step ${trainer.step}` })
  } else {
    const initialParams = job.initFrom ? loadCheckpoint(job.initFrom).params : undefined
    trainer = new Trainer(tf, config, data, { initialParams })
  }
  // Preference fine-tuning replaces the plain ε-MSE step; everything else (checkpoints, control) is shared.
  const stepper = job.finetune ? openFinetune(tf, trainer, job.finetune, job.initFrom) : null
  const window = metricsWindow()
  const throttle = progressThrottle(job.progressIntervalMs ?? 250)
  const meter = rateMeter()
  let lastCheckpoint: string | null = null
  let lastCheckpointStep = -1
  const progress = (loss: number, itPerSec: number): Progress => ({
    step: trainer.step,
    totalSteps: config.steps,
    loss,
    itPerSec,
    etaSeconds: itPerSec > 0 ? (config.steps - trainer.step) / itPerSec : Infinity
  })
  const checkpoint = (): void => {
    lastCheckpoint = saveCheckpoint(job.runDir, trainer.snapshot())
    lastCheckpointStep = trainer.step
    emit({ type: 'checkpoint', step: trainer.step, path: lastCheckpoint })
  }
  try {
    while (!trainer.done && !control.cancelled) {
      if (control.paused) {
        emit({ type: 'paused', step: trainer.step })
        await control.waitWhilePaused()
        if (control.cancelled) break
        emit({ type: 'resumed', step: trainer.step })
      }
      let loss: number
      if (stepper) {
        const metrics = stepper.step()
        window.add(metrics)
        loss = metrics.loss
      } else loss = trainer.trainStep()
      const now = performance.now()
      const rate = meter.tick(now)
      if (throttle.due(now, trainer.done)) {
        const preference = stepper ? window.take() : null
        emit({ type: 'progress', ...progress(loss, rate), ...(preference ? { preference } : {}) })
      }
      if (trainer.step % config.checkpointEvery === 0 || trainer.done) checkpoint()
      await yieldToEvents() // let pause/resume/cancel messages in
    }
    // A cancelled run keeps its progress: the next resume starts where it stopped.
    if (control.cancelled && trainer.step > 0 && lastCheckpointStep !== trainer.step) checkpoint()
    emit({ type: 'done', step: trainer.step, cancelled: control.cancelled, checkpoint: lastCheckpoint, losses: trainer.losses })
  } finally {
    stepper?.dispose()
    trainer.dispose()
  }
}
