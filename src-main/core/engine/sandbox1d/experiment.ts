/**
 * The whole 1-D experiment of the paper's Fig. 3: one preference data set, PopAlign and SFT
 * trained from the same reference on it, and densities on a grid for plotting.
 */
import { Rng } from '../../random/rng'
import { makePreferenceData } from './data'
import { degeneracyFlags, type DegeneracyFlag } from './degeneracy'
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
  /** Every way the fit is degenerate (a weight gone to 0, a σ exploded or collapsed); empty when healthy. */
  readonly flags: readonly DegeneracyFlag[]
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

function modelResult(r: SandboxTrainResult, reference: MixtureSummary): SandboxModelResult {
  const L = r.losses
  return {
    summary: r.summary,
    diverged: r.diverged,
    collapsed: r.collapsed,
    flags: degeneracyFlags(r.summary, reference),
    finalLoss: L.length ? L[L.length - 1] : Number.NaN
  }
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
    popalign: modelResult(pop, refSummary),
    sft: modelResult(sft, refSummary),
    densities: {
      x: ref.x,
      reference: ref.p,
      popalign: densityOnGrid(pop.params, grid.lo, grid.hi, grid.points).p,
      sft: densityOnGrid(sft.params, grid.lo, grid.hi, grid.points).p
    },
    g1Share: { reference: g1Share(refSummary), popalign: g1Share(pop.summary), sft: g1Share(sft.summary) }
  }
}

export interface AlphaCheckRun {
  readonly variant: 'diffusion' | 'likelihood'
  readonly seed: number
  readonly summary: MixtureSummary
  readonly flags: readonly DegeneracyFlag[]
}

export interface AlphaCheckResult {
  readonly alpha: number
  readonly beta: number
  readonly steps: number
  readonly runs: readonly AlphaCheckRun[]
  /** Degenerate runs per variant, out of the seeds. */
  readonly degenerate: { readonly diffusion: number; readonly likelihood: number }
  /** The plain answer: does this α break PopAlign in the default variant, only in the likelihood one, in both or in neither. */
  readonly verdict: string
}

/**
 * The paper's App. F says α = 0.25 diverges. This trains PopAlign at `alpha` in both variants on each
 * seed (same data per seed) and says in one sentence where it breaks down.
 */
export function runAlphaCheck(o: { alpha?: number; beta?: number; steps?: number; seeds?: readonly number[] } = {}): AlphaCheckResult {
  const alpha = o.alpha ?? 0.25
  const beta = o.beta ?? SANDBOX_DEFAULTS.beta
  const steps = o.steps ?? SANDBOX_DEFAULTS.steps
  const seeds = o.seeds ?? [0, 1, 2]
  if (seeds.length === 0) throw new Error('alpha check: give at least one seed')
  const reference = referenceParams()
  const refSummary = summarise(reference)
  const runs: AlphaCheckRun[] = []
  for (const variant of ['diffusion', 'likelihood'] as const) {
    for (const seed of seeds) {
      const data = makePreferenceData(reference, Rng.derive(seed, 'sandbox1d-data'))
      const r = trainSandbox({ method: 'popalign', variant, alpha, beta, steps, seed, reference, data })
      runs.push({ variant, seed, summary: r.summary, flags: degeneracyFlags(r.summary, refSummary) })
    }
  }
  const count = (v: AlphaCheckRun['variant']): number => runs.filter((r) => r.variant === v && r.flags.length > 0).length
  const degenerate = { diffusion: count('diffusion'), likelihood: count('likelihood') }
  const n = seeds.length
  const where =
    degenerate.diffusion === 0 && degenerate.likelihood === 0
      ? 'in neither variant'
      : degenerate.diffusion === 0
        ? 'only in the likelihood variant, not in the default diffusion variant'
        : degenerate.likelihood === 0
          ? 'only in the default diffusion variant, not in the likelihood variant'
          : 'in both variants'
  const verdict =
    `α = ${alpha} (β = ${beta}, ${steps} steps): PopAlign degenerates ${where} ` + `(diffusion: ${degenerate.diffusion} of ${n} seeds degenerate; likelihood: ${degenerate.likelihood} of ${n}).`
  return { alpha, beta, steps, runs, degenerate, verdict }
}
