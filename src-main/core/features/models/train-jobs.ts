// Training as a background job. The run itself happens in the engine worker (startTraining); this
// module ties it to the job runner: progress is persisted and pushed as job.progress events, the
// loss curve is appended to <run>/metrics.jsonl, pause/resume go to the worker, and cancel or
// shutdown end the worker at a step boundary with a checkpoint. A job left `running` by a killed
// process is relaunched by the runner and the worker continues from the run's newest checkpoint.
import { mkdirSync } from 'node:fs'
import type { Job, TrainMetrics, TrainSettings } from '@shared/contract'
import { ApiFailure } from '../../errors/api-failure'
import type { Workspace } from '../../store/workspace'
import { publicJob } from '../../store/repos/jobs'
import { listCheckpoints } from '../../engine/checkpoint/store'
import type { DiTConfig } from '../../engine/model/dit-spec'
import { parseTrainConfig, type TrainConfig } from '../../engine/train/config'
import { checkBackendProvider, DEFAULT_TRAIN_BACKEND, parseTrainBackend, type TrainBackend } from '../../engine/train/backend-name'
import { parseProviderChoice, type ProviderChoice } from '../../engine/onnx/providers'
import { startTraining, type TrainHandle } from '../../training/host'
import type { WorkerMessage } from '../../training/protocol'
import type { JobContext, JobRunner } from '../../jobs/runner'
import type { Catalog } from './catalog'
import { readCheckpointMeta } from './checkpoint-meta'
import { codeVersion } from './code-version'
import { appendMetrics, readMetrics, thin } from './metrics-log'
import { appendGuardEvent, readGuardEvents } from './guard-log'
import { appendQuality, BEST_RULE, bestCheckpoint, canCheck, checkCheckpoint, openQualityTools, qualityDropNote, readQuality, type QualityTools } from './quality-check'
import { trainConfigFrom } from './model-presets'
import { runDirOf } from './paths'
import { removeRunTemps, truncateMetricsAfter } from './run-resume-tidy'
import { readRunRecord, writeRunRecordOnce, type RunRecord, type RunSnapshotData } from './run-record'
import type { FinetuneObjective, FinetuneSpec } from '../../training/finetune/spec'
import { worldDataModule } from './world-data'
import { checkModelFolder, isRealPayload, runRealFinetune, type RealFinetunePayload } from '../fine-tuning/real/job'
import { parseRealSettings } from '../fine-tuning/real/settings'
import type { RunControl } from '../fine-tuning/real/trainer-process'
import { isSlurmPayload, runSlurmFinetune, type SlurmDeps, type SlurmPayload } from '../fine-tuning/real/slurm/job'
import { parseSlurmSettings } from '../fine-tuning/real/slurm/settings'

export interface TrainJobsDeps {
  ws: Workspace
  runner: JobRunner
  catalog: Catalog
  workspaceDir: string
  /** Pushes a job change the runner did not make itself (pause, resume) to event listeners. */
  emit: (job: Job) => void
  log: (line: string) => void
  /** Explicit worker script (tests); by default the built bundle or the TypeScript source. */
  workerPath?: string
  /** Least milliseconds between two worker progress reports (default 200). */
  progressIntervalMs?: number
  /** The quick quality check on every checkpoint, with the built-in classifier in `classifierDir`; false: none. */
  qualityChecks: { classifierDir: string } | false
  /** Turns a fine-tune job's snapshot reference into decoded training images (finetune-jobs.ts). */
  prepareFinetune?: (f: FinetunePayload, config: TrainConfig) => Promise<{ spec: FinetuneSpec; data: RunSnapshotData }>
  /** Real-model fine-tunes (issue 14): the managed venv and resources/python; absent, they are refused. */
  realTrainer?: { envDir: string; sourceDir: string; slurm?: SlurmDeps['slurm'] }
}

/** What a preference fine-tuning job adds to a training job's payload. */
export interface FinetunePayload {
  objective: FinetuneObjective
  preset: string
  snapshot: { id: number; contentSha256: string }
}

export interface TrainPayload {
  config: TrainConfig
  init: RunRecord['init']
  finetune?: FinetunePayload
  /** The training engine (training/backends.ts); absent in jobs queued before the choice existed = tfjs. */
  backend?: TrainBackend
  /** onnxruntime's execution provider (engine/onnx/providers.ts); absent = 'auto'. */
  provider?: ProviderChoice
}

interface LiveRun {
  handle: TrainHandle
  backend: string | null
}

