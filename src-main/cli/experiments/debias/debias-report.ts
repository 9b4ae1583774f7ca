// Markdown tables of a finished Debias experiment (the JSON the CLI writes), for docs/debias-experiment.md:
// the success measure per seed, the curves with intervals, the last step's colour shift and concept
// accuracy, and the held-out error per timestep bin.
import type { ArmResult, Estimate, SeedVerdict } from './debias-experiment'
import type { ArmFidelity } from './debias-fidelity'

export interface DebiasResultFile {
  seeds: number[]
  plan: { samplers: { name: string; sampler: string; steps: number }[] }
  successMeasure: { verdict: string; perSeed: SeedVerdict[] }
  secondary: Record<string, SeedVerdict[]>
  arms: ArmResult[]
  /** Attribute-matched fidelity of the last EMA weights, keyed "<weighting>-seed<S>". */
  fidelityAtLastStep?: Record<string, ArmFidelity>
}

const e = (x: Estimate, d: number, scale = 1): string => `${(x.value * scale).toFixed(d)} [${(x.low * scale).toFixed(d)}, ${(x.high * scale).toFixed(d)}]`
const steps = (s: number | null): string => (s === null ? 'not reached' : Math.round(s).toLocaleString('en-US'))

function table(header: string[], rows: string[][], align?: string[]): string {
  const a = align ?? header.map((_, i) => (i === 0 ? '---' : '---:'))
  return [`| ${header.join(' | ')} |`, `|${a.join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n')
}

export function debiasMarkdown(r: DebiasResultFile): string {
  const arm = (w: string, seed: number): ArmResult => {
    const a = r.arms.find((x) => x.weighting === w && x.seed === seed)
    if (!a) throw new Error(`debias report: no ${w} arm for seed ${seed}`)
    return a
  }
  const label = (name: string): string => {
    const s = r.plan.samplers.find((x) => x.name === name)
    return s ? `${s.sampler.toUpperCase()} ${s.steps}` : name
  }
  const names = r.plan.samplers.map((s) => s.name)
  const verdicts: [string, SeedVerdict[]][] = [[names[0], r.successMeasure.perSeed], ...names.slice(1).map((n): [string, SeedVerdict[]] => [n, r.secondary[n]])]
  const out: string[] = []

  out.push(
    table(
      [
        'sampler',
        'seed',
        'constant, final Frechet',
        '1/sqrt(SNR), final Frechet',
        'steps 1/sqrt(SNR) needs to reach the constant final',
        'speed-up',
        'steps constant needs to reach the 1/sqrt(SNR) final'
      ],
      verdicts.flatMap(([n, vs]) =>
        vs.map((v) => [label(n), String(v.seed), e(v.target, 1), e(v.debiasFinal, 1), steps(v.debiasSteps), v.speedUp === null ? '-' : `${v.speedUp.toFixed(2)}x`, steps(v.constantStepsToDebiasFinal)])
      ),
      ['---', '---:', '---:', '---:', '---:', '---:', '---:']
    )
  )

  for (const seed of r.seeds) {
    const c = arm('constant', seed)
    const d = arm('debias', seed)
    out.push(`\nSeed ${seed}, Frechet distance (95% interval) of the EMA weights:\n`)
    out.push(
      table(
        ['step', ...names.flatMap((n) => [`constant ${label(n)}`, `1/sqrt(SNR) ${label(n)}`])],
        c.points.map((p, i) => [String(p.step), ...names.flatMap((n) => [e(p.samplers[n].frechet, 1), d.points[i] ? e(d.points[i].samplers[n].frechet, 1) : '-'])])
      )
    )
  }

  out.push('\nLast step, colour shift |dRGB| and concept accuracy (95% intervals; chance is 11.1%):\n')
  out.push(
    table(
      ['seed', 'arm', ...names.flatMap((n) => [`colour shift ${label(n)}`, `concept ${label(n)}`])],
      r.seeds.flatMap((seed) =>
        (['constant', 'debias'] as const).map((w) => {
          const a = arm(w, seed)
          const p = a.points[a.points.length - 1]
          return [String(seed), w === 'debias' ? '1/sqrt(SNR)' : 'constant', ...names.flatMap((n) => [e(p.samplers[n].colourShift, 3), `${e(p.samplers[n].conceptAccuracy, 1, 100)}%`])]
        })
      ),
      ['---:', '---', ...names.flatMap(() => ['---:', '---:'])]
    )
  )

  const fid = r.fidelityAtLastStep
  if (fid) {
    out.push('\nLast step, attribute-matched fidelity (100 x paired MMD^2 against clean renders of the same concept and read attributes; 0 = as good as the renders; 95% intervals):\n')
    out.push(
      table(
        ['seed', 'arm', ...names.flatMap((n) => [`pixels ${label(n)}`, `features ${label(n)}`])],
        r.seeds.flatMap((seed) =>
          (['constant', 'debias'] as const).map((w) => {
            const f = fid[`${w}-seed${seed}`]
            return [String(seed), w === 'debias' ? '1/sqrt(SNR)' : 'constant', ...names.flatMap((n) => (f ? [e(f.samplers[n].pixels, 2), e(f.samplers[n].features, 2)] : ['-', '-']))]
          })
        ),
        ['---:', '---', ...names.flatMap(() => ['---:', '---:'])]
      )
    )
  }

  const first = arm('constant', r.seeds[0])
  const bins = first.points[first.points.length - 1].timestepError
  out.push('\nLast step, held-out error per timestep bin (epsilon MSE; x0 MSE = epsilon MSE x (1 - abar)/abar), per seed constant / 1/sqrt(SNR):\n')
  out.push(
    table(
      ['t bin', ...r.seeds.flatMap((s) => [`eps MSE s${s}`, `x0 MSE s${s}`, `x0 ratio s${s}`])],
      bins.map((b, k) => [
        `${b.lo}-${b.hi - 1}`,
        ...r.seeds.flatMap((s) => {
          const cl = arm('constant', s).points.at(-1)!.timestepError[k]
          const dl = arm('debias', s).points.at(-1)!.timestepError[k]
          return [`${cl.epsMse.toFixed(4)} / ${dl.epsMse.toFixed(4)}`, `${cl.x0Mse.toPrecision(3)} / ${dl.x0Mse.toPrecision(3)}`, (dl.x0Mse / cl.x0Mse).toFixed(2)]
        })
      ])
    )
  )
  out.push(`\nVerdict by the rule fixed before the run: **${r.successMeasure.verdict}**.`)
  return out.join('\n') + '\n'
}
