/**
 * Command-line arguments and the printed report of the 1-D sandbox, kept out of the CLI file so
 * they are testable without spawning a process.
 */
import type { AlphaCheckResult, SandboxExperimentOptions, SandboxExperimentResult, SandboxModelResult } from './experiment'
import type { MixtureSummary } from './mixture'
import { readFlags, UsageError } from '../../cli-flags'

export interface SandboxCliArgs extends SandboxExperimentOptions {
  /** Print the whole result (with densities) as JSON instead of the table. */
  readonly json: boolean
  /** Run the α check (PopAlign at --alpha, default 0.25, in both variants over --seeds) instead. */
  readonly alphaCheck: boolean
  readonly seeds?: number[]
  readonly help: boolean
}

export const SANDBOX_USAGE =
  'usage: sandbox1d [--beta 1] [--alpha 0.5] [--steps 2000] [--seed 0] [--batch 256] [--lr 0.01] ' +
  '[--variant diffusion|likelihood] [--json]\n' +
  '       sandbox1d --alpha-check [--alpha 0.25] [--seeds 0,1,2] [--steps 2000] [--beta 1] [--json]'

const NUMERIC_FLAGS = ['beta', 'alpha', 'steps', 'seed', 'batch', 'lr'] as const

export function parseSandboxArgs(argv: readonly string[]): SandboxCliArgs {
  const read = readFlags(argv, { values: [...NUMERIC_FLAGS, 'seeds', 'variant'], switches: ['json', 'alpha-check'] })
  const out: Record<string, unknown> = { json: read.switches.json === true, help: read.help, alphaCheck: read.switches['alpha-check'] === true }
  for (const name of NUMERIC_FLAGS) {
    const value = read.values[name]
    if (value === undefined) continue
    const n = Number(value)
    if (value.trim() === '' || !Number.isFinite(n)) throw new UsageError(`--${name} must be a number, got "${value}"`)
    out[name] = n
  }
  const { seeds, variant } = read.values
  if (seeds !== undefined) {
    const list = seeds.split(',').map((v) => Number(v.trim()))
    if (!list.every((v) => Number.isInteger(v) && v >= 0)) throw new UsageError(`--seeds must be comma-separated non-negative integers, got "${seeds}"`)
    out.seeds = list
  }
  if (variant !== undefined) {
    if (variant !== 'diffusion' && variant !== 'likelihood') throw new UsageError(`--variant must be diffusion or likelihood, got "${variant}"`)
    out.variant = variant
  }
  return out as unknown as SandboxCliArgs
}

function row(name: string, s: MixtureSummary, note = ''): string {
  const f = (v: number[], d: number): string => v.map((x) => x.toFixed(d).padStart(8)).join(' ')
  return `${name.padEnd(10)} π ${f(s.weights, 4)} | μ ${f(s.means, 3)} | σ ${f(s.stds, 3)}${note}`
}

/** " (healthy)" or " DEGENERATE: G2 weight 0.0019 < 0.01; ..." for one fitted model. */
function flagText(m: Pick<SandboxModelResult, 'diverged' | 'flags'>): string {
  if (m.diverged) return '  DIVERGED (non-finite parameters)'
  return m.flags.length === 0 ? '  healthy' : `  DEGENERATE: ${m.flags.map((f) => f.text).join('; ')}`
}

export function formatSandboxReport(r: SandboxExperimentResult): string {
  const s = r.settings
  const lines = [
    `1-D mixture of Gaussians, ${s.variant} variant: β=${s.beta} α=${s.alpha} steps=${s.steps} batch=${s.batch} lr=${s.lr} seed=${s.seed}`,
    `${''.padEnd(10)}   ${'G1'.padStart(8)} ${'G2'.padStart(8)} ${'G3'.padStart(8)}`,
    row('reference', r.reference),
    row('PopAlign', r.popalign.summary, flagText(r.popalign)),
    row('SFT', r.sft.summary, flagText(r.sft)),
    `G1 share of G1+G3 (0.5 = balanced): reference ${r.g1Share.reference.toFixed(3)}, ` + `PopAlign ${r.g1Share.popalign.toFixed(3)}, SFT ${r.g1Share.sft.toFixed(3)}`
  ]
  const degenerate = [r.popalign, r.sft].some((m) => m.diverged || m.flags.length > 0)
  lines.push(
    degenerate
      ? "Degenerate fit(s) above: a weight below 0.01, or a σ above 5x or below 0.1x the reference's. " +
          'SFT losing G2 is the expected result (its data has no G2); PopAlign should keep all three components.'
      : "All fits healthy (every weight >= 0.01, every σ within 0.1x-5x of the reference's)."
  )
  return lines.join('\n')
}

export function formatAlphaCheck(r: AlphaCheckResult): string {
  const lines = [`PopAlign at α = ${r.alpha}, β = ${r.beta}, ${r.steps} steps, both variants (paper App. F: "α = 0.25 diverges")`]
  for (const run of r.runs) lines.push(row(`${run.variant.slice(0, 4)} s${run.seed}`, run.summary, flagText({ diverged: false, flags: run.flags })))
  lines.push(r.verdict)
  return lines.join('\n')
}
