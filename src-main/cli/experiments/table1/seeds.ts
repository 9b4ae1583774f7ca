// Table 1 over several seeds. Each seed is a whole run (its own acquisition, snapshot, fine-tunes and
// evaluation) in <workdir>/seed-<S>, resumable as a single run is; the targets are then reported per
// seed and pooled over seeds (targets.ts). The result of one setting is kept in <workdir>/<tag>/ (its
// per-seed tables and contact sheets, and <tag>-seeds.json / .md), so a sweep of settings on the same
// seeds shares acquisitions and keeps every setting's tables.
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { guardText } from './markdown'
import { seedRole, type Table1Settings } from './options'
import type { Table1Result } from './result'
import { RESULT_JSON, RESULT_MD, runTable1 } from './run'
import type { Table1Row, Value } from './table'
import { formatTargetValue, poolTargets, type PooledTarget, type TargetCheck } from './targets'

export interface SeedsRequest {
  workdir: string
  base: string
  seeds: readonly number[]
  /** Settings for one seed (the same apart from the seed). */
  settingsFor: (seed: number) => Table1Settings
  /** Name of this setting's results folder under workdir. */
  tag: string
  log: (line: string) => void
}

export interface SeedRun {
  seed: number
  role: ReturnType<typeof seedRole>
  /** Wall time of this invocation for the seed (0 when everything was done earlier). */
  wallSeconds: number
  /** Sum of the stage times recorded when each stage ran. */
  stageSeconds: number
  rows: Table1Row[]
  targets: TargetCheck[]
  sheets: string[]
  /** The fine-tunes as the divergence guard left them (markdown.ts guardText). */
  runs: { popalign: string; sft: string }
}

export interface SeedsResult {
  format: 'popalign.table1-seeds'
  version: 1
  tag: string
  settings: Omit<Table1Settings, 'seed'>
  seeds: SeedRun[]
  pooled: PooledTarget[]
  /** Per model, the mean over seeds of its figures. */
  meanRows: MeanRow[]
}

export interface MeanRow {
  model: string
  label: string
  figures: Record<string, number | null>
}

export interface SeedsOutcome {
  result: SeedsResult
  jsonPath: string
  markdownPath: string
  markdown: string
}

const FIGURES: [string, (r: Table1Row) => Value][] = [
  ['silhouette discrepancy', (r) => r.discrepancy.silhouette],
  ['tone discrepancy', (r) => r.discrepancy.tone],
  ['concept accuracy %', (r) => scaled(r.conceptAccuracy, 100)],
  ['fidelity gap (pixels)', (r) => r.fidelity],
  ['fidelity gap (features)', (r) => r.featureFidelity],
  ['attributes read %', (r) => scaled(r.coverage, 100)],
  ['identity-specific recall %', (r) => scaled(r.recall.overall, 100)],
  ['Frechet vs fair renders (secondary)', (r) => r.frechet]
]

function scaled(v: Value, k: number): Value {
  return { ...v, value: v.value === null ? null : k * v.value, ciLow: v.ciLow === null ? null : k * v.ciLow, ciHigh: v.ciHigh === null ? null : k * v.ciHigh }
}

function meanRows(seeds: readonly SeedRun[]): MeanRow[] {
  const models = seeds[0]?.rows ?? []
  return models.map((m) => ({
    model: m.model,
    label: m.label,
    figures: Object.fromEntries(
      FIGURES.map(([name, get]) => {
        const vs = seeds.map((s) => s.rows.find((r) => r.model === m.model)).flatMap((r) => (r && get(r) && get(r).value !== null ? [get(r).value as number] : []))
        return [name, vs.length ? vs.reduce((a, b) => a + b, 0) / vs.length : null]
      })
    )
  }))
}

