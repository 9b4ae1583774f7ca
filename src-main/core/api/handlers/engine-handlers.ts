// API handlers of the engine (issue 3): backend info, models, training and sampling jobs. Thin: the
// engine service (core/features/models) does the work; without one (handler tests that build only
// the workspace) every method answers that the engine is not running.
import type { Handlers } from '../dispatch'
import { ApiFailure } from '../dispatch'
import type { EngineService } from '../../features/models'

type EngineMethods = 'engine.info' | 'models.list' | 'train.start' | 'train.pause' | 'train.resume' | 'train.cancel' | 'train.metrics' | 'sample.start' | 'sample.results'

export function engineHandlers(engine: EngineService | undefined): Pick<Handlers, EngineMethods> {
  const e = (): EngineService => {
    if (!engine) throw new ApiFailure('conflict', 'the diffusion engine is not running in this studio')
    return engine
  }
  return {
    'engine.info': () => e().info(),
    // Screens that train or fine-tune list only models they can start from; Sample and Reports ask for folders too.
    'models.list': ({ folders }) =>
      e()
        .models()
        .filter((m) => folders || m.source !== 'folder'),
    'train.start': ({ projectId, config, init, backend, provider }) => e().train.start(projectId, config, init, backend, provider),
    'train.pause': ({ jobId }) => e().train.pause(jobId),
    'train.resume': ({ jobId }) => e().train.resume(jobId),
    'train.cancel': ({ jobId }) => e().train.cancel(jobId),
    'train.metrics': ({ jobId, maxPoints }) => e().train.metrics(jobId, maxPoints),
    'sample.start': (input) => e().sample.start(input),
    'sample.results': ({ jobId }) => e().sample.results(jobId)
  }
}
