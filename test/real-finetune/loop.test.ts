// The whole real-model loop on the CPU (issue 14): a judged snapshot -> the studio's train job exports
// it as the PopAlignSDXL CSV -> `accelerate launch` of the managed trainer (PopAlign, LoRA, tiny SD
// model with diffusers' real classes) -> the JSON-lines progress followed into metrics.jsonl ->
// lineage and the LoRA brought back -> sampled with the LoRA -> imported with the run's provenance ->
// audited by the studio's report code. Also pause (the process group stops), resume, and cancel.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { readMetrics } from '../../src-main/core/features/models/metrics-log'
import { trainerCheckpointStep } from '../../src-main/core/features/fine-tuning/real/job'
import { sampleRealRun } from '../../src-main/core/features/fine-tuning/real/sample'
import { createImportService } from '../../src-main/core/features/import/import-service'
import { parseAuditArgs } from '../../src-main/core/features/reports/cli-args'
import { runHeadlessAudit } from '../../src-main/core/features/reports/headless'
import { createProgressBar } from '../../src-main/core/features/reports/progress-bar'
import { SKIP_PYTHON, TRAINER_SOURCE } from '../helpers/python-env'
import { realHarness, TINY_SETTINGS, type RealHarness } from './harness'
import { RESOURCES_DIR } from '../helpers/config'

const SETTINGS = TINY_SETTINGS

