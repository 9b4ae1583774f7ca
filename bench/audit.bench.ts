// `npm run bench:audit`: the auditing pipeline's speed on this machine, from one run.
//   1. classification throughput of the shipped world classifier (images/s): on pixels already in
//      memory (the ONNX model alone) and on PNG files (read + decode + classify, what an audit does);
//   2. the time to audit 10,000 images end to end: render 10,000 world images as a PopAlignSDXL folder,
//      scan it, classify every image, build the report with bootstrap CIs (1000 resamples; Frechet 200)
//      and write report.html (thumbnails embedded) and report.json, each stage timed.
// Set AUDIT_BENCH_IMAGES to change the 10,000 (e.g. 1000 for a quick look).
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { openClassifier } from '../src-main/core/classifier/open'
import { parseAuditArgs } from '../src-main/core/features/reports/cli-args'
import { runHeadlessAudit } from '../src-main/core/features/reports/headless'
import type { ProgressSink } from '../src-main/core/features/reports/progress-bar'
import { Rng } from '../src-main/core/random/rng'
import { neutralPrompt } from '../src-main/core/world/prompts'
import { renderFigureInto, CHANNELS } from '../src-main/core/world/renderer'
import { writeWorldSample } from '../src-main/core/world/sample-folder'
import { SILHOUETTES, TONES, VISIBLE_CONCEPTS } from '../src-main/core/world/taxonomy'
import { processConfig } from '../src-main/cli/process-config'

const TOTAL = Number(process.env.AUDIT_BENCH_IMAGES ?? 10_000)
const PROMPTS = VISIBLE_CONCEPTS.slice(0, 8).map((c) => neutralPrompt(c))
const PER_PROMPT = Math.ceil(TOTAL / PROMPTS.length)

const rows: [string, string][] = []
const row = (what: string, value: string): void => {
  rows.push([what, value])
  process.stderr.write(`${what}: ${value}\n`)
}
const seconds = (ms: number): string => `${(ms / 1000).toFixed(2)} s`

async function classificationThroughput(): Promise<void> {
  const classifier = await openClassifier('builtin', processConfig().resourcesDir)
  try {
    const n = 4096
    const size = classifier.imageSize
    const per = size * size * CHANNELS
    const pixels = new Float32Array(n * per)
    const rng = new Rng(1)
    for (let i = 0; i < n; i++) {
      const spec = { concept: VISIBLE_CONCEPTS[i % VISIBLE_CONCEPTS.length], silhouette: SILHOUETTES[i % 2], tone: TONES[i % TONES.length] }
      renderFigureInto(pixels, i * per, spec, rng, { size })
    }
    const classifyPixels = classifier.classifyPixels!
    await classifyPixels(pixels.subarray(0, 256 * per), 256) // warm-up
    const t0 = performance.now()
    await classifyPixels(pixels, n)
    const ms = performance.now() - t0
    row('classify, pixels in memory (ONNX only)', `${Math.round((n * 1000) / ms)} images/s (${n} images)`)
  } finally {
    await classifier.dispose()
  }
}

async function endToEnd(): Promise<void> {
  const root = mkdtempSync(join(tmpdir(), 'audit-bench-'))
  try {
    const folder = join(root, 'images')
    let t = performance.now()
    await writeWorldSample({ outDir: folder, prompts: PROMPTS, perPrompt: PER_PROMPT, seed: 1 })
    const renderMs = performance.now() - t
    row(`render ${PROMPTS.length * PER_PROMPT} world images (PNG + sidecar)`, seconds(renderMs))

    const promptFile = join(root, 'prompts.txt')
    writeFileSync(promptFile, PROMPTS.join('\n') + '\n')
    const out = join(root, 'report')
    const plan = parseAuditArgs(['--prompts', promptFile, '--images', folder, '--out', out, '--formats', 'html,json'], root)
    if (plan === 'help') throw new Error('unreachable')
    // Stage times from the progress the audit reports (the same sink the CLI draws its bar from).
    const stages = new Map<string, { start: number; end: number }>()
    const sink: ProgressSink = {
      update(phase) {
        const now = performance.now()
        const s = stages.get(phase)
        if (s) s.end = now
        else stages.set(phase, { start: now, end: now })
      },
      line: () => {},
      finish: () => {}
    }
    t = performance.now()
    const result = await runHeadlessAudit(plan, sink, { resourcesDir: processConfig().resourcesDir })
    const auditMs = performance.now() - t
    const classify = stages.get('classifying')
    const build = stages.get('building the report')
    const scanAndLoad = classify ? classify.start - t : 0
    row('scan folder + load classifier', seconds(scanAndLoad))
    if (classify) row('classify files (read + decode + ONNX)', `${seconds(classify.end - classify.start)} = ${Math.round((result.images * 1000) / (classify.end - classify.start))} images/s`)
    if (build) row('build report (bootstrap CIs, Frechet vs reference)', seconds(build.end - build.start))
    if (build) row('thumbnails + write report.html, report.json', seconds(t + auditMs - build.end))
    row(`audit ${result.images} images end to end (scan -> files)`, seconds(auditMs))
    row(`render + audit ${result.images} images`, seconds(renderMs + auditMs))
    for (const f of result.files) row(`  ${f.split('/').pop()}`, `${(statSync(f).size / 1024).toFixed(0)} KiB`)
  } finally {
    rmSync(root, { recursive: true, force: true })
  }
}

async function main(): Promise<void> {
  await classificationThroughput()
  await endToEnd()
  const w = Math.max(...rows.map((r) => r[0].length))
  console.log(`\naudit benchmark (${TOTAL} images)\n`)
  console.log(`${'stage'.padEnd(w)}  result`)
  console.log(`${'-'.repeat(w)}  ${'-'.repeat(30)}`)
  for (const [a, b] of rows) console.log(`${a.padEnd(w)}  ${b}`)
}

main().catch((e) => {
  console.error(e)
  process.exit(1)
})
