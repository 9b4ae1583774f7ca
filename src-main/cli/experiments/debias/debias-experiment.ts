// The Debias experiment (docs/methods/debias-weighting.md, issue 9 item 5): the same DiT trained with the constant and
// with the 1/sqrt(SNR) epsilon-loss weight, as a fair test of the paper's claim that 1/sqrt(SNR) reaches
// a given sample quality in fewer steps:
//  - both arms start from the same weights and see the same batches, timesteps and noise (the RNG stream
//    does not depend on the weighting);
//  - Adam with a warm-up and cosine decay of the learning rate, and an EMA of the weights that every
//    evaluation samples from (as the reference does);
//  - evaluations at fixed steps with two samplers (DDPM 100 steps and DDPM 10 steps), each metric with a
//    bootstrap interval over images, and the held-out epsilon and x0 error per timestep bin;
//  - one arm is one resumable unit: a checkpoint (weights, Adam, EMA, RNG, losses, curve so far) is
//    written every `checkpointEvery` steps and a re-run continues from it.
// The CLI (src-main/cli/debias-experiment.ts) runs the two arms of a seed at the same time, one process
// per core, and writes the comparison.
import { existsSync, readFileSync } from 'node:fs'
import { emptyMoments, addToMoments, fitGaussian, prepareReference, frechetToReference, type PreparedReference } from '../../../core/stats/frechet'
import type { Classification } from '../../../core/classifier/classifier'
import { classifyImages } from '../../../core/classifier/world-classifier'
import { writeFileAtomicSync } from '../../../core/fs/atomic-write'
import { neutralPromptSet } from '../../../core/world/prompts'
import { CHANNELS } from '../../../core/world/renderer'
import { decodeCheckpoint, encodeCheckpoint } from '../../../core/engine/checkpoint/format'
import { qSample } from '../../../core/engine/diffusion/forward'
import { makeSchedule, type NoiseSchedule } from '../../../core/engine/diffusion/schedule'
import { lossWeights, type LossWeighting } from '../../../core/engine/diffusion/weights'
import { ditParameters, patchDim, patchify, tokenCount } from '../../../core/engine/model/dit-spec'
import { DiTModel, initDiTParams, type DiTParams } from '../../../core/engine/model/dit-tf'
import { OrtDenoiser } from '../../../core/engine/onnx/ort-denoiser'
import { imageSeeds } from '../../../core/engine/onnx/sample-images'
import { openSampler, type Sampler } from '../../../core/sampling/host'
import { Rng } from '../../../core/random/rng'
import { biasCorrectedInterval } from '../../../core/stats/bootstrap'
import type { Tf } from '../../../core/engine/tf/backend'
import { Adam, type AdamSettings } from '../../../core/engine/train/adam'
import { drawBatch } from '../../../core/engine/train/batch'
import { parseTrainConfig, type TrainConfig } from '../../../core/engine/train/config'
import type { DataSource } from '../../../core/engine/train/data-source'
import { adamStepOnBatch } from '../../../core/engine/train/trainer'
import { WeightAverage } from '../../../core/engine/train/ema'
import { meanRgb } from '../../../core/evaluation/colour'
import { promptStats } from '../../../core/evaluation/prompt-metrics'
import { renderReference } from '../../../core/evaluation/reference'
import type { SamplingSettings } from '../../../core/evaluation/sample-prompts'
import { processClassifierDir } from '../../process-config'

export interface NamedSampling extends SamplingSettings {
  /** Key in the results, e.g. "ddpm100". */
  name: string
}

/** Everything that defines a run; two arms or a resumed arm must agree on all of it. */
export interface DebiasPlan {
  /** The shared recipe; `weighting` and `seed` are set per arm, `learningRate` is the peak. */
  config: TrainConfig
  /** Linear warm-up over this many steps, then cosine decay to `finalLearningRate` at the last step. */
  warmupSteps: number
  finalLearningRate: number
  /** EMA of the weights: decay min(emaDecay, (1 + step) / (10 + step)). */
  emaDecay: number
  /** Steps after which the EMA weights are evaluated (fixed before the run). */
  evalSteps: number[]
  samplers: NamedSampling[]
  /** Images per neutral prompt (9 prompts). */
  perPrompt: number
  /** Bootstrap resamples per interval. */
  resamples: number
  /** Held-out images for the per-timestep error, and how many equal timestep bins. */
  heldOut: number
  timestepBins: number
  /** Images per prompt kept from the last evaluation for the contact sheets. */
  sheetPerPrompt: number
  checkpointEvery: number
}

