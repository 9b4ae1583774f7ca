// The fine-tuning side of the engine worker's loop (engine/train/run.ts): builds the preference data
// and the stepper for a job that carries a fine-tune spec. The reference is always the job's starting
// checkpoint, also after a resume, so it never moves with the run.
import { loadCheckpoint } from '../engine/checkpoint/store'
import type { Tf } from '../engine/tf/backend'
import type { Trainer } from '../engine/train/trainer'
import { buildPreferenceData } from './data'
import { FinetuneStepper } from './step'
import { parseObjective, type FinetuneSpec } from './spec'

export function openFinetune(tf: Tf, trainer: Trainer, spec: FinetuneSpec, initFrom: string | undefined): FinetuneStepper {
  if (!initFrom) throw new Error('fine-tune: a run needs a starting checkpoint (the base model or a run) for its reference model')
  const objective = parseObjective(spec)
  const data = buildPreferenceData(spec.images, trainer.config.model, objective.method)
  const initial = loadCheckpoint(initFrom)
  if (JSON.stringify(initial.config.model) !== JSON.stringify(trainer.config.model)) {
    throw new Error(`fine-tune: the starting checkpoint ${initFrom} has a different architecture than the run`)
  }
  return new FinetuneStepper(tf, trainer, data, objective, initial.params)
}
