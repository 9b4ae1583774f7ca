// Preference fine-tuning runs (PopAlign, Diffusion-DPO, SFT) as training jobs: a run starts from a
// snapshot and a model id, takes a preset with overrides, and runs through the same worker, run
// folder, checkpoints, pause/resume/cancel and crash resume as plain training (train-jobs.ts). This
// module validates and launches them, prepares their images, and reads runs back for the curves,
// the run list and the side-by-side comparison.
import type { FinetuneMetrics, FinetuneMethodName, FinetunePoint, FinetuneSettings, Job, RunComparison, RunSummary } from '@shared/contract'
import { ApiFailure } from '../../errors/api-failure'
import type { Workspace } from '../../store/workspace'
import { parseTrainConfig, type TrainConfig } from '../../engine/train/config'
import type { JobRunner } from '../../jobs/runner'
import { buildPreferenceData } from '../../training/finetune/data'
import { decodeSnapshotImages } from './images'
import { FINETUNE_PRESETS, finetunePreset } from './presets'
import { parseObjective, type FinetuneSpec } from '../../training/finetune/spec'
import { getSnapshot, snapshotRows, SnapshotError } from '../preference-data/snapshots/service'
import type { Catalog } from '../models/catalog'
import { readCheckpointMeta } from '../models/checkpoint-meta'
import { readMetrics, thin, type MetricsLine } from '../models/metrics-log'
import { runSettingsFields } from '../models/model-presets'
import { runDirOf } from '../models/paths'
import { readRunRecord, type RunSnapshotData } from '../models/run-record'
import { checkEngineChoice, parsePayload, type FinetunePayload, type TrainJobs, type TrainPayload } from '../models/train-jobs'
import { DEFAULT_TRAIN_BACKEND, type TrainBackend } from '../../engine/train/backend-name'
import type { ProviderChoice } from '../../engine/onnx/providers'

export interface FinetuneJobsDeps {
  ws: Workspace
  runner: JobRunner
  catalog: Catalog
  workspaceDir: string
  train: TrainJobs
}

export interface FinetuneStartInput {
  projectId: number
  snapshotId: number
  base: string
  method: FinetuneMethodName
  preset: string
  settings: Partial<FinetuneSettings>
  /** The engine and onnxruntime's execution provider (default onnxruntime, 'auto'). */
  backend?: TrainBackend
  provider?: ProviderChoice
}

/** Final metrics are means over the last few recorded points (each already a mean over its steps). */
const FINAL_POINTS = 5

function snapshotErrors<T>(fn: () => T): T {
  try {
    return fn()
  } catch (err) {
    if (err instanceof SnapshotError) throw new ApiFailure(err.code, err.message)
    throw err
  }
}

function pointOf(l: MetricsLine): FinetunePoint {
  return { step: l.step, loss: l.loss, implicitAccuracy: l.implicitAccuracy ?? null, rewardMargin: l.rewardMargin ?? null, Z: l.Z ?? null }
}

function meanOf(values: (number | null | undefined)[]): number | null {
  const xs = values.filter((v): v is number => typeof v === 'number' && Number.isFinite(v))
  return xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : null
}

/** The images of a fine-tune job, decoded at the model's size, with the record of what they were. */
export function createFinetunePreparer(ws: Workspace) {
  return async (f: FinetunePayload, config: TrainConfig): Promise<{ spec: FinetuneSpec; data: RunSnapshotData }> => {
    const snapshot = getSnapshot(ws, f.snapshot.id)
    // Snapshots are immutable; a different hash means the database was replaced under the run.
    if (snapshot.contentSha256 !== f.snapshot.contentSha256) {
      throw new Error(
        `snapshot ${f.snapshot.id} no longer has the content this run was started on (hash ${snapshot.contentSha256.slice(0, 12)}…, the run expects ${f.snapshot.contentSha256.slice(0, 12)}…)`
      )
    }
    const images = await decodeSnapshotImages(snapshotRows(ws, f.snapshot.id), config.model)
    const data = buildPreferenceData(images, config.model, f.objective.method)
    return {
      spec: { ...f.objective, images },
      data: { source: 'snapshot', snapshotId: f.snapshot.id, contentSha256: f.snapshot.contentSha256, images: images.length, pairs: data.pairs.length }
    }
  }
}