export interface Estimate {
  value: number
  /** 95% bootstrap interval (images resampled within each prompt), re-centred on the estimate. */
  low: number
  high: number
}

export interface SamplerMetrics {
  conceptAccuracy: Estimate
  /** Squared Frechet distance of classifier features to real renders of the same prompts (the studio's FID). */
  frechet: Estimate
  /** The same distance between two independent sets of real renders: the estimator's floor. */
  frechetFloor: number
  /** Mean over prompts of |mean RGB(samples) - mean RGB(renders)|, pixels in [-1, 1]. */
  colourShift: Estimate
}

export interface TimestepBinError {
  /** Bin [lo, hi) of training timesteps; the error is measured at its centre t. */
  lo: number
  hi: number
  t: number
  /** Unweighted held-out epsilon MSE (what the constant weighting trains). */
  epsMse: number
  /** The implied x0 error, epsMse (1 - abar) / abar: the docs/methods/diffusion.md §Parameterisations amplification by 1/SNR. */
  x0Mse: number
}

export interface ArmPoint {
  step: number
  learningRate: number
  /** Mean training loss since the previous point (weighted: not comparable across arms). */
  meanLoss: number
  trainSeconds: number
  evalSeconds: number
  samplers: Record<string, SamplerMetrics>
  timestepError: TimestepBinError[]
}

export interface ArmResult {
  weighting: LossWeighting
  seed: number
  steps: number
  points: ArmPoint[]
  finished: boolean
}

/** The default plan of docs/debias-experiment.md (fixed before the run). */
export function defaultDebiasPlan(config: TrainConfig, overrides: Partial<Omit<DebiasPlan, 'config'>> = {}): DebiasPlan {
  const steps = config.steps
  const every = Math.max(1, Math.round(steps / 12))
  const evalSteps: number[] = []
  for (let s = every; s < steps; s += every) evalSteps.push(s)
  evalSteps.push(steps)
  const plan: DebiasPlan = {
    config,
    warmupSteps: Math.min(200, Math.floor(steps / 10)),
    finalLearningRate: config.learningRate / 100,
    emaDecay: 0.999,
    evalSteps,
    samplers: [
      { name: 'ddpm100', sampler: 'ddpm', steps: 100, guidance: 1, seed: 4321 },
      { name: 'ddpm10', sampler: 'ddpm', steps: 10, guidance: 1, seed: 4321 }
    ],
    perPrompt: 64,
    resamples: 200,
    heldOut: 256,
    timestepBins: 10,
    sheetPerPrompt: 8,
    checkpointEvery: 250,
    ...overrides
  }
  if (overrides.sheetPerPrompt === undefined) plan.sheetPerPrompt = Math.min(8, plan.perPrompt)
  return plan
}

export function checkPlan(p: DebiasPlan): void {
  const total = p.config.steps
  if (!Number.isInteger(p.warmupSteps) || p.warmupSteps < 0 || p.warmupSteps >= total) throw new Error(`debias plan: warm-up must be an integer in [0, ${total}), got ${p.warmupSteps}`)
  if (!(p.finalLearningRate > 0 && p.finalLearningRate <= p.config.learningRate))
    throw new Error(`debias plan: final learning rate must be in (0, ${p.config.learningRate}], got ${p.finalLearningRate}`)
  if (!(p.emaDecay >= 0 && p.emaDecay < 1)) throw new Error(`debias plan: EMA decay must be in [0, 1), got ${p.emaDecay}`)
  if (p.evalSteps.length === 0 || !p.evalSteps.every((s, i) => Number.isInteger(s) && s > 0 && s <= total && (i === 0 || s > p.evalSteps[i - 1]))) {
    throw new Error(`debias plan: evaluation steps must increase within 1..${total}, got ${p.evalSteps.join(',')}`)
  }
  if (p.evalSteps[p.evalSteps.length - 1] !== total) throw new Error('debias plan: the last evaluation must be at the last step')
  if (p.samplers.length === 0 || new Set(p.samplers.map((s) => s.name)).size !== p.samplers.length) throw new Error('debias plan: give samplers with distinct names')
  for (const [name, v] of [
    ['perPrompt', p.perPrompt],
    ['resamples', p.resamples],
    ['heldOut', p.heldOut],
    ['timestepBins', p.timestepBins],
    ['checkpointEvery', p.checkpointEvery]
  ] as const) {
    if (!Number.isInteger(v) || v < 1) throw new Error(`debias plan: ${name} must be a positive integer, got ${v}`)
  }
  if (p.perPrompt < 2) throw new Error('debias plan: need at least 2 images per prompt')
  if (!Number.isInteger(p.sheetPerPrompt) || p.sheetPerPrompt < 0 || p.sheetPerPrompt > p.perPrompt) throw new Error(`debias plan: sheetPerPrompt must be in [0, ${p.perPrompt}]`)
}

