/**
 * The whole 1-D experiment of the paper's Fig. 3: one preference data set, PopAlign and SFT
 * trained from the same reference on it, and densities on a grid for plotting.
 */
import { Rng } from '../rng'
import { makePreferenceData } from './data'
import { densityOnGrid, referenceParams, summarise, type MixtureSummary } from './mixture'
import { SANDBOX_DEFAULTS, trainSandbox, type SandboxTrainOptions, type SandboxTrainResult } from './train'

export interface SandboxExperimentOptions extends Pick<SandboxTrainOptions, 'beta' | 'alpha' | 'steps' | 'batch' | 'lr' | 'seed' | 'variant'> {
  /** Grid for the densities (default [-12, 12], 481 points). */
  readonly grid?: { readonly lo: number; readonly hi: number; readonly points: number }
}

export interface SandboxModelResult {
  readonly summary: MixtureSummary
  readonly diverged: boolean
  readonly collapsed: boolean
  readonly finalLoss: number
}

export interface SandboxExperimentResult {
  readonly settings: Required<Omit<SandboxExperimentOptions, 'grid'>>
  readonly reference: MixtureSummary
  readonly popalign: SandboxModelResult
  readonly sft: SandboxModelResult
  readonly densities: {
    readonly x: Float64Array
    readonly reference: Float64Array
    readonly popalign: Float64Array
    readonly sft: Float64Array
  }
  /** Share of G1 within G1+G3: the attribute balance the preferences ask to make 0.5. */
  readonly g1Share: { readonly reference: number; readonly popalign: number; readonly sft: number }
}

function modelResult(r: SandboxTrainResult): SandboxModelResult {
  const L = r.losses
  return { summary: r.summary, diverged: r.diverged, collapsed: r.collapsed, finalLoss: L.length ? L[L.length - 1] : Number.NaN }
}

function g1Share(s: MixtureSummary): number {
  const w = s.weights
  return w[0] / (w[0] + w[w.length - 1])
}

export function runSandboxExperiment(o: SandboxExperimentOptions = {}): SandboxExperimentResult {
  const d = SANDBOX_DEFAULTS
  const settings = {
    beta: o.beta ?? d.beta,
    alpha: o.alpha ?? d.alpha,
    steps: o.steps ?? d.steps,
    batch: o.batch ?? d.batch,
    lr: o.lr ?? d.lr,
    seed: o.seed ?? d.seed,
    variant: o.variant ?? d.variant
  }
  const reference = referenceParams()
  const data = makePreferenceData(reference, Rng.derive(settings.seed, 'sandbox1d-data'))
  const common = { ...settings, reference, data }
  const pop = trainSandbox({ ...common, method: 'popalign' })
  const sft = trainSandbox({ ...common, method: 'sft' })
  const grid = o.grid ?? { lo: -12, hi: 12, points: 481 }
  const ref = densityOnGrid(reference, grid.lo, grid.hi, grid.points)
  const refSummary = summarise(reference)
  return {
    settings,
    reference: refSummary,
    popalign: modelResult(pop),
    sft: modelResult(sft),
    densities: {
      x: ref.x,
      reference: ref.p,
      popalign: densityOnGrid(pop.params, grid.lo, grid.hi, grid.points).p,
      sft: densityOnGrid(sft.params, grid.lo, grid.hi, grid.points).p
    },
    g1Share: { reference: g1Share(refSummary), popalign: g1Share(pop.summary), sft: g1Share(sft.summary) }
  }
}