/** Seconds as "1 h 02 min", "3 min 05 s" or "12 s" for the job's message line. */
export function formatEta(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds)) return '…'
  const s = Math.max(0, Math.round(seconds))
  if (s >= 3600) return `${Math.floor(s / 3600)} h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')} min`
  if (s >= 60) return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`
  return `${s} s`
}

export function parsePayload(raw: unknown): TrainPayload {
  const p = raw as Partial<TrainPayload> | null
  if (!p || typeof p.config !== 'object' || typeof p.init !== 'object' || p.init === null) throw new Error('train job payload is damaged (no config)')
  return {
    config: parseTrainConfig(p.config),
    init: p.init,
    ...(p.finetune ? { finetune: p.finetune } : {}),
    ...(p.backend !== undefined ? { backend: parseTrainBackend(p.backend) } : {}),
    ...(p.provider !== undefined ? { provider: parseProviderChoice(p.provider) } : {})
  }
}

/** A backend and provider the run cannot use are refused when it is started, not when the worker fails. */
export function checkEngineChoice(backend: TrainBackend, provider: ProviderChoice): void {
  try {
    checkBackendProvider(backend, provider)
  } catch (err) {
    throw new ApiFailure('bad_request', (err as Error).message)
  }
}

export function createTrainJobs(deps: TrainJobsDeps) {
  const { ws, runner, catalog } = deps
  const live = new Map<number, LiveRun>()
  // Real-model fine-tunes run as a Python process group, not an engine worker.
  const realLive = new Map<number, RunControl>()

  const trainJob = (jobId: number) => {
    const job = ws.jobs.get(jobId)
    if (!job) throw new ApiFailure('not_found', `job ${jobId} does not exist`)
    if (job.kind !== 'train') throw new ApiFailure('bad_request', `job ${jobId} is not a training job (it is a ${job.kind} job)`)
    return job
  }

  async function runTrain(ctx: JobContext): Promise<{ message: string }> {
    if (isRealPayload(ctx.payload)) {
      if (!deps.realTrainer) throw new Error('real-model fine-tuning is not available in this studio')
      const realDeps = { ws, workspaceDir: deps.workspaceDir, log: deps.log, ...deps.realTrainer }
      return isSlurmPayload(ctx.payload) ? runSlurmFinetune(ctx, realDeps, realLive) : runRealFinetune(ctx, realDeps, realLive)
    }
    const payload = parsePayload(ctx.payload)
    const config = payload.config
    const runDir = runDirOf(deps.workspaceDir, ctx.jobId)
    mkdirSync(runDir, { recursive: true })
    const record = readRunRecord(runDir)
    // The record is the run's identity: a folder whose record disagrees with the job is not resumed into.
    if (record && JSON.stringify(record.config) !== JSON.stringify(config)) {
      throw new Error(`run folder ${runDir} holds a different run (its run.json config does not match job ${ctx.jobId})`)
    }
    const resumedFrom = listCheckpoints(runDir).at(-1)?.step ?? 0
    // What a kill left: half-written checkpoint temps, and curve points past the checkpoint resumed from.
    removeRunTemps(runDir)
    truncateMetricsAfter(runDir, resumedFrom)
    ctx.progress({ done: resumedFrom, total: config.steps, message: resumedFrom > 0 ? `resuming at step ${resumedFrom}` : 'starting the engine worker' })

    // Fine-tuning: the snapshot's images are decoded here, in the main thread, and cloned into the worker.
    let finetune: { spec: FinetuneSpec; data: RunSnapshotData } | null = null
    if (payload.finetune) {
      if (!deps.prepareFinetune) throw new Error('fine-tuning is not available in this studio')
      finetune = await deps.prepareFinetune(payload.finetune, config)
    }
    const run: LiveRun = { handle: null as unknown as TrainHandle, backend: record?.backend ?? null }
    const quality = await startQualityChecks(ctx.jobId, runDir, payload)
    const onMessage = (m: WorkerMessage): void => {
      switch (m.type) {
        case 'backend':
          run.backend = m.description
          writeRunRecordOnce(runDir, {
            jobId: ctx.jobId,
            projectId: ctx.projectId,
            config,
            seed: config.seed,
            init: payload.init,
            data: finetune ? finetune.data : { source: 'world', options: {} },
            ...(payload.finetune ? { finetune: { ...payload.finetune.objective, preset: payload.finetune.preset } } : {}),
            backend: m.description,
            executionProvider: m.executionProvider,
            codeVersion: codeVersion(),
            platform: `${process.platform}-${process.arch} node ${process.versions.node}`,
            createdAt: new Date().toISOString()
          })
          return
        case 'log':
          if (m.level === 'warn') deps.log(`train job ${ctx.jobId}: ${m.message}`)
          return
        case 'checkpoint':
          // The plain weights are checked; the averaged ones are their own model to sample and audit.
          if (!m.averaged) quality?.check(m.path)
          return
        case 'guard':
          appendGuardEvent(runDir, { action: m.action, step: m.step, toStep: m.toStep, reason: m.reason, learningRate: m.learningRate })
          deps.log(`train job ${ctx.jobId}: divergence guard: ${m.reason}`)
          return
        case 'progress': {
          const eta = Number.isFinite(m.etaSeconds) ? m.etaSeconds : null
          const p = m.preference
          appendMetrics(runDir, {
            step: m.step,
            // Fine-tuning plots the window's mean loss, matching its accuracy and margin.
            loss: p ? p.loss : m.loss,
            itPerSec: m.itPerSec,
            etaSeconds: eta,
            at: new Date().toISOString(),
            ...(p ? { implicitAccuracy: p.implicitAccuracy, rewardMargin: p.rewardMargin, Z: p.Z, window: p.steps } : {})
          })
          const acc = p?.implicitAccuracy != null ? ` · acc ${p.implicitAccuracy.toFixed(2)}` : ''
          ctx.progress({
            done: m.step,
            total: m.totalSteps,
            message: `step ${m.step} of ${m.totalSteps} · loss ${(p ? p.loss : m.loss).toFixed(4)}${acc} · ${m.itPerSec.toFixed(1)} it/s · ETA ${formatEta(eta)}`
          })
          return
        }
        default:
          return
      }
    }
    // Cancelled while the snapshot was decoded or the checks loaded: no worker to start and stop again.
    if (ctx.signal.aborted) {
      await quality?.dispose()
      return { message: 'cancelled before the engine worker started' }
    }
    run.handle = startTraining(
      {
        config,
        runDir,
        data: { module: worldDataModule(deps.workerPath), options: {} },
        // Always resume: the newest checkpoint in the run folder wins over initFrom, which only seeds a fresh run.
        resume: true,
        initFrom: 'checkpoint' in payload.init ? payload.init.checkpoint : undefined,
        progressIntervalMs: deps.progressIntervalMs ?? 200,
        ...(finetune ? { finetune: finetune.spec } : {}),
        ...(payload.backend ? { backend: payload.backend } : {}),
        ...(payload.provider ? { provider: payload.provider } : {})
      },
      { workerPath: deps.workerPath, onMessage }
    )
    live.set(ctx.jobId, run)
    // Cancel and shutdown both stop at the next step boundary with a checkpoint; a worker that does
    // not answer within 30 s is terminated (its last periodic checkpoint remains).
    let killTimer: ReturnType<typeof setTimeout> | null = null
    const onAbort = (): void => {
      run.handle.cancel()
      killTimer = setTimeout(() => void run.handle.terminate(), 30_000)
    }
    ctx.signal.addEventListener('abort', onAbort, { once: true })
    if (ctx.signal.aborted) onAbort()
    try {
      const done = await run.handle.result
      await quality?.finish()
      if (done.stopped) throw new Error(`training stopped: ${done.stopped}`)
      if (done.cancelled) return { message: `cancelled at step ${done.step} of ${config.steps}${done.checkpoint ? ' · its checkpoint is saved' : ''}` }
      const last = done.losses.at(-1)
      const rollbacks = readGuardEvents(runDir).filter((e) => e.action === 'rollback')
      const guardNote = rollbacks.length ? ` · the divergence guard rolled back ${rollbacks.length} time${rollbacks.length === 1 ? '' : 's'} (learning rate now ${rollbacks.at(-1)?.learningRate})` : ''
      const drop = qualityDropNote(readQuality(runDir))
      return { message: `${drop ? `done, ${drop} · ` : ''}trained ${done.step} of ${config.steps} steps${last !== undefined ? ` · final loss ${last.toFixed(4)}` : ''}${guardNote}` }
    } finally {
      if (killTimer) clearTimeout(killTimer)
      ctx.signal.removeEventListener('abort', onAbort)
      live.delete(ctx.jobId)
      await quality?.dispose()
    }
  }

  /**
   * The quick quality check of a run's checkpoints, one at a time off the worker's path: the starting
   * model first (step 0, the baseline), then each checkpoint as it is written. Null when checks are
   * off or cannot judge this model; a check that fails is logged and skipped, never fatal to the run.
   */
  async function startQualityChecks(jobId: number, runDir: string, payload: TrainPayload): Promise<{ check(path: string): void; finish(): Promise<void>; dispose(): Promise<void> } | null> {
    if (deps.qualityChecks === false) return null
    let tools: QualityTools
    try {
      tools = await openQualityTools(deps.qualityChecks.classifierDir)
    } catch (err) {
      deps.log(`train job ${jobId}: no quality checks: ${(err as Error).message}`)
      return null
    }
    if (!canCheck(tools, payload.config.model)) {
      await tools.dispose()
      return null
    }
    // One check at a time; checkpoints that arrive meanwhile wait as one slot, the newest replacing an
    // older one, so a fast run never builds a backlog (the last checkpoint is always checked).
    let chain: Promise<void> = Promise.resolve()
    let waiting: string | null = null
    const check = async (path: string, asStep?: number): Promise<void> => {
      try {
        const done = readQuality(runDir)
        if (asStep === 0 && done.some((p) => p.step === 0)) return
        appendQuality(runDir, await checkCheckpoint(tools, path, done.find((p) => p.step === 0) ?? null, asStep))
      } catch (err) {
        deps.log(`train job ${jobId}: quality check of ${path} failed: ${(err as Error).message}`)
      }
    }
    const run = (path: string): void => {
      const queued = waiting !== null
      waiting = path
      if (queued) return
      chain = chain.then(async () => {
        const next = waiting as string
        waiting = null
        await check(next)
      })
    }
    // The starting model is the baseline of every later check: never replaced in the queue.
    const init = 'checkpoint' in payload.init ? payload.init.checkpoint : null
    if (init) chain = chain.then(() => check(init, 0))
    return {
      check: run,
      finish: () => chain,
      dispose: async () => {
        await chain
        await tools.dispose()
      }
    }
  }

  /**
   * The runner announces a cancel at once, while the worker is still writing the checkpoint of the
   * step it stopped on, so a screen that re-reads the models when a run ends would read them too early.
   * Once the run has really stopped (worker gone, last checkpoint on disk, its quality check done), a
   * cancelled job is announced once more, in the same state, saying where it stopped.
   */
  async function trainHandler(ctx: JobContext): Promise<{ message: string }> {
    try {
      const result = await runTrain(ctx)
      announceStopped(ctx.jobId, result.message)
      return result
    } catch (err) {
      // A real-model trainer ends a stop with an error of its own words (stopped at step N, checkpointed):
      // no failure there, so its job keeps the message 'cancelled'.
      const failure = isRealPayload(ctx.payload)
        ? null
        : `cancelled · the engine worker failed while stopping: ${err instanceof Error ? err.message : String(err)} · the checkpoints written before remain`
      announceStopped(ctx.jobId, failure)
      throw err
    }
  }

  /** Only a cancelled job: one that ended otherwise is closed (and announced) by the runner. */
  function announceStopped(jobId: number, message: string | null): void {
    const job = ws.jobs.get(jobId)
    if (job?.state !== 'cancelled') return
    deps.emit(publicJob(message === null ? job : ws.jobs.update(jobId, { message: message.slice(0, 2000) })))
  }

  runner.register('train', trainHandler)

  return {
    start(projectId: number, settings: TrainSettings, init: string, backend: TrainBackend = DEFAULT_TRAIN_BACKEND, provider: ProviderChoice = 'auto'): Job {
      if (!ws.projects.get(projectId)) throw new ApiFailure('not_found', `project ${projectId} does not exist`)
      checkEngineChoice(backend, provider)
      let initRecord: RunRecord['init'] = { model: 'scratch' }
      let initModel: DiTConfig | null = null
      if (init !== 'scratch') {
        const entry = catalog.resolve(init)
        initRecord = { model: entry.id, checkpoint: entry.path, step: entry.step }
        // Header only: the worker loads and checks the whole file when the run starts.
        initModel = readCheckpointMeta(entry.path).config.model
      }
      let config: TrainConfig
      try {
        config = trainConfigFrom(settings, initModel)
      } catch (err) {
        throw new ApiFailure('bad_request', err instanceof Error ? err.message : String(err))
      }
      return runner.start('train', {
        projectId,
        total: config.steps,
        payload: { config, init: initRecord, backend, provider } satisfies TrainPayload,
        message: init === 'scratch' ? 'training from scratch' : `fine-tuning ${init}`
      })
    },

    /**
     * Fine-tunes a real diffusers model on a snapshot with the managed PyTorch trainer
     * (features/fine-tuning/real/job.ts); followed, paused, resumed and cancelled like any training job.
     */
    startReal(projectId: number, request: { modelDir: string; snapshotId: number; settings: unknown; slurm?: unknown }): Job {
      if (!deps.realTrainer) throw new ApiFailure('bad_request', 'real-model fine-tuning is not available in this studio')
      if (!ws.projects.get(projectId)) throw new ApiFailure('not_found', `project ${projectId} does not exist`)
      const snapshot = ws.db.prepare<[number], { project_id: number; content_sha256: string }>('SELECT project_id, content_sha256 FROM preference_snapshots WHERE id = ?').get(request.snapshotId)
      if (!snapshot || snapshot.project_id !== projectId) throw new ApiFailure('not_found', `snapshot ${request.snapshotId} does not exist in project ${projectId}`)
      let settings
      let slurm
      try {
        settings = parseRealSettings(request.settings)
        slurm = request.slurm === undefined || request.slurm === null ? null : parseSlurmSettings(request.slurm)
        checkModelFolder(request.modelDir)
      } catch (err) {
        throw new ApiFailure('bad_request', (err as Error).message)
      }
      const real = { modelDir: request.modelDir, snapshot: { id: request.snapshotId, contentSha256: snapshot.content_sha256 }, settings }
      const payload: RealFinetunePayload | SlurmPayload = slurm ? { real: { ...real, slurm } } : { real }
      return runner.start('train', {
        projectId,
        total: settings.steps,
        payload,
        message: `fine-tuning ${request.modelDir} (${settings.method}, ${settings.loraRank === null ? 'full weights' : `LoRA rank ${settings.loraRank}`}${slurm ? ', on Slurm' : ''})`
      })
    },

    pause(jobId: number): Job {
      const job = trainJob(jobId)
      if (job.state === 'paused') return publicJob(job)
      if (job.state !== 'running') throw new ApiFailure('conflict', `job ${jobId} is ${job.state}; only a running job can be paused`)
      const handle = live.get(jobId)?.handle ?? realLive.get(jobId)
      if (!handle) throw new ApiFailure('conflict', `job ${jobId} is still starting; try again in a moment`)
      handle.pause()
      const paused = ws.jobs.update(jobId, { state: 'paused', message: `paused at step ${job.done} of ${job.total}` })
      deps.emit(publicJob(paused))
      return publicJob(paused)
    },

    resume(jobId: number): Job {
      const job = trainJob(jobId)
      if (job.state === 'running') return publicJob(job)
      if (job.state !== 'paused') throw new ApiFailure('conflict', `job ${jobId} is ${job.state}; only a paused job can be resumed`)
      const running = ws.jobs.update(jobId, { state: 'running', message: `resumed at step ${job.done} of ${job.total}` })
      const handle = live.get(jobId)?.handle ?? realLive.get(jobId)
      if (handle) handle.resume()
      // Paused when the studio last closed: no worker is left, so the runner relaunches the job and
      // the worker continues from the newest checkpoint.
      else runner.resumePending()
      deps.emit(publicJob(running))
      return publicJob(running)
    },

    cancel(jobId: number): Job {
      trainJob(jobId)
      return runner.cancel(jobId)
    },

    metrics(jobId: number, maxPoints: number): TrainMetrics {
      const job = trainJob(jobId)
      const runDir = runDirOf(deps.workspaceDir, jobId)
      const lines = readMetrics(runDir)
      const last = lines.at(-1) ?? null
      const totalSteps = isRealPayload(job.payload) ? job.payload.real.settings.steps : parsePayload(job.payload).config.steps
      const checkpoint = catalog.latestOfRun(jobId)
      const running = job.state === 'running'
      const qualityPoints = readQuality(runDir)
      const best = bestCheckpoint(qualityPoints, new Set(listCheckpoints(runDir).map((c) => c.step)))
      return {
        jobId,
        state: job.state,
        step: last?.step ?? job.done,
        totalSteps,
        loss: last?.loss ?? null,
        // Rate and ETA describe a run in motion; a paused or finished run has neither.
        itPerSec: running ? (last?.itPerSec ?? null) : null,
        etaSeconds: running ? (last?.etaSeconds ?? null) : null,
        points: thin(lines, maxPoints).map((l) => ({ step: l.step, loss: l.loss })),
        totalPoints: lines.length,
        backend: live.get(jobId)?.backend ?? readRunRecord(runDir)?.backend ?? null,
        checkpoint: checkpoint ? { step: checkpoint.step, modelId: checkpoint.id } : null,
        quality: qualityPoints,
        best: best ? { step: best.step, modelId: `run:${jobId}@${best.step}`, rule: BEST_RULE } : null,
        qualityDrop: qualityDropNote(qualityPoints),
        guard: readGuardEvents(runDir)
      }
    }
  }
}
export type TrainJobs = ReturnType<typeof createTrainJobs>