/** Learning rate of the update that takes the model from `step` to `step + 1` (0-based). */
export function learningRateAt(step: number, peak: number, final: number, warmup: number, total: number): number {
  if (step < warmup) return (peak * (step + 1)) / warmup
  const span = Math.max(1, total - 1 - warmup)
  const progress = Math.min(1, (step - warmup) / span)
  return final + 0.5 * (peak - final) * (1 + Math.cos(Math.PI * progress))
}

/** What must match for a checkpoint to be resumed or two arms to be compared. */
export function planKey(p: DebiasPlan): string {
  const { config, ...rest } = p
  return JSON.stringify({ ...rest, config: { ...config, weighting: 'per arm', seed: 'per arm' } })
}

// ---------------------------------------------------------------------------------------------------
// Training one arm

const ARM_KIND = 'popalign-debias-arm'

/** One arm's model, Adam (with a learning rate the schedule sets per step), EMA weights and RNG stream. */
export class ArmTrainer {
  readonly config: TrainConfig
  readonly model: DiTModel
  readonly schedule: NoiseSchedule
  readonly losses: number[]
  readonly learningRates: number[]
  private readonly adam: Adam
  private readonly adamSettings: AdamSettings
  private readonly ema: WeightAverage
  private readonly weightTable: Float64Array
  private rng: Rng

  constructor(
    private readonly tf: Tf,
    readonly plan: DebiasPlan,
    weighting: LossWeighting,
    seed: number,
    private readonly data: DataSource
  ) {
    checkPlan(plan)
    this.config = parseTrainConfig({ ...plan.config, weighting, seed })
    this.schedule = makeSchedule(this.config.schedule, this.config.timesteps)
    this.weightTable = lossWeights(this.config.weighting, this.schedule, this.config.weightOptions)
    // The same derivations as Trainer, so a seed gives the same start and batches in both arms.
    const initRng = Rng.derive(this.config.seed, 'init')
    this.model = new DiTModel(
      tf,
      this.config.model,
      initDiTParams(this.config.model, () => initRng.normal())
    )
    // Adam reads its settings object at every update, so the schedule sets the rate through it.
    this.adamSettings = { learningRate: this.config.learningRate, beta1: this.config.beta1, beta2: this.config.beta2, eps: this.config.adamEps }
    this.adam = new Adam(tf, this.model.params, this.adamSettings)
    this.ema = new WeightAverage(tf, this.model.params)
    this.rng = Rng.derive(this.config.seed, 'train')
    this.losses = []
    this.learningRates = []
  }

  get step(): number {
    return this.adam.step
  }

  get done(): boolean {
    return this.step >= this.config.steps
  }

  trainStep(): number {
    const tf = this.tf
    const p = this.plan
    const lr = learningRateAt(this.step, this.config.learningRate, p.finalLearningRate, p.warmupSteps, this.config.steps)
    this.adamSettings.learningRate = lr
    const batch = drawBatch(this.config, this.schedule, this.weightTable, this.data, this.rng)
    const loss = adamStepOnBatch(tf, this.model, this.adam, batch)
    if (!Number.isFinite(loss)) throw new Error(`debias experiment: ${this.config.weighting} loss became ${loss} at step ${this.step}`)
    this.ema.update(this.model.params, this.step, p.emaDecay)
    this.losses.push(loss)
    this.learningRates.push(lr)
    return loss
  }

  emaParams(): DiTParams {
    return this.ema.export()
  }

