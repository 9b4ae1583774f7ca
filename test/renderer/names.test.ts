// How sets, runs, jobs and times read on screen (issue 10): names or per-project numbers, never ids;
// local date and time, never the stored ISO stamp.
import { readdirSync, readFileSync } from 'node:fs'
import { join, relative, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { WORLD_CLASSIFIER_ID } from '../../src-main/core/classifier/world-classifier'
import type { ModelEntry } from '@shared/contract'
import {
  SET_ORIGIN_WORDS,
  WORLD_CLASSIFIER,
  classifierName,
  jobLabel,
  jobStateLabel,
  methodLabel,
  modelChoiceLabels,
  modelDetails,
  ordinal,
  runLabel,
  setLabel,
  snapshotLabel,
  startedFrom
} from '../../src-renderer/src/lib/names'
import { formatLocalDate, formatLocalTime } from '../../src-renderer/src/lib/local-time'

describe('names and times on screen', () => {
  it('calls a set, run or job by its name, else by its per-project number', () => {
    expect(setLabel({ name: null, number: 3 })).toBe('Set 3')
    expect(setLabel({ name: 'hand-picked', number: 3 })).toBe('hand-picked')
    expect(runLabel({ name: null, number: 2 })).toBe('Run 2')
    expect(jobLabel({ kind: 'import', name: null, number: 4 })).toBe('Import 4')
    expect(jobLabel({ kind: 'sample', name: null, number: 1 })).toBe('Sampling 1')
    expect(jobLabel({ kind: 'train', name: 'debiased', number: 1 })).toBe('debiased')
  })
  it('says a snapshot\'s version once when its name is the default "v<version>"', () => {
    expect(snapshotLabel({ name: 'v1', version: 1 })).toBe('v1')
    expect(snapshotLabel({ name: 'balanced', version: 2 })).toBe('balanced · v2')
    // A name that only looks like another version keeps the real one beside it.
    expect(snapshotLabel({ name: 'v1', version: 3 })).toBe('v1 · v3')
  })
  it('calls the built-in classifier by the name its choice has, and a foreign one by its id', () => {
    expect(WORLD_CLASSIFIER).toBe(WORLD_CLASSIFIER_ID)
    expect(classifierName(WORLD_CLASSIFIER_ID)).toBe('Built-in world classifier')
    expect(classifierName('human-gear')).toBe('human-gear')
  })
  it('names a place in a set as an ordinal, so it never reads like an id', () => {
    expect([1, 2, 3, 4, 11, 12, 13, 21, 22, 23, 101, 111].map(ordinal)).toEqual(['1st', '2nd', '3rd', '4th', '11th', '12th', '13th', '21st', '22nd', '23rd', '101st', '111th'])
  })
  it('says where a run started without model ids', () => {
    const runs = [{ jobId: 12, name: null, number: 2 }]
    expect(startedFrom('base', runs)).toBe('Base model (built in)')
    expect(startedFrom('scratch', runs)).toBe('a new model')
    expect(startedFrom('run:12@40', runs)).toBe('Run 2 · step 40')
    expect(startedFrom('run:99@40', runs)).toBe('a run of another project · step 40')
  })
  it('shows a stored UTC stamp in local words, and an unreadable one as stored', () => {
    const shown = formatLocalTime('2026-12-02T18:40:00.000Z', 'en-GB')
    expect(shown).toMatch(/^\d{1,2} Dec 2026, \d{2}:\d{2}$/)
    expect(shown).not.toContain('T18')
    expect(formatLocalDate('2026-12-02T18:40:00.000Z', 'en-GB')).toMatch(/^\d{1,2} Dec 2026$/)
    expect(formatLocalTime('not a time')).toBe('not a time')
  })
  it('calls a fine-tuning method by its published name and a job state in words', () => {
    expect(['popalign', 'dpo', 'sft', null].map((m) => methodLabel(m as 'popalign' | null))).toEqual(['PopAlign', 'Diffusion-DPO', 'SFT', 'plain training'])
    expect((['queued', 'running', 'paused', 'done', 'failed', 'cancelled'] as const).map(jobStateLabel)).toEqual(['waiting to start', 'running', 'paused', 'finished', 'failed', 'cancelled'])
  })
})

describe('one home for the words sets are described by', () => {
  const SRC = resolve(__dirname, '../../src-renderer/src')
  const files = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(join(dir, e.name)) : /\.(ts|svelte)$/.test(e.name) ? [join(dir, e.name)] : []))
  it('keeps where a set came from ("drawn at random", "refined by a chain") in names.ts only', () => {
    const copies = files(SRC)
      .filter((f) => !f.endsWith(join('lib', 'names.ts')))
      .filter((f) => Object.values(SET_ORIGIN_WORDS).some((words) => words.includes(' ') && readFileSync(f, 'utf8').includes(`'${words}'`)))
      .map((f) => relative(SRC, f))
    expect(copies).toEqual([])
  })
})

