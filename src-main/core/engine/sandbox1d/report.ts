/**
 * Command-line arguments and the printed report of the 1-D sandbox, kept out of the CLI file so
 * they are testable without spawning a process.
 */
import type { SandboxExperimentOptions, SandboxExperimentResult } from './experiment'
import type { MixtureSummary } from './mixture'

export interface SandboxCliArgs extends SandboxExperimentOptions {
  /** Print the whole result (with densities) as JSON instead of the table. */
  readonly json: boolean
  readonly help: boolean
}

export const SANDBOX_USAGE =
  'usage: sandbox1d [--beta 1] [--alpha 0.5] [--steps 2000] [--seed 0] [--batch 256] [--lr 0.01] ' +
  '[--variant diffusion|likelihood] [--json]'

const NUMERIC_FLAGS = ['beta', 'alpha', 'steps', 'seed', 'batch', 'lr'] as const

export function parseSandboxArgs(argv: readonly string[]): SandboxCliArgs {
  const out: Record<string, unknown> = { json: false, help: false }
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]
    if (a === '--help' || a === '-h') {
      out.help = true
      continue
    }
    if (a === '--json') {
      out.json = true
      continue
    }
    const name = a.startsWith('--') ? a.slice(2) : ''
    const value = argv[i + 1]
    if (value === undefined) throw new Error(`flag "${a}" needs a value`)
    if ((NUMERIC_FLAGS as readonly string[]).includes(name)) {
      const n = Number(value)
      if (value.trim() === '' || !Number.isFinite(n)) throw new Error(`--${name} must be a number, got "${value}"`)
      out[name] = n
    } else if (name === 'variant') {
      if (value !== 'diffusion' && value !== 'likelihood') {
        throw new Error(`--variant must be diffusion or likelihood, got "${value}"`)
      }
      out.variant = value
    } else {
      throw new Error(`unknown argument "${a}"; ${SANDBOX_USAGE}`)
    }
    i++
  }
  return out as unknown as SandboxCliArgs
}

function row(name: string, s: MixtureSummary, note = ''): string {
  const f = (v: number[], d: number): string => v.map((x) => x.toFixed(d).padStart(8)).join(' ')
  return `${name.padEnd(10)} π ${f(s.weights, 4)} | μ ${f(s.means, 3)} | σ ${f(s.stds, 3)}${note}`
}

export function formatSandboxReport(r: SandboxExperimentResult): string {
  const s = r.settings
  const flag = (m: { diverged: boolean; collapsed: boolean }): string =>
    m.diverged ? '  (diverged)' : m.collapsed ? '  (collapsed: a σ fell below 1% of the reference)' : ''
  return [
    `1-D mixture of Gaussians, ${s.variant} variant: β=${s.beta} α=${s.alpha} steps=${s.steps} batch=${s.batch} lr=${s.lr} seed=${s.seed}`,
    `${''.padEnd(10)}   ${'G1'.padStart(8)} ${'G2'.padStart(8)} ${'G3'.padStart(8)}`,
    row('reference', r.reference),
    row('PopAlign', r.popalign.summary, flag(r.popalign)),
    row('SFT', r.sft.summary, flag(r.sft)),
    `G1 share of G1+G3 (0.5 = balanced): reference ${r.g1Share.reference.toFixed(3)}, ` +
      `PopAlign ${r.g1Share.popalign.toFixed(3)}, SFT ${r.g1Share.sft.toFixed(3)}`
  ].join('\n')
}