  /** The checkpoint file: weights, Adam moments and EMA as tensors; step, RNG, losses and `extra` in the header. */
  encode(extra: Record<string, unknown>): Buffer {
    const specs = ditParameters(this.config.model)
    const adam = this.adam.exportState()
    const params = this.model.exportParams()
    const ema = this.emaParams()
    const tensors: { name: string; shape: number[]; data: Float32Array }[] = []
    for (const [prefix, table] of [
      ['param', params],
      ['adam.m', adam.m],
      ['adam.v', adam.v],
      ['ema', ema]
    ] as const) {
      for (const s of specs) tensors.push({ name: `${prefix}/${s.name}`, shape: s.shape, data: table[s.name] })
    }
    const meta = {
      kind: ARM_KIND,
      plan: planKey(this.plan),
      weighting: this.config.weighting,
      seed: this.config.seed,
      step: this.step,
      rng: this.rng.getState(),
      losses: this.losses,
      learningRates: this.learningRates,
      ...extra
    }
    return encodeCheckpoint(meta, tensors)
  }

  /** Restores a checkpoint written by `encode` for the same plan, weighting and seed; returns its header. */
  restore(buf: Uint8Array, label: string): Record<string, unknown> {
    const { meta, tensors } = decodeCheckpoint(buf, label)
    if (meta.kind !== ARM_KIND) throw new Error(`${label} is not a Debias experiment checkpoint`)
    if (meta.plan !== planKey(this.plan) || meta.weighting !== this.config.weighting || meta.seed !== this.config.seed) {
      throw new Error(`${label} was written by a different plan, weighting or seed; delete it or choose another --out`)
    }
    const table = (prefix: string): DiTParams => {
      const out: DiTParams = {}
      for (const s of ditParameters(this.config.model)) {
        const t = tensors.get(`${prefix}/${s.name}`)
        if (!t) throw new Error(`${label} has no tensor ${prefix}/${s.name}`)
        out[s.name] = t.data
      }
      return out
    }
    const step = meta.step as number
    this.model.loadParams(table('param'))
    this.adam.loadState({ step, m: table('adam.m'), v: table('adam.v') })
    this.ema.load(table('ema'))
    this.rng = Rng.fromState(meta.rng)
    this.losses.splice(0, this.losses.length, ...(meta.losses as number[]))
    this.learningRates.splice(0, this.learningRates.length, ...(meta.learningRates as number[]))
    if (this.losses.length !== step) throw new Error(`${label} has ${this.losses.length} losses for ${step} steps`)
    return meta
  }

  dispose(): void {
    this.adam.dispose()
    this.model.dispose()
    this.ema.dispose()
  }
}

// ---------------------------------------------------------------------------------------------------
// Evaluation

/**
 * The report's own 95% interval (core/stats/bootstrap.ts): bootstrap draws shifted by their bias, since
 * resampling images with replacement duplicates some and inflates the Frechet distance and the
 * colour-shift length; the interval always contains the estimate.
 */
export function bootstrapInterval(value: number, draws: Float64Array): Estimate {
  const ci = biasCorrectedInterval(value, draws)
  return ci ? { value, low: ci.low, high: ci.high } : { value, low: Number.NaN, high: Number.NaN }
}

interface Reference {
  prompts: string[]
  renders: Float32Array
  rendersRgb: [number, number, number][]
  prepared: PreparedReference
  frechetFloor: number
}

/** Per-process evaluation state: real renders (classified once), the held-out set for the timestep error. */
export class ArmEvaluator {
  private readonly references = new Map<number, Reference>()
  private heldOut: { x0: Float32Array; cond: Float32Array; eps: Float32Array } | null = null

  constructor(
    readonly plan: DebiasPlan,
    private readonly heldOutSource: () => DataSource
  ) {}

  private async reference(seed: number): Promise<Reference> {
    const cached = this.references.get(seed)
    if (cached) return cached
    const p = this.plan
    const prompts = neutralPromptSet()
    const size = p.config.model.imageSize
    const n = prompts.length * p.perPrompt
    const renders = renderReference(prompts, p.perPrompt, seed, size)
    const floorSet = renderReference(prompts, p.perPrompt, seed + 1, size)
    const [cr, cf] = await Promise.all([classifyImages(processClassifierDir(), renders, n), classifyImages(processClassifierDir(), floorSet, n)])
    const prepared = prepareReference(fitOf(cr, allIndices(n)))
    const per = size * size * CHANNELS * p.perPrompt
    const rendersRgb = prompts.map((_, k) => meanRgb(renders.subarray(k * per, (k + 1) * per), p.perPrompt))
    const frechetFloor = frechetToReference(prepared, fitOf(cf, allIndices(n))) ** 2
    const ref = { prompts, renders, rendersRgb, prepared, frechetFloor }
    this.references.set(seed, ref)
    return ref
  }

