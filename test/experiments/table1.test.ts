// Smoke test of the Table 1 command's core with --quick counts and a tiny, briefly trained base model:
// every stage runs through the real studio (acquisition job, snapshot, PopAlign and SFT runs, held-out
// evaluation with the shipped classifier), the table is stored as JSON and Markdown with its timings,
// a second run skips every finished stage, a new beta re-runs only PopAlign, and bad input is refused.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { applyOverrides, buildPrompts, fullSettings, quickSettings, runTable1, validateSettings, type Table1Result } from '../../src-main/core/experiments/table1'
import { encodeTrainState } from '../../src-main/core/engine/checkpoint/train-checkpoint'
import { Rng } from '../../src-main/core/engine/rng'
import { parseTrainConfig } from '../../src-main/core/engine/train/config'
import { presetModel } from '../../src-main/core/engine-service/model-presets'
import { randomParams } from '../engine/onnx/helpers'
import { tempRoot } from '../engine-service/helpers'
import { writeTinyBase } from '../finetune/fixture'

/** A valid world checkpoint with random weights (another model than the tiny base). */
function writeRandomCheckpoint(file: string): void {
  const model = presetModel('tiny')
  const params = randomParams(model, 5)
  const zeros = Object.fromEntries(Object.entries(params).map(([k, v]) => [k, new Float32Array(v.length)]))
  writeFileSync(file, encodeTrainState({ config: parseTrainConfig({ model, schedule: 'cosine' }), step: 0, rng: new Rng(1).getState(), params, adam: { step: 0, m: zeros, v: { ...zeros } }, losses: [] }))
}

const root = tempRoot('table1-')
const baseDir = join(root.dir, 'base')

/**
 * A tiny model trained for seconds draws no recognisable figure, so the shipped classifier's gate would
 * drop every image. The smoke test gates with the same ONNX model under a lenient mapping (every image
 * "detected", no confidence floor), which exercises the user's-own-classifier path of acquisition.
 */
function lenientClassifier(): { onnxPath: string; mappingPath: string } {
  const dir = resolve('resources', 'classifier')
  const mapping = JSON.parse(readFileSync(join(dir, 'world-classifier.mapping.json'), 'utf8'))
  const mappingPath = join(root.dir, 'lenient.mapping.json')
  writeFileSync(mappingPath, JSON.stringify({ ...mapping, id: 'lenient-world-classifier', detection: { ...mapping.detection, threshold: 0 }, confidenceThreshold: 0 }))
  return { onnxPath: join(dir, 'world-classifier.onnx'), mappingPath }
}

beforeAll(() => writeTinyBase(baseDir), 60_000)
afterAll(() => root.remove())

describe('table1', () => {
  it('runs the whole loop with --quick counts, stores the table, and resumes by skipping finished stages', async () => {
    const workdir = join(root.dir, 'run')
    const lines: string[] = []
    const base = join(baseDir, 'base.ckpt')
    const quick = quickSettings(3)
    // More images per identity-specific prompt, so a few of the tiny model's draws match their prompt.
    const settings = { ...quick, acquire: { ...quick.acquire, mPerSpecific: 4 }, acquireClassifier: lenientClassifier() }
    const out = await runTable1({ workdir, base, settings, log: (l) => lines.push(l) })
    const result = JSON.parse(readFileSync(out.jsonPath, 'utf8')) as Table1Result
    expect(result.rows.map((r) => r.model)).toEqual(['base', 'sft', 'popalign'])
    for (const row of result.rows) {
      expect(Object.keys(row.discrepancy)).toEqual(['silhouette', 'tone'])
      expect(row.conceptAccuracy.n).toBeGreaterThan(0)
      expect(row.recall.overall).toBeDefined()
    }
    expect(result.acquisition.pairs).toBeGreaterThan(0)
    expect(result.runs.popalign.modelId).toMatch(/^run:\d+@4$/)
    expect(result.runs.sft.modelId).toMatch(/^run:\d+@4$/)
    expect(result.targets.map((t) => t.name)).toEqual(['silhouette discrepancy', 'tone discrepancy', 'concept accuracy', 'Frechet distance (vs fair renders)'])
    expect(result.timings.map((t) => t.stage)).toEqual(['workspace', 'acquire', 'snapshot', 'finetune-popalign', 'finetune-sft', 'reference', 'evaluate-base', 'evaluate-sft', 'evaluate-popalign', 'table'])
    expect(readFileSync(out.markdownPath, 'utf8')).toContain('| Base-PopAlign |')
    expect(lines.some((l) => l.includes('acquire preferences') && l.includes('finished'))).toBe(true)

    // Same flags: nothing is redone. A new beta: only PopAlign's run and evaluation are.
    const again: string[] = []
    await runTable1({ workdir, base, settings, log: (l) => again.push(l) })
    expect(again.filter((l) => l.includes('started'))).toEqual([])
    const beta: string[] = []
    const second = await runTable1({ workdir, base, settings: applyOverrides(settings, { beta: 500 }), log: (l) => beta.push(l) })
    expect(beta.filter((l) => l.endsWith(': started')).map((l) => l.replace(/^\[table1 \d+\/10\] /, '').replace(/ \(.*$/, ''))).toEqual(['fine-tune PopAlign', 'evaluate popalign'])
    expect(second.result.settings.finetune.beta).toBe(500)
    expect(second.result.runs.sft.jobId).toBe(result.runs.sft.jobId)
    expect(existsSync(join(workdir, 'state.json'))).toBe(true)
  }, 60_000)

  it('refuses bad input with a clear error', async () => {
    const log = () => {}
    await expect(runTable1({ workdir: join(root.dir, 'x'), base: join(root.dir, 'missing.ckpt'), settings: quickSettings(1), log })).rejects.toThrow(/base checkpoint not found/)
    expect(() => validateSettings({ ...quickSettings(1), finetune: { ...quickSettings(1).finetune, batchSize: 3 } })).toThrow(/must be even/)
    expect(() => validateSettings(applyOverrides(quickSettings(1), { beta: 0 }))).toThrow(/beta must be positive/)
    expect(() => buildPrompts({ ...fullSettings(1), heldOutTemplates: ['a photo of a {}'] })).toThrow(/also training templates/)
    expect(() => buildPrompts({ ...fullSettings(1), heldOutTemplates: ['a selfie of a {}'] })).toThrow(/does not know \(selfie\)/)
    // A workdir belongs to one base model.
    const workdir = join(root.dir, 'one-base')
    mkdirSync(join(workdir, 'base-model'), { recursive: true })
    writeFileSync(join(workdir, 'base-model', 'base.ckpt'), readFileSync(join(baseDir, 'base.ckpt')))
    const other = join(root.dir, 'other.ckpt')
    writeRandomCheckpoint(other)
    await expect(runTable1({ workdir, base: other, settings: quickSettings(1), log })).rejects.toThrow(/holds another base model/)
  })

  it('full settings: at least 10 held-out prompts x 100 images, none of them a training prompt', () => {
    const s = fullSettings(1)
    const p = buildPrompts(s)
    expect(p.heldOutNeutral.length).toBeGreaterThanOrEqual(10)
    expect(s.evaluation.neutralPerPrompt).toBeGreaterThanOrEqual(100)
    expect(p.heldOutNeutral.filter((x) => p.train.includes(x))).toEqual([])
    expect(p.heldOutNeutral).toContain('a portrait of a chef')
    expect(p.specific).toHaveLength(5 * 12)
  })
})
