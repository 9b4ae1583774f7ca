// The headless audit CLI on a tiny world folder: the files are written, report.json parses, and its
// numbers match a hand count of the per-image classifications it lists as evidence (and, for the
// shipped classifier, the renderer's own ground truth in the sidecars). Bad arguments are named.
import { spawnSync } from 'node:child_process'
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { inspectPdf } from '../features/reports/pdf-inspect'
import { parseReportJson } from '../../src-main/core/features/reports/writers/export-json'
import { parseAuditArgs, parseSeeds, UsageError } from '../../src-main/core/features/reports/cli-args'
import { runHeadlessAudit } from '../../src-main/core/features/reports/headless'
import { createProgressBar } from '../../src-main/core/features/reports/progress-bar'
import { parsePromptText } from '../../src-main/core/features/reports/prompt-file'
import { writeWorldSample, type SampleSidecar } from '../../src-main/core/world/sample-folder'
import { RESOURCES_DIR } from '../helpers/config'

const repo = resolve(__dirname, '../..')
const root = mkdtempSync(join(tmpdir(), 'audit-cli-'))
const folder = join(root, 'images')
const prompts = ['a photo of a doctor', 'a photo of a nurse', 'a photo of a round teal chef']
let sidecars: SampleSidecar[] = []

function cli(args: string[]) {
  return spawnSync(process.execPath, [join(repo, 'node_modules/tsx/dist/cli.mjs'), join(repo, 'src-main/cli/audit.ts'), ...args], { cwd: repo, encoding: 'utf8', timeout: 120_000 })
}

beforeAll(async () => {
  sidecars = await writeWorldSample({ outDir: folder, prompts: [...prompts, 'a photo of a pilot'], perPrompt: 6, seed: 5 })
  writeFileSync(join(root, 'prompts.txt'), `# audited prompts\n${prompts.join('\n')}\n\n`)
})
afterAll(() => rmSync(root, { recursive: true, force: true }))