  private heldOutSet(): { x0: Float32Array; cond: Float32Array; eps: Float32Array } {
    if (this.heldOut) return this.heldOut
    const m = this.plan.config.model
    const n = this.plan.heldOut
    const batch = this.heldOutSource().sampleBatch(Rng.derive(2024, 'debias-heldout'), n)
    const x0 = patchify(batch.images, n, m)
    const eps = Rng.derive(2024, 'debias-heldout-noise').fillNormal(new Float32Array(x0.length))
    this.heldOut = { x0, cond: batch.cond, eps }
    return this.heldOut
  }

  /** Samples from `params` with every sampler of the plan and measures quality and the per-timestep error. */
  async evaluate(params: DiTParams): Promise<{ samplers: Record<string, SamplerMetrics>; timestepError: TimestepBinError[]; sheets: Record<string, Float32Array> }> {
    const p = this.plan
    const c = p.config.model
    const schedule = makeSchedule(p.config.schedule, p.config.timesteps)
    // Images come from the one sampler (its worker); the per-timestep error needs only forward passes here.
    const sampler = await openSampler({ kind: 'dit', config: p.config, params })
    const denoiser = await OrtDenoiser.fromParams(c, params)
    try {
      const samplers: Record<string, SamplerMetrics> = {}
      const sheets: Record<string, Float32Array> = {}
      for (const s of p.samplers) {
        const ref = await this.reference(s.seed)
        const images = await samplePlanPrompts(p, sampler, ref.prompts, s)
        samplers[s.name] = await this.metrics(images, ref)
        sheets[s.name] = sheetImages(images, ref.prompts.length, p.perPrompt, p.sheetPerPrompt, c.imageSize)
      }
      return { samplers, timestepError: await this.timestepError(denoiser, schedule), sheets }
    } finally {
      await denoiser.dispose()
      await sampler.dispose()
    }
  }

  private async metrics(images: Float32Array, ref: Reference): Promise<SamplerMetrics> {
    const p = this.plan
    const per = p.perPrompt
    const P = ref.prompts.length
    const n = P * per
    const size = p.config.model.imageSize
    const px = size * size * CHANNELS
    const results = await classifyImages(processClassifierDir(), images, n)
    const hit = results.map((r, i) => promptStats(ref.prompts[Math.floor(i / per)], [r]).conceptAccuracy)
    const rgb = Array.from({ length: n }, (_, i) => meanRgb(images.subarray(i * px, (i + 1) * px), 1))
    const dim = results[0]?.features?.length ?? 0
    if (dim === 0) throw new Error('debias experiment: the classifier gives no penultimate features')

    const stats = (idx: Int32Array): [number, number, number] => {
      let acc = 0
      let shift = 0
      for (let k = 0; k < P; k++) {
        let h = 0
        const m = [0, 0, 0]
        for (let j = 0; j < per; j++) {
          const i = idx[k * per + j]
          h += hit[i]
          for (let ch = 0; ch < 3; ch++) m[ch] += rgb[i][ch] / per
        }
        acc += h / per / P
        shift += Math.hypot(m[0] - ref.rendersRgb[k][0], m[1] - ref.rendersRgb[k][1], m[2] - ref.rendersRgb[k][2]) / P
      }
      return [acc, frechetToReference(ref.prepared, fitOf(results, idx)) ** 2, shift]
    }
    const observed = stats(allIndices(n))
    const draws = [new Float64Array(p.resamples), new Float64Array(p.resamples), new Float64Array(p.resamples)]
    // The same resampling stream at every point and in both arms.
    const rng = Rng.derive(7, 'debias-bootstrap')
    const idx = new Int32Array(n)
    for (let r = 0; r < p.resamples; r++) {
      for (let k = 0; k < P; k++) for (let j = 0; j < per; j++) idx[k * per + j] = k * per + rng.int(per)
      const s = stats(idx)
      for (let m = 0; m < 3; m++) draws[m][r] = s[m]
    }
    return {
      conceptAccuracy: bootstrapInterval(observed[0], draws[0]),
      frechet: bootstrapInterval(observed[1], draws[1]),
      frechetFloor: ref.frechetFloor,
      colourShift: bootstrapInterval(observed[2], draws[2])
    }
  }