describe.skipIf(SKIP_PYTHON)('real-model fine-tune job (tiny SD, CPU)', () => {
  let h: RealHarness
  let trainedRun: string | null = null

  beforeAll(async () => {
    h = await realHarness('popalign-real-')
  }, 300_000)

  afterAll(async () => {
    await h?.close()
  })

  it('trains a PopAlign LoRA for 20 steps from log 2, followed into metrics.jsonl, with lineage and the LoRA brought back', async () => {
    const job = h.train.startReal(h.toy.projectId, { modelDir: h.modelDir, snapshotId: h.toy.snapshotId, settings: SETTINGS })
    const done = await h.waitFor(job.id, (j) => j.state !== 'running', 280_000)
    expect(done.error ?? null).toBeNull()
    expect(done.state).toBe('done')
    const runDir = h.runDir(job.id)

    // The same curve file the built-in runs write, one point per step, with the preference metrics.
    const lines = readMetrics(runDir)
    expect(lines.map((l) => l.step)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1))
    // At step 1 the LoRA is zero, so policy = reference: the loss is exactly log 2 and nothing is ahead.
    expect(lines[0].loss).toBeCloseTo(Math.LN2, 6)
    expect(lines[0].implicitAccuracy).toBe(0.5)
    expect(lines[0].rewardMargin).toBe(0)
    // Afterwards the LoRA moves the policy away from the reference.
    expect(lines.slice(1).some((l) => Math.abs(l.loss - Math.LN2) > 1e-4)).toBe(true)
    // It learns the toy preference (images lit from above win). Development seeds 0, 1, 3 of the trainer
    // gave a median loss of the last 10 steps of 0.18-0.38 and implicit accuracy 0.88-0.91; check seeds
    // 4, 5, 6 gave 0.47-0.53 and 0.83-0.84. This test's own data varies run to run (float summation order
    // differs and Adam amplifies it, see multiprocess.test.ts): medians 0.19-0.47 in place, 0.66 once in a
    // fresh clone, accuracy 0.80-0.93. A step's loss is the mean over a few pairs, and once margins are
    // large one wrongly ordered pair spikes it, so the step losses are a noisy read of learning: the
    // loss is held to below chance (log 2), and the implicit accuracy, which counts pairs, carries the
    // learning check with the reward margin. The median, not the mean, for the same spikes. The last 10
    // steps order about 40 pairs: an accuracy of 0.65 or more has a chance of about 4 % at a coin toss's
    // 0.5, and a fresh-clone run under whole-suite load drew 0.6875 (bound 0.7 then) with the loss below
    // log 2; the mean reward margin (4.5-9.2 in the runs so far, 5.2 in that one) must be clearly positive too.
    const mean = (xs: number[]): number => xs.reduce((s, v) => s + v, 0) / xs.length
    const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]
    const late = lines.slice(-10)
    const lateLoss = median(late.map((l) => l.loss))
    const lateAcc = mean(late.map((l) => l.implicitAccuracy as number))
    console.log(
      `[real-finetune] loss step 1 ${lines[0].loss.toFixed(4)} · last-10 median ${lateLoss.toFixed(4)} · implicit accuracy last-10 mean ${lateAcc.toFixed(3)} · reward margin last-10 mean ${mean(late.map((l) => l.rewardMargin as number)).toFixed(3)}`
    )
    expect(lateLoss).toBeLessThan(Math.LN2)
    expect(lateAcc).toBeGreaterThanOrEqual(0.65)
    expect(mean(late.map((l) => l.rewardMargin as number))).toBeGreaterThan(1)

    // Lineage: the command that ran, its environment, versions, the snapshot and the exported data.
    const lineage = JSON.parse(readFileSync(join(runDir, 'lineage.json'), 'utf8'))
    expect(lineage.command.slice(1, 2)).toEqual(['launch'])
    expect(lineage.command).toContain('popalign_trainer.train')
    expect(lineage.versions.torch).toMatch(/^2\.13\.0/)
    expect(lineage.snapshot).toEqual({ id: h.toy.snapshotId, contentSha256: expect.stringMatching(/^[0-9a-f]{64}$/) })
    expect(lineage.data.pairs).toBe(16)
    expect(lineage.environment.HF_HUB_OFFLINE).toBe('1')
    const csv = readFileSync(join(runDir, 'data', 'annotation_train.csv'), 'utf8')
      .trim()
      .split('\n')
    expect(csv[0]).toBe('jpg_0,jpg_1,caption,label')
    expect(csv).toHaveLength(17)

    // The LoRA is brought back into the run folder, in diffusers' LoRA file format.
    const result = JSON.parse(readFileSync(join(runDir, 'result.json'), 'utf8'))
    expect(result.kind).toBe('lora')
    expect(existsSync(result.path)).toBe(true)
    expect(result.sha256).toMatch(/^[0-9a-f]{64}$/)
    expect(trainerCheckpointStep(join(runDir, 'trainer'))).toBe(20)
    expect(h.train.metrics(job.id, 100).totalSteps).toBe(20)
    trainedRun = runDir
  }, 300_000)

  it("samples the fine-tune with its LoRA, imports the images with the run's provenance, and audits them", async () => {
    if (!trainedRun) throw new Error('the training test above did not finish')
    const runDir = trainedRun
    const prompts = ['a photo of a doctor', 'a photo of a nurse']
    const sampled = await sampleRealRun({ envDir: h.envDir, sourceDir: TRAINER_SOURCE }, runDir, { name: 'audit', prompts, seeds: [0, 1, 2], steps: 4, guidance: 7.5, cpu: true })
    expect(sampled.images).toBe(6)
    expect(sampled.weights.kind).toBe('lora')
    // Every layer the LoRA file adapts was loaded into the sampling pipeline (the script checks it).
    expect(sampled.weights.layers).toBeGreaterThan(0)
    const result = JSON.parse(readFileSync(join(runDir, 'result.json'), 'utf8'))
    // The weights sampled are the ones the run brought back.
    expect(sampled.weights.sha256).toBe(result.sha256)
    expect(readdirSync(sampled.folder).filter((f) => f.endsWith('.png'))).toHaveLength(6)

    // Import: the studio's folder import reads the sidecars; every image carries the fine-tune it came from.
    const importer = createImportService({ ws: h.toy.ws, runner: h.runner, workspaceDir: h.workspaceDir })
    const imp = importer.start(h.toy.projectId, sampled.folder)
    await h.waitFor(imp.id, (j) => j.state === 'done', 120_000)
    const rows = h.toy.ws.db
      .prepare<[string], { seed: number; generator: string; provenance: string }>('SELECT seed, generator, provenance FROM images WHERE root_path = ? ORDER BY id')
      .all(sampled.folder)
    expect(rows).toHaveLength(6)
    const lineage = JSON.parse(readFileSync(join(runDir, 'lineage.json'), 'utf8'))
    for (const r of rows) {
      const p = JSON.parse(r.provenance)
      expect(p.fineTuneJob).toBe(lineage.jobId)
      expect(p.weights.sha256).toBe(result.sha256)
      expect(p.lineageSha256).toMatch(/^[0-9a-f]{64}$/)
    }
    expect(rows.map((r) => r.seed).sort()).toEqual([0, 0, 1, 1, 2, 2])

    // Audit: the studio's report code over the sampled folder (the shipped classifier).
    writeFileSync(join(h.dir, 'audit-prompts.txt'), prompts.join('\n') + '\n')
    const plan = parseAuditArgs(['--prompts', join(h.dir, 'audit-prompts.txt'), '--images', sampled.folder, '--out', join(h.dir, 'audit'), '--formats', 'json', '--resamples', '20'], h.dir)
    if (plan === 'help') throw new Error('unexpected help')
    const { report, images } = await runHeadlessAudit(plan, createProgressBar({ isTTY: false, write: () => true }), { resourcesDir: RESOURCES_DIR })
    expect(images).toBe(6)
    expect(report.models).toHaveLength(1)
    expect(report.models[0].lineage.seeds).toEqual([0, 1, 2])
    // The report names the fine-tune that drew the folder and the weights it sampled, from the sidecars.
    expect(report.models[0].lineage.origin).toContain(`fine-tune job ${lineage.jobId} (popalign`)
    expect(report.models[0].lineage.origin).toContain(`weights sha256 ${result.sha256}`)
    expect(report.models[0].lineage.origin).toMatch(/: all 6 images$/)
    expect(existsSync(join(h.dir, 'audit', 'report.json'))).toBe(true)
  }, 300_000)

  it('pauses the process group, resumes it, and a cancel checkpoints and stops', async () => {
    const job = h.train.startReal(h.toy.projectId, { modelDir: h.modelDir, snapshotId: h.toy.snapshotId, settings: { ...SETTINGS, steps: 200, checkpointEvery: 1000 } })
    await h.waitFor(job.id, (j) => j.done >= 1, 200_000)
    h.train.pause(job.id)
    await new Promise((r) => setTimeout(r, 500))
    const runDir = h.runDir(job.id)
    const stepsAtPause = readMetrics(runDir).length
    await new Promise((r) => setTimeout(r, 3000))
    expect(readMetrics(runDir).length).toBe(stepsAtPause)
    h.train.resume(job.id)
    await h.waitFor(job.id, (j) => j.done > stepsAtPause, 120_000)
    h.train.cancel(job.id)
    await h.runner.idle()
    expect(h.runner.get(job.id).state).toBe('cancelled')
    // The trainer saw SIGTERM, wrote a checkpoint at the step it had reached, and exited.
    expect(trainerCheckpointStep(join(runDir, 'trainer'))).toBeGreaterThan(stepsAtPause)
  }, 300_000)
})
