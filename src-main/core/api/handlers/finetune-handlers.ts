// API handlers of preference fine-tuning runs and run comparison (issue 4). Thin: the engine service
// (core/features/fine-tuning/finetune-jobs.ts) does the work; without an engine every method says so.
import type { Handlers } from '../dispatch'
import { ApiFailure } from '../dispatch'
import type { EngineService } from '../../features/models'

type Methods = 'finetune.presets' | 'finetune.start' | 'finetune.metrics' | 'runs.list' | 'runs.compare'

export function finetuneHandlers(engine: EngineService | undefined): Pick<Handlers, Methods> {
  const f = () => {
    if (!engine) throw new ApiFailure('conflict', 'the diffusion engine is not running in this studio')
    return engine.finetune
  }
  return {
    'finetune.presets': () => f().presets(),
    'finetune.start': (input) => f().start(input),
    'finetune.metrics': ({ jobId, maxPoints }) => f().metrics(jobId, maxPoints),
    'runs.list': ({ projectId }) => f().list(projectId),
    'runs.compare': ({ runIds }) => f().compare(runIds)
  }
}