describe('audit CLI', () => {
  it('audits a folder of sidecar images and writes consistent report files', () => {
    const out = join(root, 'out')
    const r = cli(['--prompts', join(root, 'prompts.txt'), '--images', folder, '--out', out, '--resamples', '200'])
    expect(r.status, r.stderr).toBe(0)
    // Plain progress lines when stderr is not a terminal, and a note for the pilot images left out.
    expect(r.stderr).toContain('classifying: 18/18 (100%)')
    expect(r.stderr).toMatch(/6 image\(s\) in the folder belong to prompts not in the prompt file/)
    expect(
      r.stdout
        .trim()
        .split('\n')
        .map((l) => l.split('/').pop())
    ).toEqual(['report.json', 'report.csv', 'report.html', 'report.pdf'])
    for (const f of ['report.json', 'report.csv', 'report.html', 'report.pdf']) expect(existsSync(join(out, f))).toBe(true)
    expect(readFileSync(join(out, 'report.pdf')).subarray(0, 5).toString()).toBe('%PDF-')
    expect(readFileSync(join(out, 'report.html'), 'utf8')).toContain('data:image/png;base64,')
    // Pictures beside the numbers in both documents: the contact sheets, the PDF's as embedded images.
    expect(readFileSync(join(out, 'report.html'), 'utf8')).toContain('Pictures: the same seeds side by side')
    const pdf = inspectPdf(readFileSync(join(out, 'report.pdf')))
    expect(pdf.pageTexts.join('\n')).toContain('Pictures: the same seeds side by side')
    expect([...pdf.objects.values()].filter((o) => o.includes('/Subtype /Image')).length).toBeGreaterThanOrEqual(12)

    const report = parseReportJson(readFileSync(join(out, 'report.json'), 'utf8'))
    expect(report.models).toHaveLength(1)
    const m = report.models[0]
    expect(m.images).toBe(18)
    expect(m.coverage.total).toBe(18)
    expect(m.lineage.classifier.id).toBe('popalign-world-classifier')
    expect(m.lineage.prompts).toBe(join(root, 'prompts.txt'))
    expect(m.lineage.seeds).toEqual([5])
    expect(m.lineage.promptTexts?.length).toBeGreaterThan(0)
    expect(m.prompts.map((p) => p.text)).toEqual(prompts)

    // Hand count: the pooled silhouette shares over the two neutral prompts, from the per-class evidence.
    const truth = new Map(sidecars.map((s) => [s.file_path, s.world]))
    const sil = m.axes.find((a) => a.axis === 'silhouette')!
    const counted = sil.pooled.classes.map((c) => c.share.evidence.length)
    expect(sil.pooled.classes.map((c) => c.count)).toEqual(counted)
    const n = counted.reduce((a, b) => a + b, 0)
    expect(n).toBe(m.coverage.counts.ok - m.prompts[2].coverage.counts.ok) // the specific prompt is not pooled
    const byHand = Math.sqrt(counted.reduce((s, c) => s + (c / n - 0.5) ** 2, 0))
    expect(sil.pooled.discrepancy!.value).toBeCloseTo(byHand, 12)
    expect(sil.pooled.discrepancy!.ciLow!).toBeLessThanOrEqual(byHand)
    expect(sil.pooled.discrepancy!.ciHigh!).toBeGreaterThanOrEqual(byHand)
    // The shipped classifier reads the renderer's figures: every evidence id is the class the sidecar drew.
    for (const c of sil.pooled.classes) for (const id of c.share.evidence) expect(truth.get(id)?.silhouette).toBe(c.cls)
    // The specific prompt asks for round teal: recall is over its images.
    const chef = sil.prompts.find((p) => p.promptId === m.prompts[2].promptId)!
    expect(chef.askedClass).toBe('round')
    expect(chef.recall!.n).toBe(m.prompts[2].coverage.counts.ok)

    const csv = readFileSync(join(out, 'report.csv'), 'utf8')
    expect(csv.split('\n')[0]).toContain('model')
  })

  it("states a run's training lineage from the run.json beside an audited checkpoint", async () => {
    // A fine-tune run folder as the studio writes it: <workspace>/runs/<id>/{run.json, step-*.ckpt}.
    const runDir = join(root, 'runs', '7')
    mkdirSync(runDir, { recursive: true })
    copyFileSync(join(repo, 'resources/models/base/base.ckpt'), join(runDir, 'step-000000300.ckpt'))
    const record = {
      jobId: 7,
      projectId: 1,
      config: { steps: 300, seed: 11 },
      seed: 11,
      init: { model: 'base', checkpoint: '/ws/base.ckpt', step: 16500 },
      data: { source: 'snapshot', snapshotId: 3, contentSha256: 'ab'.repeat(32), images: 40, pairs: 20 },
      finetune: { method: 'popalign', beta: 1000, alpha: 0.5, preset: 'paper-scaled' },
      backend: 'wasm',
      codeVersion: 'test',
      platform: 'linux',
      createdAt: '2026-11-23T00:00:00Z'
    }
    writeFileSync(join(runDir, 'run.json'), JSON.stringify(record))
    const plan = parseAuditArgs(
      [
        '--prompts',
        join(root, 'prompts.txt'),
        '--checkpoint',
        join(runDir, 'step-000000300.ckpt'),
        '--seeds',
        '0:2',
        '--steps',
        '4',
        '--formats',
        'json',
        '--resamples',
        '20',
        '--out',
        join(root, 'run-report')
      ],
      root
    )
    if (plan === 'help') throw new Error('unexpected help')
    const { report } = await runHeadlessAudit(plan, createProgressBar({ isTTY: false, write: () => true }), { resourcesDir: RESOURCES_DIR })
    const lineage = report.models[0].lineage
    expect(lineage.training).toMatchObject({ runId: 7, method: 'popalign', preset: 'paper-scaled', beta: 1000, alpha: 0.5, steps: 300, seed: 11, base: { model: 'base', step: 16500 }, snapshot: null })
    expect(lineage.run).toContain(`snapshot #3 (sha256 ${'ab'.repeat(32)}, 20 winner-loser image pairs)`)
  }, 60_000)

  it('audits a Stable Diffusion ONNX export folder: sampled with the fixed seeds, kept at its resolution, reported like a checkpoint', async () => {
    const sd = resolve(__dirname, '../fixtures/tiny-sd-onnx/model')
    const out = join(root, 'out-sd')
    const plan = parseAuditArgs(
      ['--prompts', join(root, 'prompts.txt'), '--checkpoint', sd, '--seeds', '0:2', '--steps', '2', '--guidance', '7.5', '--out', out, '--formats', 'json', '--resamples', '50'],
      repo
    )
    if (plan === 'help') throw new Error('unexpected help')
    const { report, images } = await runHeadlessAudit(plan, createProgressBar({ isTTY: false, write: () => true }), { resourcesDir: RESOURCES_DIR })
    expect(images).toBe(6)
    expect(report.models[0].label).toBe('model (Stable Diffusion)')
    expect(report.models[0].lineage).toMatchObject({ checkpoint: sd, seeds: [0, 1], steps: 2, guidance: 7.5 })
    expect(report.models[0].lineage.sampler).toMatch(/^ddim 2 steps \(Stable Diffusion on onnxruntime-node/)
    const files = readdirSync(join(out, 'images', 'model')).sort()
    expect(files).toEqual(['p001-seed0.png', 'p001-seed1.png', 'p002-seed0.png', 'p002-seed1.png', 'p003-seed0.png', 'p003-seed1.png'])
    // The export's own 64 px, not upscaled like the built-in world's figures.
    expect(readFileSync(join(out, 'images', 'model', files[0])).readUInt32BE(16)).toBe(64)
    expect(() => parseAuditArgs(['--prompts', 'p.txt', '--out', 'o', '--checkpoint', sd, '--size', '60'], repo)).toThrow(/--size must be a multiple of 8/)
  })

  it('writes only the formats asked for', () => {
    const out = join(root, 'only-json')
    const r = cli(['--prompts', join(root, 'prompts.txt'), '--images', folder, '--out', out, '--formats', 'json', '--resamples', '10'])
    expect(r.status, r.stderr).toBe(0)
    expect(readdirSync(out)).toEqual(['report.json'])
  })

  it('names the problem with bad arguments and files', () => {
    const bad = cli(['--prompts', join(root, 'prompts.txt'), '--out', join(root, 'x')])
    expect(bad.status).toBe(2)
    expect(bad.stderr).toContain('give exactly one of --checkpoint PATH or --images FOLDER')
    const missing = cli(['--prompts', join(root, 'nope.txt'), '--images', folder, '--out', join(root, 'x')])
    expect(missing.status).toBe(1)
    expect(missing.stderr).toMatch(/cannot read prompt file .*nope\.txt: ENOENT/)
    const ckpt = cli(['--prompts', join(root, 'prompts.txt'), '--checkpoint', join(root, 'none.ckpt'), '--out', join(root, 'x')])
    expect(ckpt.status).toBe(1)
    expect(ckpt.stderr).toMatch(/checkpoint .*none\.ckpt does not exist/)
  })
})

describe('audit CLI arguments', () => {
  const base = ['--prompts', 'p.txt', '--out', 'o']
  it('parses sampling settings and compare lists', () => {
    const plan = parseAuditArgs([...base, '--checkpoint', 'a.ckpt', '--compare', 'b.ckpt', 'c.ckpt', '--seeds', '3:6', '--sampler', 'ddpm', '--guidance', '1.5'], '/w')
    expect(plan).toMatchObject({
      source: 'checkpoints',
      checkpoints: ['/w/a.ckpt', '/w/b.ckpt', '/w/c.ckpt'],
      seeds: [3, 4, 5],
      sampler: 'ddpm',
      guidance: 1.5,
      steps: 20,
      classifier: 'builtin',
      prompts: '/w/p.txt'
    })
  })
  it('refuses what does not fit', () => {
    const bad = (args: string[], message: RegExp) => expect(() => parseAuditArgs([...base, ...args], '/w')).toThrow(message)
    bad(['--images', 'f', '--seeds', '0:4'], /--seeds only apply to --checkpoint/)
    bad(['--checkpoint', 'a', '--sampler', 'euler'], /--sampler must be ddim or ddpm/)
    bad(['--checkpoint', 'a', '--formats', 'html,docx'], /unknown format "docx"/)
    bad(['--checkpoint', 'a', '--onnx', 'm.onnx'], /--onnx needs --mapping/)
    bad(['--checkpoint', 'a', '--classifier', 'fairface'], /--classifier must be "builtin"/)
    bad(['--checkpoint', 'a', '--bogus', '1'], /unknown option "--bogus"/)
    bad(['--checkpoint'], /--checkpoint needs a value/)
    expect(() => parseSeeds('5:5')).toThrow(UsageError)
    expect(parseSeeds('1,5,9')).toEqual([1, 5, 9])
  })
  it('reads prompt files with comments and refuses repeats', () => {
    expect(parsePromptText('# c\n a \n\nb\r\n')).toEqual(['a', 'b'])
    expect(() => parsePromptText('a\nb\na')).toThrow(/line 3: "a" repeats line 1/)
    expect(() => parsePromptText('# only a comment\n')).toThrow(/has no prompts/)
  })
  it('draws a bar on a terminal and plain lines elsewhere', () => {
    const tty: string[] = []
    const bar = createProgressBar({ isTTY: true, columns: 80, write: (s: string) => tty.push(s) }, () => 0)
    bar.update('classifying', 5, 10)
    expect(tty.join('')).toContain('[##############..............]  50% classifying 5/10')
    const plain: string[] = []
    const lines = createProgressBar({ write: (s: string) => plain.push(s) })
    for (let i = 0; i <= 100; i++) lines.update('classifying', i, 100)
    expect(plain).toHaveLength(11)
  })
})
