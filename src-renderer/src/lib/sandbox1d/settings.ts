// The 1-D sandbox's form: limits, presets and the check that turns what was typed into a call. The
// server checks the same limits (contract 'sandbox1d.run'); checking here too lets the screen say
// what is wrong before a round trip, and keeps Run disabled while a field is empty.
import type { Input } from '@shared/contract'

export type Sandbox1dVariant = 'diffusion' | 'likelihood'
export type Sandbox1dRequest = Required<Input<'sandbox1d.run'>>

/** Mirrors SANDBOX1D_MAX_STEPS of the contract (not imported: that would bundle zod into the renderer). */
export const MAX_STEPS = 3000

export const LIMITS = {
  beta: { min: 0.05, max: 1000, sliderMax: 20, step: 0.05 },
  alpha: { min: 0, max: 1, step: 0.05 },
  steps: { min: 1, max: MAX_STEPS, step: 100 },
  seed: { min: 0, max: 2 ** 32 - 1 }
} as const

export const DEFAULTS: Sandbox1dRequest = { beta: 1, alpha: 0.5, steps: 2000, seed: 0, variant: 'diffusion' }

export interface Preset {
  readonly label: string
  readonly why: string
  readonly settings: Partial<Sandbox1dRequest>
}

export const PRESETS: readonly Preset[] = [
  { label: 'Paper (β 1, α 0.5)', why: "The setting of the paper's Fig. 3, where the targets apply.", settings: { beta: 1, alpha: 0.5, variant: 'diffusion', steps: 2000 } },
  { label: 'α 0.25', why: 'Appendix F: a normaliser weighted toward losers.', settings: { alpha: 0.25 } },
  { label: 'α 0.75', why: 'Appendix F: lower discrepancy.', settings: { alpha: 0.75 } },
  { label: 'β 10', why: 'A larger β stays closer to the reference.', settings: { beta: 10 } }
]

export const VARIANTS: ReadonlyArray<{ value: Sandbox1dVariant; label: string; detail: string }> = [
  {
    value: 'diffusion',
    label: 'Diffusion ε-loss',
    // The reasoning is in docs/methods/sandbox1d.md (§Which variant reproduces Fig. 3); a path to the
    // source tree means nothing on screen.
    detail: "The same ε-prediction loss as the image model: the variant that reproduces the paper's Fig. 3."
  },
  {
    value: 'likelihood',
    label: 'Exact likelihood',
    detail: 'PopAlign on exact log-likelihoods. Run to convergence, it also loses G2 (π2 → 0 or σ2 → 0): nothing in the data anchors G2.'
  }
]

export interface FormValues {
  beta: number | null
  alpha: number | null
  steps: number | null
  seed: number | null
  variant: Sandbox1dVariant
}

export type Checked = { ok: true; request: Sandbox1dRequest } | { ok: false; errors: string[] }

function finite(v: number | null | undefined): v is number {
  return typeof v === 'number' && Number.isFinite(v)
}

export function checkForm(f: FormValues): Checked {
  const errors: string[] = []
  const { beta, alpha, steps, seed } = f
  if (!finite(beta) || beta < LIMITS.beta.min || beta > LIMITS.beta.max) errors.push(`β must be a number from ${LIMITS.beta.min} to ${LIMITS.beta.max}.`)
  if (!finite(alpha) || alpha < LIMITS.alpha.min || alpha > LIMITS.alpha.max) errors.push('α must be a number from 0 to 1.')
  if (!finite(steps) || !Number.isInteger(steps) || steps < LIMITS.steps.min || steps > LIMITS.steps.max) {
    errors.push(`Steps must be a whole number from 1 to ${LIMITS.steps.max}.`)
  }
  if (!finite(seed) || !Number.isInteger(seed) || seed < LIMITS.seed.min || seed > LIMITS.seed.max) errors.push('The seed must be a whole number from 0 to 4294967295.')
  if (f.variant !== 'diffusion' && f.variant !== 'likelihood') errors.push(`Unknown variant "${String(f.variant)}".`)
  if (errors.length > 0) return { ok: false, errors }
  return { ok: true, request: { beta: beta!, alpha: alpha!, steps: steps!, seed: seed!, variant: f.variant } }
}

/** A file name that says what the plot shows, e.g. popalign-1d_diffusion_beta1_alpha0.5_steps2000_seed0.svg. */
export function exportName(s: Sandbox1dRequest, ext: 'svg' | 'png'): string {
  return `popalign-1d_${s.variant}_beta${s.beta}_alpha${s.alpha}_steps${s.steps}_seed${s.seed}.${ext}`
}
