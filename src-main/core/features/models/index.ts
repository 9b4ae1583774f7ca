// The diffusion engine as the app uses it: backend info, the model catalogue, training jobs and
// sampling jobs, all over one workspace and one job runner. Built by the composition root
// (core/studio.ts) and served through the API handlers (core/api/handlers/engine-handlers.ts).
import type { EngineInfo, Job, ModelEntry } from '@shared/contract'
import type { Workspace } from '../../store/workspace'
import type { JobRunner } from '../../jobs/runner'
import { createCatalog } from './catalog'
import { engineInfo } from './engine-info'
import { defaultBaseModelDir } from './paths'
import { trainerSourceDir } from '../../python-env/paths'
import { worldClassifierDir } from '../../classifier/world-classifier'
import type { StudioConfig } from '../../config'
import { createSampleJobs, type SampleJobs } from './sample-jobs'
import { createTrainJobs, parsePayload, type TrainJobs } from './train-jobs'
import { createFinetuneJobs, createFinetunePreparer, type FinetuneJobs } from '../fine-tuning/finetune-jobs'
import { createRealFinetuneService, type RealFinetuneService } from '../fine-tuning/real/service'
import { createRealSampleJobs, type RealSampleJobs } from '../fine-tuning/real/sample-job'

export interface EngineServiceDeps {
  ws: Workspace
  runner: JobRunner
  workspaceDir: string
  /** The entry point's resources folder (base model, world classifier, trainer source) and managed venv. */
  config: Pick<StudioConfig, 'resourcesDir' | 'pythonEnvDir'>
  /** Folder of the shipped base model; <resourcesDir>/models/base by default (tests point it elsewhere). */
  baseModelDir?: string
  /** Fan-out of job changes made outside the runner (pause, resume). */
  emit: (job: Job) => void
  log: (line: string) => void
  /** Explicit engine worker script (tests). */
  workerPath?: string
  progressIntervalMs?: number
  sampleChunk?: number
  samplePrefer?: 'ort' | 'tfjs'
  /** Real-model fine-tunes: the managed venv and the trainer's source (default: config's pythonEnvDir, <resourcesDir>/python). */
  realTrainer?: { envDir: string; sourceDir: string }
  /** The folder import, which brings a real-model fine-tune's samples into the project; without it they are refused. */
  imports?: { start(projectId: number, folder: string): Job }
}

export interface EngineService {
  info(): Promise<EngineInfo>
  models(): ModelEntry[]
  readonly train: TrainJobs
  readonly sample: SampleJobs
  /** Preference fine-tuning runs (jobs of kind 'train' with a snapshot) and run comparison. */
  readonly finetune: FinetuneJobs
  /** Real diffusers models with the managed PyTorch trainer: its environment and a run's curves and lineage. */
  readonly real: RealFinetuneService
  /** Sampling a finished real-model fine-tune into the project (jobs of kind 'sample'). */
  readonly realSamples: RealSampleJobs
}

/** Registers the 'train' (plain and fine-tuning) and 'sample' job kinds on the runner; call before runner.resumePending(). */
export function createEngineService(deps: EngineServiceDeps): EngineService {
  const catalog = createCatalog({
    workspaceDir: deps.workspaceDir,
    baseModelDir: deps.baseModelDir ?? defaultBaseModelDir(deps.config.resourcesDir),
    log: deps.log,
    runName: (jobId) => {
      const job = deps.ws.jobs.get(jobId)
      return job ? (job.name ?? `Run ${job.number}`) : null
    },
    runMethod: (jobId) => {
      const job = deps.ws.jobs.get(jobId)
      if (!job || job.kind !== 'train') return null
      try {
        return parsePayload(job.payload).finetune?.objective.method ?? null
      } catch {
        // A damaged payload only loses the word in model lists; starting or resuming the run says what is wrong.
        return null
      }
    }
  })
  const realTrainer = deps.realTrainer ?? { envDir: deps.config.pythonEnvDir, sourceDir: trainerSourceDir(deps.config.resourcesDir) }
  const train = createTrainJobs({
    ws: deps.ws,
    runner: deps.runner,
    catalog,
    workspaceDir: deps.workspaceDir,
    emit: deps.emit,
    log: deps.log,
    workerPath: deps.workerPath,
    progressIntervalMs: deps.progressIntervalMs,
    prepareFinetune: createFinetunePreparer(deps.ws),
    qualityChecks: { classifierDir: worldClassifierDir(deps.config.resourcesDir) },
    realTrainer
  })
  const realSamples = createRealSampleJobs({ ws: deps.ws, runner: deps.runner, workspaceDir: deps.workspaceDir, ...realTrainer, imports: deps.imports })
  const sample = createSampleJobs({
    ws: deps.ws,
    runner: deps.runner,
    catalog,
    workspaceDir: deps.workspaceDir,
    log: deps.log,
    chunk: deps.sampleChunk,
    prefer: deps.samplePrefer,
    handOver: realSamples
  })
  const finetune = createFinetuneJobs({ ws: deps.ws, runner: deps.runner, catalog, workspaceDir: deps.workspaceDir, train })
  // A run names its project, so model lists can show the current project's runs first.
  const withProject = (m: ModelEntry): ModelEntry => (m.jobId === null ? { ...m, projectId: null } : { ...m, projectId: deps.ws.jobs.get(m.jobId)?.projectId ?? null })
  const real = createRealFinetuneService({ ws: deps.ws, workspaceDir: deps.workspaceDir, ...realTrainer, train, log: deps.log })
  return { info: engineInfo, models: () => catalog.list().map(withProject), train, sample, finetune, real, realSamples }
}