export async function runTable1Seeds(req: SeedsRequest): Promise<SeedsOutcome> {
  if (req.seeds.length === 0) throw new Error('give at least one seed')
  if (new Set(req.seeds).size !== req.seeds.length) throw new Error(`a seed is listed twice: ${req.seeds.join(', ')}`)
  if (!/^[\w.-]+$/.test(req.tag)) throw new Error(`--tag must be letters, digits, ".", "_" or "-", got "${req.tag}"`)
  const workdir = resolve(req.workdir)
  const outDir = join(workdir, req.tag)
  mkdirSync(outDir, { recursive: true })
  const runs: SeedRun[] = []
  for (const seed of req.seeds) {
    const seedDir = join(workdir, `seed-${seed}`)
    req.log(`seed ${seed} (${seedRole(seed)}): ${seedDir}`)
    const t0 = performance.now()
    const out = await runTable1({ workdir: seedDir, base: req.base, settings: req.settingsFor(seed), log: (l) => req.log(`[seed ${seed}] ${l}`) })
    const wallSeconds = (performance.now() - t0) / 1000
    const r: Table1Result = out.result
    // This setting's copies, so the next setting on the same seed does not overwrite them.
    const dest = join(outDir, `seed-${seed}`)
    mkdirSync(dest, { recursive: true })
    copyFileSync(out.jsonPath, join(dest, RESULT_JSON))
    copyFileSync(out.markdownPath, join(dest, RESULT_MD))
    for (const sheet of r.sheets) copyFileSync(join(seedDir, sheet), join(dest, sheet))
    runs.push({
      seed,
      role: seedRole(seed),
      wallSeconds,
      stageSeconds: r.timings.reduce((a, t) => a + t.seconds, 0),
      rows: r.rows,
      targets: r.targets,
      sheets: r.sheets.map((s) => join(`seed-${seed}`, s)),
      runs: { popalign: guardText(r.runs.popalign, r.settings.finetune.steps), sft: guardText(r.runs.sft, r.settings.finetune.steps) }
    })
  }
  const { seed: _seed, ...settings } = req.settingsFor(req.seeds[0])
  const result: SeedsResult = {
    format: 'popalign.table1-seeds',
    version: 1,
    tag: req.tag,
    settings,
    seeds: runs,
    pooled: poolTargets(runs.map((s) => ({ seed: s.seed, targets: s.targets }))),
    meanRows: meanRows(runs)
  }
  const markdown = renderSeedsMarkdown(result)
  const jsonPath = join(outDir, `${req.tag}-seeds.json`)
  const markdownPath = join(outDir, `${req.tag}-seeds.md`)
  writeFileSync(jsonPath, JSON.stringify(result, null, 2) + '\n')
  writeFileSync(markdownPath, markdown)
  return { result, jsonPath, markdownPath, markdown }
}

const mark = (m: boolean | null): string => (m === null ? '–' : m ? 'yes' : '**no**')

export function renderSeedsMarkdown(r: SeedsResult): string {
  const lines: string[] = []
  const f = r.settings.finetune
  const roles = [...new Set(r.seeds.map((s) => s.role))].join(' and ')
  lines.push(`### ${r.tag}: ${r.seeds.length} ${roles} seed(s) (${r.seeds.map((s) => s.seed).join(', ')})`, '')
  lines.push(
    `Fine-tune: ${f.steps} steps, batch ${f.batchSize}, lr ${f.learningRate}, beta ${f.beta}, alpha ${f.alpha}, caption dropout ${f.condDropout}, loss weighting ${f.weighting}; ${r.settings.acquire.pairsPerPrompt} pairs per prompt${r.settings.quick ? '; **--quick** (smoke-test counts, not a result)' : ''}.`,
    ''
  )
  const targets = r.seeds[0]?.targets ?? []
  lines.push('#### Targets per seed (PopAlign vs base, 95% intervals)', '')
  lines.push(`| Seed | ${targets.map((t) => t.name).join(' | ')} |`)
  lines.push(`|---|${targets.map(() => '---|').join('')}`)
  for (const s of r.seeds) {
    lines.push(
      `| ${s.seed} (${s.role}) | ${targets
        .map((t0) => {
          const t = s.targets.find((x) => x.id === t0.id)
          return t ? `${formatTargetValue(t.unit, t.value, t.ciLow, t.ciHigh)} ${t.met === null ? '' : t.met ? 'met' : '**not met**'}` : '–'
        })
        .join(' | ')} |`
    )
  }
  lines.push('', `#### Pooled over seeds ${r.seeds.map((s) => s.seed).join(', ')} (mean of the per-seed figures, 95% interval over seeds and images)`, '')
  lines.push('| Target | Mean [95% CI] | Wanted | Met on the mean | Seeds where met | Met (mean and every seed) |', '|---|---|---|---|---|---|')
  for (const p of r.pooled) {
    lines.push(
      `| ${p.name} | ${formatTargetValue(p.unit, p.mean, p.ciLow, p.ciHigh)} | ${p.target} | ${mark(p.metOnMean)} | ${p.met === null ? '–' : `${p.metSeeds.length} of ${p.seeds.length}`} | ${mark(p.met)} |`
    )
  }
  const names = Object.keys(r.meanRows[0]?.figures ?? {})
  lines.push('', '#### Each model, mean over seeds', '', `| Model | ${names.join(' | ')} |`, `|---|${names.map(() => '---|').join('')}`)
  for (const m of r.meanRows)
    lines.push(`| ${m.label} | ${names.map((n) => (m.figures[n] === null ? '–' : m.figures[n].toFixed(n.includes('%') ? 1 : n.includes('discrepancy') ? 3 : 2))).join(' | ')} |`)
  lines.push('', '#### Fine-tunes as the divergence guard left them', '', '| Seed | PopAlign | SFT |', '|---|---|---|')
  for (const s of r.seeds) lines.push(`| ${s.seed} | ${s.runs.popalign} | ${s.runs.sft} |`)
  lines.push('', '#### Wall time per seed', '', '| Seed | This invocation (s) | Stages when they ran (s) |', '|---|---|---|')
  for (const s of r.seeds) lines.push(`| ${s.seed} | ${s.wallSeconds.toFixed(0)} | ${s.stageSeconds.toFixed(0)} |`)
  return lines.join('\n') + '\n'
}
