// What the real-model fine-tune screen asks of the core: the trainer environment's state (and what it
// holds: Python, torch, CUDA, GPUs, free memory), installing it in the background with progress, and a
// run's curves with its lineage. Starting, pausing and cancelling runs are the train jobs' own.
import { spawnSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { FinetunePoint, Job, PythonEnvStatus, PythonProbe, RealMetrics } from '@shared/contract'
import { ApiFailure } from '../../../errors/api-failure'
import { ensurePythonEnv, envStatus, type EnvProgress } from '../../../python-env/env'
import { describeProbe, probeEnv } from '../../../python-env/probe'
import { readMetrics, thin, type MetricsLine } from '../../models/metrics-log'
import { runDirOf } from '../../models/paths'
import type { TrainJobs } from '../../models/train-jobs'
import type { Workspace } from '../../../store/workspace'
import { publicJob } from '../../../store/repos/jobs'
import { checkDeepSpeed, isRealPayload, LINEAGE_FILE, RESULT_FILE } from './job'
import { parseRealSettings } from './settings'
import { clusterSettings } from './slurm/script'
import { isSlurmPayload, taskRecordDir } from './slurm/job'
import { parseSlurmSettings, taskBetas } from './slurm/settings'
import { readWritten } from './slurm/written'

export interface RealFinetuneServiceDeps {
  ws: Workspace
  workspaceDir: string
  envDir: string
  sourceDir: string
  train: TrainJobs
  log: (line: string) => void
}

function readJson(path: string): Record<string, unknown> | null {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>
  } catch {
    return null
  }
}

/** Whether sbatch answers here (its absence is the usual case on a desktop). */
function hasSbatch(): boolean {
  const r = spawnSync('sbatch', ['--version'], { encoding: 'utf8', timeout: 5000 })
  return r.status === 0
}

const pointOf = (l: MetricsLine): FinetunePoint => ({ step: l.step, loss: l.loss, implicitAccuracy: l.implicitAccuracy ?? null, rewardMargin: l.rewardMargin ?? null, Z: l.Z ?? null })

/** The contract's view of a written, not submitted run (the record's time stays in the file). */
function writtenOf(runDir: string): RealMetrics['written'] {
  const w = readWritten(runDir)
  return w ? { runDir: w.runDir, files: w.files, submit: w.submit, launch: w.launch, note: w.note } : null
}

