// A run's identity on resume, shared by every training backend: the state a checkpoint holds, and the
// check that a checkpoint belongs to the run being continued.
import type { RngState } from '../../random/rng'
import type { DiTParams } from '../model/dit-tf'
import type { AdamState } from './adam'
import { parseTrainConfig, type TrainConfig } from './config'

/** Everything a checkpoint must hold to continue a run exactly. */
export interface TrainState {
  config: TrainConfig
  step: number
  rng: RngState
  params: DiTParams
  adam: AdamState
  /** Loss of every step so far (the UI's curve survives a resume). */
  losses: number[]
  /** The EMA of the weights, when the config asks for one (emaDecay > 0). */
  ema?: DiTParams
}

/**
 * The run's config (the checkpoint's on a resume), after checking that a checkpoint belongs to this
 * run and is consistent. Shared by every training backend (tfjs here, onnxruntime in onnx-train).
 */
export function checkedRunConfig(config: TrainConfig, state?: TrainState): TrainConfig {
  const resolved = parseTrainConfig(state?.config ?? config)
  if (!state) return resolved
  if (JSON.stringify(parseTrainConfig(config)) !== JSON.stringify(resolved)) {
    throw new Error('trainer: the checkpoint was written by a run with a different config; start a new run instead of resuming')
  }
  if (state.adam.step !== state.step) throw new Error(`trainer: checkpoint step ${state.step} and optimiser step ${state.adam.step} disagree`)
  if (state.losses.length !== state.step) throw new Error(`trainer: checkpoint has ${state.losses.length} losses for ${state.step} steps`)
  return resolved
}
