// A trainer's state <-> checkpoint file contents. Tensor names: "param/<name>", "adam.m/<name>",
// "adam.v/<name>", and "ema/<name>" when the run averages its weights; everything else lives in the
// JSON header and is re-validated on load.
import { Rng } from '../../random/rng'
import { ditParameters } from '../model/dit-spec'
import { parseTrainConfig } from '../train/config'
import type { TrainState } from '../train/trainer'
import { CheckpointError, decodeCheckpoint, encodeCheckpoint } from './format'

export const CHECKPOINT_KIND = 'popalign-dit-train'

export function encodeTrainState(state: TrainState): Buffer {
  const specs = ditParameters(state.config.model)
  const tensors: { name: string; shape: number[]; data: Float32Array }[] = []
  const tables = [['param', state.params], ['adam.m', state.adam.m], ['adam.v', state.adam.v], ...(state.ema ? [['ema', state.ema] as const] : [])] as const
  for (const [prefix, table] of tables) {
    for (const s of specs) tensors.push({ name: `${prefix}/${s.name}`, shape: s.shape, data: table[s.name] })
  }
  const meta = {
    kind: CHECKPOINT_KIND,
    config: state.config,
    step: state.step,
    rng: state.rng,
    optimizer: { kind: 'adam', step: state.adam.step, slots: ['adam.m', 'adam.v'] },
    losses: state.losses
  }
  return encodeCheckpoint(meta, tensors)
}

/** Parses a training checkpoint; throws CheckpointError for anything that is not a consistent one. */
export function decodeTrainState(buf: Uint8Array, label = 'checkpoint'): TrainState {
  const { meta, tensors } = decodeCheckpoint(buf, label)
  if (meta.kind !== CHECKPOINT_KIND) throw new CheckpointError(`${label} is a PopAlign file of kind ${JSON.stringify(meta.kind)}, not a training checkpoint`)
  let config
  try {
    config = parseTrainConfig(meta.config)
  } catch (err) {
    throw new CheckpointError(`${label} has a bad config: ${(err as Error).message}`)
  }
  const step = meta.step
  if (typeof step !== 'number' || !Number.isInteger(step) || step < 0) throw new CheckpointError(`${label} has an invalid step ${JSON.stringify(step)}`)
  const opt = meta.optimizer as { kind?: unknown; step?: unknown } | undefined
  if (opt?.kind !== 'adam' || opt.step !== step) throw new CheckpointError(`${label} has an unknown or inconsistent optimiser state`)
  const losses = meta.losses
  if (!Array.isArray(losses) || losses.length !== step || !losses.every((l) => typeof l === 'number')) throw new CheckpointError(`${label} has a loss log that does not match step ${step}`)
  let rng
  try {
    rng = Rng.fromState(meta.rng).getState()
  } catch (err) {
    throw new CheckpointError(`${label} has a bad RNG state: ${(err as Error).message}`)
  }
  const specs = ditParameters(config.model)
  const take = (prefix: string): Record<string, Float32Array> => {
    const out: Record<string, Float32Array> = {}
    for (const s of specs) {
      const t = tensors.get(`${prefix}/${s.name}`)
      if (!t) throw new CheckpointError(`${label} lacks tensor ${prefix}/${s.name}`)
      if (t.shape.join(',') !== s.shape.join(',')) throw new CheckpointError(`${label}: tensor ${prefix}/${s.name} has shape [${t.shape}], the config needs [${s.shape}]`)
      out[s.name] = t.data
    }
    return out
  }
  const state: TrainState = {
    config,
    step: step,
    rng,
    params: take('param'),
    adam: { step: step, m: take('adam.m'), v: take('adam.v') },
    losses: losses
  }
  const averaged = (config.emaDecay ?? 0) > 0
  if (averaged) state.ema = take('ema')
  const expected = specs.length * (averaged ? 4 : 3)
  if (tensors.size !== expected) throw new CheckpointError(`${label} has ${tensors.size - expected} unexpected extra tensors`)
  return state
}
