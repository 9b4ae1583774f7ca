// The fine-tuning side of the engine worker's loop (training/run.ts): builds the preference data
// and the stepper for a job that carries a fine-tune spec. The reference is always the job's starting
// checkpoint, also after a resume, so it never moves with the run.
import { loadCheckpoint } from '../../engine/checkpoint/store'
import type { Tf } from '../../engine/tf/backend'
import type { Trainer } from '../../engine/train/trainer'
import { buildPreferenceData, type PreferenceData } from './data'
import type { DiTConfig } from '../../engine/model/dit-spec'
import type { DiTParams } from '../../engine/model/dit-tf'
import { FinetuneStepper } from './step'
import { parseObjective, type FinetuneObjective, type FinetuneSpec } from './spec'

/** The objective, preference data and reference weights of a fine-tune job, checked against the run's model. */
export function finetuneInputs(model: DiTConfig, spec: FinetuneSpec, initFrom: string | undefined): { objective: FinetuneObjective; data: PreferenceData; reference: DiTParams } {
  if (!initFrom) throw new Error('fine-tune: a run needs a starting checkpoint (the base model or a run) for its reference model')
  const objective = parseObjective(spec)
  const data = buildPreferenceData(spec.images, model, objective.method)
  const initial = loadCheckpoint(initFrom)
  if (JSON.stringify(initial.config.model) !== JSON.stringify(model)) {
    throw new Error(`fine-tune: the starting checkpoint ${initFrom} has a different architecture than the run`)
  }
  return { objective, data, reference: initial.params }
}

export function openFinetune(tf: Tf, trainer: Trainer, spec: FinetuneSpec, initFrom: string | undefined): FinetuneStepper {
  const { objective, data, reference } = finetuneInputs(trainer.config.model, spec, initFrom)
  return new FinetuneStepper(tf, trainer, data, objective, reference)
}
