// The sandbox1d.run method: the paper's 1-D experiment (docs/methods/sandbox1d.md) run on request,
// with its densities on a grid for the renderer's plot and the paper's targets checked. It needs no
// workspace: the experiment is pure computation from (β, α, steps, seed, variant).
import type { Sandbox1dCheck, Sandbox1dMixture, Sandbox1dRun, Sandbox1dSettings } from '@shared/contract'
import type { Handlers } from '../dispatch'
import { ApiFailure } from '../dispatch'
import { runSandboxExperiment, type SandboxModelResult } from '../../engine/sandbox1d/experiment'
import type { MixtureSummary } from '../../engine/sandbox1d/mixture'

type Sandbox1dMethods = Pick<Handlers, 'sandbox1d.run'>

/** The plot's grid: wide enough for the ±7 components' tails, fine enough (step 0.05) for σ ≈ 1 curves. */
export const SANDBOX1D_GRID = { lo: -12, hi: 12, points: 481 } as const

/** π2 of the reference, softmax(1, 0, −1)[1] (docs/methods/sandbox1d.md §Check values). */
const REFERENCE_PI2 = 0.2447284710548

export function sandbox1dHandlers(): Sandbox1dMethods {
  return { 'sandbox1d.run': (settings) => runSandbox1d(settings) }
}

export function runSandbox1d(settings: Sandbox1dSettings): Sandbox1dRun {
  const started = performance.now()
  let r: ReturnType<typeof runSandboxExperiment>
  try {
    r = runSandboxExperiment({ ...settings, grid: SANDBOX1D_GRID })
  } catch (err) {
    // The engine validates its own settings too; its messages name the bad value.
    throw new ApiFailure('bad_request', `sandbox1d.run: ${err instanceof Error ? err.message : String(err)}`)
  }
  const popalign = modelOut(r.popalign, r.densities.popalign)
  const sft = modelOut(r.sft, r.densities.sft)
  return {
    settings: r.settings,
    grid: Array.from(r.densities.x),
    reference: { params: mixtureOut(r.reference)!, density: Array.from(r.densities.reference) },
    popalign,
    sft,
    checks: paperChecks(popalign.params, sft.params),
    targetsApply: settings.beta === 1 && settings.alpha === 0.5 && settings.variant === 'diffusion',
    elapsedMs: Math.round(performance.now() - started)
  }
}

/** The fitted parameters, or null when any is non-finite (JSON would turn NaN into null silently). */
function mixtureOut(s: MixtureSummary): Sandbox1dMixture | null {
  const all = [...s.weights, ...s.means, ...s.stds]
  return all.every(Number.isFinite) ? { weights: [...s.weights], means: [...s.means], stds: [...s.stds] } : null
}

function modelOut(m: SandboxModelResult, density: Float64Array): Sandbox1dRun['popalign'] {
  const params = mixtureOut(m.summary)
  const finite = params !== null && density.every(Number.isFinite)
  return {
    params: finite ? params : null,
    density: finite ? Array.from(density) : null,
    diverged: m.diverged || !finite,
    collapsed: m.collapsed,
    flags: m.flags.map((f) => f.text),
    finalLoss: Number.isFinite(m.finalLoss) ? m.finalLoss : null
  }
}

/**
 * The targets of docs/methods/sandbox1d.md §Targets (paper Fig. 3): PopAlign balances G1/G3 and keeps G2's weight
 * and width; SFT balances G1/G3 but loses G2. A diverged model fails every check it is part of.
 */
export function paperChecks(pop: Sandbox1dMixture | null, sft: Sandbox1dMixture | null): Sandbox1dCheck[] {
  const check = (method: Sandbox1dCheck['method'], quantity: string, target: string, value: number | null, ok: (v: number) => boolean): Sandbox1dCheck => ({
    method,
    quantity,
    target,
    value,
    pass: value !== null && ok(value)
  })
  return [
    check('popalign', '|π1 − π3|', '≤ 0.2', pop && Math.abs(pop.weights[0] - pop.weights[2]), (v) => v <= 0.2),
    check('popalign', '|π2 − 0.2447|', '≤ 0.05', pop && Math.abs(pop.weights[1] - REFERENCE_PI2), (v) => v <= 0.05),
    check('popalign', 'σ2', 'within 20% of 1', pop && pop.stds[1], (v) => Math.abs(v - 1) <= 0.2),
    check('sft', 'π2', '≤ 0.05', sft && sft.weights[1], (v) => v <= 0.05)
  ]
}
