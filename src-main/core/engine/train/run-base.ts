// What every training backend's trainer shares (tfjs: trainer.ts, onnxruntime: onnx-train/trainer.ts):
// the checked run config, the noise schedule and timestep weights, the run's own RNG stream (batches
// are drawn from it in a fixed order, so a resume on either backend replays them), the loss log and
// the starting weights. Backends add the model, the optimiser and the step itself.
import { Rng } from '../../random/rng'
import { makeSchedule, type NoiseSchedule } from '../diffusion/schedule'
import { lossWeights } from '../diffusion/weights'
import { initDiTParams, type DiTParams } from '../model/dit-tf'
import { drawBatch, type PreparedBatch } from './batch'
import { checkedRunConfig, type TrainState } from './run-config'
import type { TrainConfig } from './config'
import type { DataSource } from './data-source'
import type { AdamState } from './adam'

export interface TrainFrom {
  /** A checkpoint's state to resume. */
  state?: TrainState
  /** Starting weights of a fresh run (e.g. a base model to fine-tune). */
  initialParams?: DiTParams
}

export abstract class RunBase {
  readonly config: TrainConfig
  readonly schedule: NoiseSchedule
  readonly losses: number[]
  protected readonly weightTable: Float64Array
  protected rng: Rng

  constructor(
    config: TrainConfig,
    protected readonly data: DataSource,
    from?: TrainFrom
  ) {
    this.config = checkedRunConfig(config, from?.state)
    this.schedule = makeSchedule(this.config.schedule, this.config.timesteps)
    this.weightTable = lossWeights(this.config.weighting, this.schedule, this.config.weightOptions)
    this.rng = from?.state ? Rng.fromState(from.state.rng) : Rng.derive(this.config.seed, 'train')
    this.losses = from?.state ? [...from.state.losses] : []
  }

  /** Optimiser updates applied so far. */
  abstract get step(): number

  get done(): boolean {
    return this.step >= this.config.steps
  }

  /** The weights a run starts from: the checkpoint's, the given ones, or fresh ones from the seed. */
  protected startingParams(from?: TrainFrom): DiTParams {
    const initRng = Rng.derive(this.config.seed, 'init')
    return from?.state?.params ?? from?.initialParams ?? initDiTParams(this.config.model, () => initRng.normal())
  }

  /** A checkpoint's contents from the backend's own copies of the weights, optimiser state and average. */
  protected stateWith(params: DiTParams, adam: AdamState, ema: DiTParams | null): TrainState {
    return { config: this.config, step: this.step, rng: this.rng.getState(), params, adam, losses: [...this.losses], ...(ema ? { ema } : {}) }
  }

  /** The next batch from the run's own RNG stream. */
  nextBatch(): PreparedBatch {
    return drawBatch(this.config, this.schedule, this.weightTable, this.data, this.rng)
  }

  /**
   * Draws from the run's own RNG stream with a caller's batch builder (fine-tuning builds paired
   * preference batches), so the draws are checkpointed with the run and replay after a resume.
   */
  drawWith<T>(draw: (rng: Rng) => T): T {
    return draw(this.rng)
  }
}