  private async timestepError(denoiser: OrtDenoiser, schedule: NoiseSchedule): Promise<TimestepBinError[]> {
    const p = this.plan
    const c = p.config.model
    const n = p.heldOut
    const set = this.heldOutSet()
    const sample = tokenCount(c) * patchDim(c)
    const T = schedule.T
    const out: TimestepBinError[] = []
    for (let b = 0; b < p.timestepBins; b++) {
      const lo = Math.floor((b * T) / p.timestepBins)
      const hi = Math.floor(((b + 1) * T) / p.timestepBins)
      const t = Math.floor((lo + hi - 1) / 2)
      const ts = new Int32Array(n).fill(t)
      const xt = qSample(schedule, set.x0, set.eps, ts, sample)
      const pred = await denoiser.denoise(xt, ts, set.cond, n)
      let se = 0
      for (let i = 0; i < pred.length; i++) se += (pred[i] - set.eps[i]) ** 2
      const epsMse = se / pred.length
      const ab = schedule.alphasCumprod[t]
      out.push({ lo, hi, t, epsMse, x0Mse: (epsMse * (1 - ab)) / ab })
    }
    return out
  }
}

/** `plan.perPrompt` images of each prompt with one of the plan's samplers: the same per-image seeds at every evaluation and in both arms. */
export function samplePlanPrompts(plan: DebiasPlan, sampler: Sampler, prompts: readonly string[], s: NamedSampling): Promise<Float32Array> {
  const texts = prompts.flatMap((q) => new Array<string>(plan.perPrompt).fill(q))
  return sampler.sample({ prompts: texts, seeds: imageSeeds(s.seed, texts.length), sampler: s.sampler, steps: s.steps, guidance: s.guidance, chunk: 256 })
}

function allIndices(n: number): Int32Array {
  return Int32Array.from({ length: n }, (_, i) => i)
}

function fitOf(results: readonly Classification[], idx: Int32Array) {
  const dim = results[0]?.features?.length ?? 0
  const m = emptyMoments(dim)
  for (const i of idx) {
    const f = results[i].features
    if (!f || f.length !== dim) throw new Error(`debias experiment: image ${i} has no classifier features`)
    addToMoments(m, f)
  }
  return fitGaussian(m)
}

/** The first `keep` images of each prompt, prompt after prompt. */
function sheetImages(images: Float32Array, prompts: number, perPrompt: number, keep: number, size: number): Float32Array {
  const px = size * size * CHANNELS
  const out = new Float32Array(prompts * keep * px)
  for (let k = 0; k < prompts; k++) out.set(images.subarray(k * perPrompt * px, (k * perPrompt + keep) * px), k * keep * px)
  return out
}

// ---------------------------------------------------------------------------------------------------
// One arm, resumable

export interface RunArmOptions {
  tf: Tf
  plan: DebiasPlan
  weighting: LossWeighting
  seed: number
  data: () => DataSource
  /** Checkpoint file of this arm; resumed from when it exists. */
  checkpointPath: string
  /** Stop (after checkpointing) once this many steps are done: for tests of the resume. */
  stopAfter?: number
  /** Receives the last evaluation's sample images per sampler (first sheetPerPrompt per prompt). */
  onSheets?: (sheets: Record<string, Float32Array>, step: number) => void
  onLog?: (line: string) => void
}

