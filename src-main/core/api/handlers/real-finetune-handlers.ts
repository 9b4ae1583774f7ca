// API handlers of real-model fine-tuning (issue 14): the trainer environment, starting a run here or on
// Slurm, and a run's curves and lineage. Thin: core/features/fine-tuning/real does the work; without an
// engine every method says so.
import type { Handlers } from '../dispatch'
import { ApiFailure } from '../dispatch'
import type { EngineService } from '../../features/models'

type Methods = 'python.status' | 'python.install' | 'train.startReal' | 'train.realRuns' | 'train.realMetrics' | 'train.sampleReal' | 'train.realSamples'

export function realFinetuneHandlers(engine: EngineService | undefined): Pick<Handlers, Methods> {
  const e = (): EngineService => {
    if (!engine) throw new ApiFailure('conflict', 'the diffusion engine is not running in this studio')
    return engine
  }
  return {
    'python.status': ({ probe }) => e().real.status(probe),
    'python.install': () => e().real.install(),
    'train.startReal': ({ projectId, modelDir, snapshotId, settings, slurm }) => {
      e().real.checkStart(settings, slurm)
      return e().train.startReal(projectId, { modelDir, snapshotId, settings, slurm })
    },
    'train.realRuns': ({ projectId }) => e().real.runs(projectId),
    'train.realMetrics': ({ jobId, maxPoints }) => e().real.metrics(jobId, maxPoints),
    'train.sampleReal': ({ projectId, jobId, prompts, seeds, steps, guidance }) => e().realSamples.start(projectId, { runJobId: jobId, prompts, seeds, steps, guidance }),
    'train.realSamples': ({ jobId }) => e().realSamples.list(jobId)
  }
}