export function createRealFinetuneService(deps: RealFinetuneServiceDeps) {
  const requirements = join(deps.sourceDir, 'requirements.txt')
  let installing: EnvProgress | null = null
  let installFailure: string | null = null
  let probed: { installedAt: string; probe: PythonProbe } | null = null
  let sbatch: boolean | null = null

  async function status(probe: boolean): Promise<PythonEnvStatus> {
    sbatch ??= hasSbatch()
    const base = { envDir: deps.envDir, sbatch, probe: null, install: null }
    if (installing) return { ...base, state: 'installing', reason: null, install: { message: installing.message, done: installing.done, total: installing.total } }
    const s = envStatus(deps.envDir, requirements)
    if (s.state !== 'ready') {
      if (installFailure && s.state !== 'no-python') return { ...base, state: 'failed', reason: installFailure }
      // findPython's own words name what it found too old, if anything; the screen adds how to install one.
      const tooOld = /\(found ([^)]*)\)/.exec(s.reason)?.[1]
      const reason =
        s.state === 'no-python'
          ? `Python 3.10 or newer was not found on this computer${tooOld ? ` (only ${tooOld})` : ''}. Real-model fine-tuning needs it; the built-in world works without it.`
          : s.reason
      return { ...base, state: s.state, reason }
    }
    if (probe && probed?.installedAt !== s.stamp.installedAt) {
      try {
        const p = await probeEnv(deps.envDir, deps.sourceDir)
        probed = {
          installedAt: s.stamp.installedAt,
          probe: {
            python: p.python,
            torch: p.packages.torch ?? null,
            cuda: p.cuda,
            gpus: p.gpus.map((g) => ({ name: g.name, freeBytes: g.freeBytes, totalBytes: g.totalBytes })),
            memory: p.memory,
            deepspeed: p.deepspeed ?? null,
            summary: describeProbe(p)
          }
        }
      } catch (err) {
        return { ...base, state: 'failed', reason: (err as Error).message }
      }
    }
    return { ...base, state: 'ready', reason: null, probe: probe ? (probed?.probe ?? null) : null }
  }

  function install(): Promise<PythonEnvStatus> {
    if (!installing && envStatus(deps.envDir, requirements).state !== 'ready') {
      installing = { phase: 'venv', message: 'starting', done: 0, total: 0 }
      installFailure = null
      ensurePythonEnv({ envDir: deps.envDir, requirementsFile: requirements, onProgress: (p) => (installing = p) })
        .catch((err: Error) => {
          installFailure = err.message
          deps.log(`installing the trainer environment failed: ${err.message}`)
        })
        .finally(() => (installing = null))
    }
    return status(false)
  }

  function metrics(jobId: number, maxPoints: number): RealMetrics {
    const job = deps.ws.jobs.get(jobId)
    if (!job || !isRealPayload(job.payload)) throw new ApiFailure('bad_request', `job ${jobId} is not a real-model fine-tune`)
    const real = job.payload.real
    const runDir = runDirOf(deps.workspaceDir, jobId)
    const base = deps.train.metrics(jobId, maxPoints)
    const lineage = readJson(join(runDir, LINEAGE_FILE))
    const result = readJson(join(runDir, RESULT_FILE))
    const slurm = isSlurmPayload(job.payload) ? parseSlurmSettings(job.payload.real.slurm) : null
    const betas = slurm?.sweepBetas ? taskBetas(slurm, real.settings.beta) : []
    const str = (v: unknown): string | null => (typeof v === 'string' ? v : null)
    return {
      ...base,
      method: real.settings.method,
      modelDir: real.modelDir,
      finetunePoints: thin(readMetrics(runDir), maxPoints).map(pointOf),
      lineage: lineage
        ? {
            command: Array.isArray(lineage.command) ? lineage.command.map(String) : [],
            versions: (lineage.versions ?? {}) as Record<string, string | null>,
            device: str(lineage.device),
            worldSize: typeof lineage.worldSize === 'number' ? lineage.worldSize : null,
            modelDir: real.modelDir,
            snapshotSha256: real.snapshot.contentSha256,
            dataSha256: str((lineage.data as { sha256?: unknown } | undefined)?.sha256),
            slurmJobId: str(lineage.slurmJobId)
          }
        : null,
      tasks: betas.map((beta, task) => ({ task, beta, points: thin(readMetrics(taskRecordDir(runDir, task)), maxPoints).map(pointOf) })),
      result: result && typeof result.path === 'string' && existsSync(result.path) ? { kind: String(result.kind), path: result.path } : null,
      written: slurm ? writtenOf(runDir) : null
    }
  }

  function runs(projectId: number): Job[] {
    if (!deps.ws.projects.get(projectId)) throw new ApiFailure('not_found', `project ${projectId} does not exist`)
    return deps.ws.jobs
      .list(projectId)
      .filter((j) => j.kind === 'train' && isRealPayload(j.payload))
      .sort((a, b) => b.id - a.id)
      .map(publicJob)
  }

  /**
   * What a start is refused for beyond the settings' own checks (train.startReal runs those): the
   * cluster's view of the settings (DeepSpeed on machines without GPUs), and DeepSpeed where the
   * environment the run uses lacks it. Called before the job is created, so nothing runs.
   */
  function checkStart(settingsInput: unknown, slurmInput: unknown): void {
    try {
      const settings = parseRealSettings(settingsInput)
      const slurm = slurmInput === undefined || slurmInput === null ? null : parseSlurmSettings(slurmInput)
      if (slurm) clusterSettings(settings, slurm)
      checkDeepSpeed(settings, slurm?.envDir ? null : deps.envDir)
    } catch (err) {
      throw new ApiFailure('bad_request', (err as Error).message)
    }
  }

  return { status, install, metrics, runs, checkStart }
}
export type RealFinetuneService = ReturnType<typeof createRealFinetuneService>