export async function runArm(o: RunArmOptions): Promise<ArmResult> {
  const log = o.onLog ?? (() => {})
  const arm = new ArmTrainer(o.tf, o.plan, o.weighting, o.seed, o.data())
  const evaluator = new ArmEvaluator(o.plan, o.data)
  const points: ArmPoint[] = []
  let trainSeconds = 0
  const save = (): void => writeFileAtomicSync(o.checkpointPath, arm.encode({ points, trainSeconds }))
  try {
    if (existsSync(o.checkpointPath)) {
      const meta = arm.restore(readFileSync(o.checkpointPath), o.checkpointPath)
      points.push(...(meta.points as ArmPoint[]))
      trainSeconds = meta.trainSeconds as number
      log(`${o.weighting} seed ${o.seed}: resumed at step ${arm.step}`)
    }
    const evalSet = new Set(o.plan.evalSteps)
    let lastPoint = points.length ? points[points.length - 1].step : 0
    while (!arm.done) {
      if (o.stopAfter !== undefined && arm.step >= o.stopAfter) break
      const t0 = performance.now()
      arm.trainStep()
      trainSeconds += (performance.now() - t0) / 1000
      const step = arm.step
      if (evalSet.has(step)) {
        const e0 = performance.now()
        const q = await evaluator.evaluate(arm.emaParams())
        const recent = arm.losses.slice(lastPoint)
        const point: ArmPoint = {
          step,
          learningRate: arm.learningRates[step - 1],
          meanLoss: recent.reduce((a, b) => a + b, 0) / recent.length,
          trainSeconds,
          evalSeconds: (performance.now() - e0) / 1000,
          samplers: q.samplers,
          timestepError: q.timestepError
        }
        points.push(point)
        lastPoint = step
        o.onSheets?.(q.sheets, step)
        const f = (name: string): string => {
          const m = q.samplers[name]
          return `${name} frechet ${m.frechet.value.toFixed(1)} [${m.frechet.low.toFixed(1)}, ${m.frechet.high.toFixed(1)}] colour ${m.colourShift.value.toFixed(3)} concept ${(100 * m.conceptAccuracy.value).toFixed(1)}%`
        }
        log(
          `${o.weighting} seed ${o.seed} step ${step} lr ${point.learningRate.toExponential(2)} loss ${point.meanLoss.toFixed(4)}: ${o.plan.samplers.map((s) => f(s.name)).join('; ')} (${trainSeconds.toFixed(0)} s training)`
        )
        save()
      } else if (step % o.plan.checkpointEvery === 0) {
        save()
      }
    }
    if (o.stopAfter !== undefined && !arm.done) save()
    return { weighting: o.weighting, seed: o.seed, steps: arm.step, points, finished: arm.done }
  } finally {
    arm.dispose()
  }
}

// ---------------------------------------------------------------------------------------------------
// The success measure (fixed in docs/debias-experiment.md before the run)

/**
 * First training step at which `curve` reaches `target` or better (lower), interpolated linearly between
 * the last evaluation above it and the first at or below; null when it never does.
 */
export function stepsToReach(curve: readonly { step: number; value: number }[], target: number): number | null {
  for (let i = 0; i < curve.length; i++) {
    if (curve[i].value <= target) {
      if (i === 0) return curve[0].step
      const a = curve[i - 1]
      const b = curve[i]
      return a.step + ((a.value - target) / (a.value - b.value)) * (b.step - a.step)
    }
  }
  return null
}

export interface SeedVerdict {
  seed: number
  sampler: string
  /** The constant arm's Frechet distance at its last step: the quality to reach. */
  target: Estimate
  /** Steps the 1/sqrt(SNR) arm needs to reach it (null: not within the run). */
  debiasSteps: number | null
  /** total steps / debiasSteps: how many times fewer steps debias needs (null when it never gets there). */
  speedUp: number | null
  /** The reverse: steps the constant arm needs to reach the debias arm's final quality. */
  constantStepsToDebiasFinal: number | null
  debiasFinal: Estimate
}

/** The bar fixed before the run: the claim counts as supported on a seed when the speed-up is at least this. */
export const SUPPORT_SPEED_UP = 1.5

export function seedVerdict(constant: ArmResult, debias: ArmResult, sampler: string): SeedVerdict {
  if (constant.seed !== debias.seed) throw new Error('seedVerdict: the arms have different seeds')
  const curve = (a: ArmResult) => a.points.map((p) => ({ step: p.step, value: p.samplers[sampler].frechet.value }))
  const cLast = constant.points[constant.points.length - 1]
  const dLast = debias.points[debias.points.length - 1]
  const target = cLast.samplers[sampler].frechet
  const debiasSteps = stepsToReach(curve(debias), target.value)
  return {
    seed: constant.seed,
    sampler,
    target,
    debiasSteps,
    speedUp: debiasSteps === null ? null : cLast.step / debiasSteps,
    constantStepsToDebiasFinal: stepsToReach(curve(constant), dLast.samplers[sampler].frechet.value),
    debiasFinal: dLast.samplers[sampler].frechet
  }
}

/** "supported" when every seed's speed-up is >= SUPPORT_SPEED_UP, "not supported" when none is, else "mixed". */
export function overallVerdict(seeds: readonly SeedVerdict[]): 'supported' | 'not supported' | 'mixed' {
  const ok = seeds.map((s) => s.speedUp !== null && s.speedUp >= SUPPORT_SPEED_UP)
  if (ok.every(Boolean)) return 'supported'
  if (!ok.some(Boolean)) return 'not supported'
  return 'mixed'
}