export function createFinetuneJobs(deps: FinetuneJobsDeps) {
  const { ws, runner, catalog } = deps

  const trainJob = (jobId: number) => {
    const job = ws.jobs.get(jobId)
    if (!job) throw new ApiFailure('not_found', `run ${jobId} does not exist`)
    if (job.kind !== 'train') throw new ApiFailure('bad_request', `job ${jobId} is not a training run (it is a ${job.kind} job)`)
    return job
  }

  const payloadOf = (jobId: number, raw: unknown): TrainPayload => {
    try {
      return parsePayload(raw)
    } catch (err) {
      throw new ApiFailure('conflict', `run ${jobId}: ${(err as Error).message}`)
    }
  }

  const summaryOf = (job: ReturnType<typeof trainJob>, payload: TrainPayload): RunSummary => {
    const last = readMetrics(runDirOf(deps.workspaceDir, job.id)).at(-1)
    return {
      jobId: job.id,
      projectId: job.projectId,
      number: job.number,
      name: job.name,
      state: job.state,
      method: payload.finetune?.objective.method ?? null,
      step: last?.step ?? job.done,
      totalSteps: payload.config.steps,
      init: payload.init.model,
      snapshotId: payload.finetune?.snapshot.id ?? null,
      createdAt: job.createdAt
    }
  }

  return {
    presets: () => FINETUNE_PRESETS.map((p) => ({ ...p, settings: { ...p.settings } })),

    /** Validates everything the run needs up front, so a bad request fails here and not in the worker. */
    start(input: FinetuneStartInput): Job {
      if (!ws.projects.get(input.projectId)) throw new ApiFailure('not_found', `project ${input.projectId} does not exist`)
      const backend = input.backend ?? DEFAULT_TRAIN_BACKEND
      const provider = input.provider ?? 'auto'
      checkEngineChoice(backend, provider)
      const snapshot = snapshotErrors(() => getSnapshot(ws, input.snapshotId))
      if (snapshot.projectId !== input.projectId) throw new ApiFailure('bad_request', `snapshot ${input.snapshotId} belongs to project ${snapshot.projectId}, not ${input.projectId}`)
      let settings: FinetuneSettings
      let objective
      try {
        settings = { ...finetunePreset(input.preset).settings, ...input.settings }
        objective = parseObjective({ method: input.method, beta: settings.beta, alpha: settings.alpha })
      } catch (err) {
        throw new ApiFailure('bad_request', (err as Error).message)
      }
      if (objective.method !== 'sft' && settings.batchSize % 2 !== 0)
        throw new ApiFailure('bad_request', `batchSize must be even for ${objective.method} (winner-loser pairs), got ${settings.batchSize}`)
      const rows = snapshotErrors(() => snapshotRows(ws, input.snapshotId))
      const winners = rows.filter((r) => r.label === 1).length
      if (rows.length === 0 || winners === 0 || (objective.method !== 'sft' && winners === rows.length)) {
        throw new ApiFailure(
          'bad_request',
          `snapshot ${input.snapshotId} has ${winners} winning and ${rows.length - winners} losing images; ${objective.method} needs ${objective.method === 'sft' ? 'winning images' : 'both'}`
        )
      }
      const entry = catalog.resolve(input.base)
      let baseConfig: TrainConfig
      try {
        baseConfig = readCheckpointMeta(entry.path).config
      } catch (err) {
        throw new ApiFailure('bad_request', `model ${input.base} cannot be fine-tuned: ${(err as Error).message}`)
      }
      let config: TrainConfig
      try {
        config = parseTrainConfig({
          // Weights only fit their own architecture, and the model learned its own noise schedule.
          model: baseConfig.model,
          schedule: baseConfig.schedule,
          timesteps: baseConfig.timesteps,
          ...runSettingsFields(settings),
          // Debias's 1/sqrt(SNR) is capped at SNR 1000 as kohya's "debiased estimation" does.
          weightOptions: settings.weighting === 'debias' ? { maxSnr: 1000 } : {}
        })
      } catch (err) {
        throw new ApiFailure('bad_request', (err as Error).message)
      }
      const payload: TrainPayload = {
        config,
        init: { model: entry.id, checkpoint: entry.path, step: entry.step },
        finetune: { objective, preset: input.preset, snapshot: { id: snapshot.id, contentSha256: snapshot.contentSha256 } },
        backend,
        provider
      }
      return runner.start('train', { projectId: input.projectId, total: config.steps, payload, message: `${objective.method} fine-tuning of ${entry.id} on snapshot ${snapshot.id}` })
    },

    metrics(jobId: number, maxPoints: number): FinetuneMetrics {
      const job = trainJob(jobId)
      const payload = payloadOf(jobId, job.payload)
      if (!payload.finetune) throw new ApiFailure('bad_request', `run ${jobId} is plain training, not fine-tuning; use train.metrics`)
      const lines = thin(readMetrics(runDirOf(deps.workspaceDir, jobId)), maxPoints)
      return { ...deps.train.metrics(jobId, maxPoints), method: payload.finetune.objective.method, finetunePoints: lines.map(pointOf) }
    },

    list(projectId?: number): RunSummary[] {
      if (projectId !== undefined && !ws.projects.get(projectId)) throw new ApiFailure('not_found', `project ${projectId} does not exist`)
      const out: RunSummary[] = []
      for (const job of ws.jobs.list(projectId)) {
        if (job.kind !== 'train') continue
        try {
          out.push(summaryOf(job, parsePayload(job.payload)))
        } catch {
          // A damaged payload: the job itself shows the problem in the jobs list.
        }
      }
      return out
    },

    compare(runIds: number[]): RunComparison[] {
      return [...new Set(runIds)].map((jobId) => {
        const job = trainJob(jobId)
        const payload = payloadOf(jobId, job.payload)
        const runDir = runDirOf(deps.workspaceDir, jobId)
        const record = readRunRecord(runDir)
        const lines = readMetrics(runDir)
        const tail = lines.slice(-FINAL_POINTS)
        // The record is the run's identity; before its first start only the payload is known.
        const c = record?.config ?? payload.config
        const f = record?.finetune ?? (payload.finetune ? { ...payload.finetune.objective, preset: payload.finetune.preset } : null)
        const snap = record && record.data.source === 'snapshot' ? record.data : null
        const init = record?.init ?? payload.init
        return {
          ...summaryOf(job, payload),
          config: {
            steps: c.steps,
            batchSize: c.batchSize,
            learningRate: c.learningRate,
            beta: f && f.method !== 'sft' ? f.beta : null,
            alpha: f && f.method === 'popalign' ? f.alpha : null,
            weighting: c.weighting,
            condDropout: c.condDropout,
            seed: c.seed,
            schedule: c.schedule,
            arch: `${c.model.imageSize}px p${c.model.patch} w${c.model.width} d${c.model.depth}`
          },
          snapshotSha256: snap?.contentSha256 ?? payload.finetune?.snapshot.contentSha256 ?? null,
          baseCheckpoint: 'checkpoint' in init ? { model: init.model, step: init.step } : null,
          backend: record?.backend ?? null,
          codeVersion: record?.codeVersion ?? null,
          final: {
            step: lines.at(-1)?.step ?? 0,
            loss: meanOf(tail.map((l) => l.loss)),
            implicitAccuracy: meanOf(tail.map((l) => l.implicitAccuracy)),
            rewardMargin: meanOf(tail.map((l) => l.rewardMargin)),
            Z: meanOf(tail.map((l) => l.Z)),
            points: tail.length
          }
        }
      })
    }
  }
}
export type FinetuneJobs = ReturnType<typeof createFinetuneJobs>