describe('models in pickers (Sample, Train)', () => {
  const model = (id: string, label: string, over: Partial<ModelEntry> = {}): ModelEntry => ({
    id,
    label,
    source: id === 'base' ? 'builtin' : 'run',
    jobId: id === 'base' ? null : 7,
    projectId: id === 'base' ? null : 1,
    step: 200,
    totalSteps: 200,
    arch: { imageSize: 16, patch: 4, width: 96, depth: 4, heads: 4 },
    weighting: 'constant',
    schedule: 'cosine',
    seed: 0,
    path: `/models/${id}`,
    ...over
  })
  const base = model('base', 'Base model (built in)', { step: 8000, totalSteps: 8000, method: null })

  it("names a model in words, with a fine-tune's method next to its run, and no engineering codes", () => {
    const names = modelChoiceLabels([
      base,
      model('run:7@200', 'Run 3 · step 200', { method: 'popalign' }),
      model('run:7@200-ema', 'Run 3 · step 200 · weight average (EMA)', { method: 'popalign' }),
      model('run:5@100', 'Run 2 · step 100', { method: null }),
      model('sd:tiny', 'tiny (Stable Diffusion)', { source: 'folder', jobId: null })
    ])
    expect([...names.values()]).toEqual(['Base model (built in)', 'Run 3 · PopAlign · step 200', 'Run 3 · PopAlign · step 200 · weight average (EMA)', 'Run 2 · step 100', 'tiny (Stable Diffusion)'])
    for (const name of names.values()) expect(name).not.toMatch(/\d+w×|constant|cosine/)
  })

  it('tells apart two entries that would read the same by what differs, in words', () => {
    // Two projects' runs can both be "Run 1 · step 200": here they differ in loss weighting only.
    const names = modelChoiceLabels([
      base,
      model('run:7@200', 'Run 1 · step 200', { method: 'dpo' }),
      model('run:9@200', 'Run 1 · step 200', { method: 'dpo', weighting: 'debias', projectId: 2 }),
      model('run:11@200', 'Run 1 · step 200', { method: null, weighting: 'debias' })
    ])
    expect(names.get('run:7@200')).toBe('Run 1 · Diffusion-DPO · step 200 · constant loss weighting')
    expect(names.get('run:9@200')).toBe('Run 1 · Diffusion-DPO · step 200 · loss weighting 1/√SNR')
    // The plain run already reads differently (no method), so it gains nothing.
    expect(names.get('run:11@200')).toBe('Run 1 · step 200')
    const sizes = modelChoiceLabels([model('run:1@5', 'big', { arch: { imageSize: 16, patch: 4, width: 192, depth: 8, heads: 4 } }), model('run:2@5', 'big')])
    expect([...sizes.values()]).toEqual(['big · width 192, depth 8', 'big · width 96, depth 4'])
  })

  it('keeps the technical details for the tooltip', () => {
    expect(modelDetails(model('run:7@200', 'Run 3 · step 200', { weighting: 'min_snr', totalSteps: 400 }))).toBe(
      'Model size: patch 4, width 96, depth 4, 4 heads, 16×16 images · loss weighting Min-SNR-γ · cosine noise schedule · seed 0 · step 200 of 400 · model id run:7@200'
    )
    expect(modelDetails(model('sd:tiny', 'tiny (Stable Diffusion)', { source: 'folder' }))).toBe('Stable Diffusion ONNX export (model id sd:tiny)')
  })
})
