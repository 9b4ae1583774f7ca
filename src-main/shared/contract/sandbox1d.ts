// The paper's 1-D mixture experiment (docs/methods/sandbox1d.md): PopAlign vs SFT densities.
import { z } from 'zod'
import { method } from './common'

export const Sandbox1dVariant = z.enum(['diffusion', 'likelihood'])
export type Sandbox1dVariant = z.infer<typeof Sandbox1dVariant>
/** Steps are capped so one call (PopAlign + SFT, run in the serving process) stays within a few seconds. */
export const SANDBOX1D_MAX_STEPS = 3000
export const Sandbox1dSettings = z
  .object({
    beta: z.number().positive().max(1000).default(1),
    alpha: z.number().min(0).max(1).default(0.5),
    steps: z.number().int().min(1).max(SANDBOX1D_MAX_STEPS).default(2000),
    seed: z
      .number()
      .int()
      .min(0)
      .max(2 ** 32 - 1)
      .default(0),
    variant: Sandbox1dVariant.default('diffusion')
  })
  .strict()
export type Sandbox1dSettings = z.infer<typeof Sandbox1dSettings>
/** A fitted three-Gaussian mixture, components in the order G1 (−7), G2 (0), G3 (+7). */
export const Sandbox1dMixture = z.object({ weights: z.array(z.number()), means: z.array(z.number()), stds: z.array(z.number()) })
export type Sandbox1dMixture = z.infer<typeof Sandbox1dMixture>
export const Sandbox1dModel = z.object({
  /** Null when training diverged to non-finite parameters. */
  params: Sandbox1dMixture.nullable(),
  /** Density on the grid; null when diverged. */
  density: z.array(z.number()).nullable(),
  diverged: z.boolean(),
  collapsed: z.boolean(),
  /** Plain sentences naming each degeneracy (a weight gone to 0, a σ exploded or collapsed); empty when healthy. */
  flags: z.array(z.string()),
  finalLoss: z.number().nullable()
})
export const Sandbox1dCheck = z.object({
  method: z.enum(['popalign', 'sft']),
  /** What is measured, e.g. "|π1 − π3|". */
  quantity: z.string(),
  target: z.string(),
  value: z.number().nullable(),
  pass: z.boolean()
})
export type Sandbox1dCheck = z.infer<typeof Sandbox1dCheck>
export const Sandbox1dRun = z.object({
  settings: z.object({ beta: z.number(), alpha: z.number(), steps: z.number().int(), seed: z.number().int(), variant: Sandbox1dVariant, batch: z.number().int(), lr: z.number() }),
  grid: z.array(z.number()),
  reference: z.object({ params: Sandbox1dMixture, density: z.array(z.number()) }),
  popalign: Sandbox1dModel,
  sft: Sandbox1dModel,
  /** The paper's targets (stated for β = 1, α = 0.5, diffusion variant); `targetsApply` says whether these settings are that case. */
  checks: z.array(Sandbox1dCheck),
  targetsApply: z.boolean(),
  elapsedMs: z.number().nonnegative()
})
export type Sandbox1dRun = z.infer<typeof Sandbox1dRun>

export const sandbox1dMethods = {
  // CPU-bound and run in the serving process, so owner only.
  'sandbox1d.run': method(Sandbox1dSettings, Sandbox1dRun)
} as const
