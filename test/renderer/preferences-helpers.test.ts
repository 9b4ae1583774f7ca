import { describe, expect, it } from 'vitest'
import type { Job } from '@shared/contract'
import { axisViews, percent, statusRows } from '../../src-renderer/src/lib/prefs/classify-view'
import { sampledWords, stepWords } from '../../src-main/core/features/preference-data/acquire/progress-words'
import { groupDrops, lines, reasonLabel, stagesLabel, stepOf, toAcquireInput, type AcquireFormValues } from '../../src-renderer/src/lib/prefs/acquire-form'
import { suggestedName, withFormatExtension } from '../../src-renderer/src/lib/prefs/export-form'
import { pickLatest } from '../../src-renderer/src/lib/prefs/latest-job'

describe('statusRows', () => {
  it('lists every status, zeros and unclassified included, with shares of the whole', () => {
    const rows = statusRows({ counts: { ok: 6, no_detection: 2, low_confidence: 0, error: 1 }, unclassified: 1 })
    expect(rows.map((r) => [r.key, r.count])).toEqual([
      ['ok', 6],
      ['no_detection', 2],
      ['low_confidence', 0],
      ['error', 1],
      ['unclassified', 1]
    ])
    expect(rows[0].share).toBeCloseTo(0.6)
    expect(rows.every((r) => r.label.length > 0 && (r.hint ?? '').length > 0)).toBe(true)
  })
  it('gives shares of 0 when nothing exists', () => {
    expect(statusRows({ counts: { ok: 0, no_detection: 0, low_confidence: 0, error: 0 }, unclassified: 0 }).every((r) => r.share === 0)).toBe(true)
  })
})

describe('axisViews', () => {
  const taxonomy = [
    { name: 'silhouette', classes: ['round', 'angular'] },
    { name: 'tone', classes: ['amber', 'teal', 'violet'] }
  ]
  it('orders classes as the taxonomy does and shows absent classes as 0', () => {
    const views = axisViews(
      [
        {
          axis: 'tone',
          counts: [
            { cls: 'violet', count: 3 },
            { cls: 'amber', count: 1 }
          ]
        }
      ],
      taxonomy
    )
    expect(views.map((v) => v.axis)).toEqual(['silhouette', 'tone'])
    expect(views[0].total).toBe(0)
    expect(views[0].rows.map((r) => r.count)).toEqual([0, 0])
    expect(views[1].rows.map((r) => [r.label, r.count])).toEqual([
      ['amber', 1],
      ['teal', 0],
      ['violet', 3]
    ])
    expect(views[1].rows[2].share).toBeCloseTo(0.75)
  })
  it('keeps classes and axes the taxonomy lacks, flagging foreign classes', () => {
    const views = axisViews(
      [
        { axis: 'tone', counts: [{ cls: 'green', count: 2 }] },
        { axis: 'age', counts: [{ cls: 'old', count: 1 }] }
      ],
      taxonomy
    )
    expect(views.map((v) => v.axis)).toEqual(['silhouette', 'tone', 'age'])
    expect(views[1].rows.map((r) => r.label)).toEqual(['amber', 'teal', 'violet', 'green'])
    expect(views[1].foreign).toEqual(['green'])
    expect(views[2].rows.map((r) => r.label)).toEqual(['old'])
  })
  it('formats shares as percentages with one decimal', () => {
    expect(percent(0.5)).toBe('50%')
    expect(percent(1 / 3)).toBe('33.3%')
  })
})

describe('acquisition form', () => {
  const base: AcquireFormValues = { neutralPrompts: ['a photo of a doctor'], model: 'base', nPerNeutral: '', mPerSpecific: '', k: '5', pairsPerPrompt: '20', seed: '1', templates: '' }

  it('splits lines, trimming and dropping blanks', () => {
    expect(lines(' a \n\n b\r\nc ')).toEqual(['a', 'b', 'c'])
  })
  it('leaves blank N and M to the studio defaults', () => {
    const r = toAcquireInput(7, base)
    expect(r).toEqual({ ok: true, input: { projectId: 7, neutralPrompts: ['a photo of a doctor'], model: 'base', k: 5, pairsPerPrompt: 20, seed: 1 } })
  })
  it('passes N, M, templates, and removes duplicate prompts', () => {
    const r = toAcquireInput(7, { ...base, neutralPrompts: ['x', ' x ', 'y'], nPerNeutral: '12', mPerSpecific: '3', templates: 'a {tone} {concept}\n' })
    expect(r.ok && r.input).toMatchObject({ neutralPrompts: ['x', 'y'], nPerNeutral: 12, mPerSpecific: 3, templates: ['a {tone} {concept}'] })
  })
  it.each([
    [{ neutralPrompts: [] }, /neutral prompt/],
    [{ model: '' }, /model/],
    [{ k: '0' }, /^Images per set must be between 1 and 64\.$/],
    [{ k: '2.5' }, /whole number/],
    [{ nPerNeutral: 'many' }, /^Images per neutral prompt must be a whole number\.$/],
    [{ seed: '-1' }, /Seed must be a whole number/]
  ])('refuses %o', (patch, message) => {
    const r = toAcquireInput(1, { ...base, ...patch })
    expect(r.ok).toBe(false)
    if (!r.ok) expect(r.error).toMatch(message)
  })
  it('reads the step from the job message', () => {
    expect(stepOf('acquiring preferences for 2 prompt(s)')).toBe('plan')
    expect(stepOf('step sample')).toBe('sample')
    expect(stepOf('sampled "a photo of a round amber doctor"')).toBe('sample')
    expect(stepOf('classifying')).toBe('classify')
    expect(stepOf('step gate')).toBe('gate')
    expect(stepOf('building pairs')).toBe('pairs')
    expect(stepOf('something else')).toBeNull()
  })
  it('says where drops happened in words', () => {
    expect(stagesLabel(['gate'])).toBe('at the gate')
    expect(stagesLabel(['sample', 'gate', 'pairs'])).toBe('while sampling, at the gate and while pairing')
  })
  it('reads the step from every message the acquisition job words (issue 10: images and prompts, not units of work)', () => {
    const c = { planned: 56, sampled: 24, toClassify: 54, classified: 16, promptsPaired: 1, prompts: 2 }
    for (const step of ['plan', 'sample', 'classify', 'gate', 'pairs'] as const) expect(stepOf(stepWords(step, c))).toBe(step)
    expect(sampledWords(c, 'a photo of a round amber doctor with pairs of glasses')).toBe('sampled 24 of 56 images (last: “a photo of a round amber doctor with pairs of glasses”)')
    expect(stepOf(sampledWords(c, 'a photo of a round amber doctor with pairs of glasses'))).toBe('sample')
    expect(stepWords('classify', c)).toBe('classifying images: 16 of 54 read by the classifier')
    expect(stepWords('pairs', c)).toBe('building pairs: 1 of 2 prompts done')
  })
})

describe('groupDrops', () => {
  it('groups by reason, most frequent first, keeping images and image-less details', () => {
    const drop = (reason: string, imageId: number | null, stage: 'sample' | 'gate' | 'pairs' = 'gate', detail = 'd', prompt: string | null = null) => ({
      stage,
      reason,
      detail,
      imageId,
      promptId: null,
      prompt
    })
    const groups = groupDrops([
      drop('low_confidence', 1),
      drop('no_detection', 2),
      drop('low_confidence', 3),
      drop('pool_too_small', null, 'pairs', 'neutral pool has 2', 'a photo of a doctor'),
      drop('pool_too_small', null, 'pairs', 'neutral pool has 2', 'a photo of a doctor')
    ])
    expect(groups.map((g) => [g.reason, g.count])).toEqual([
      ['low_confidence', 2],
      ['pool_too_small', 2],
      ['no_detection', 1]
    ])
    expect(groups[0].imageIds).toEqual([1, 3])
    expect(groups[1].details).toEqual(['a photo of a doctor: neutral pool has 2'])
    expect(groups[1].stages).toEqual(['pairs'])
    expect(reasonLabel('pool_too_small')).toBe('pool too small')
  })
})

describe('export helpers', () => {
  it('swaps a known extension for the chosen format and leaves other paths alone', () => {
    expect(withFormatExtension('/tmp/out.jsonl', 'popalign_csv')).toBe('/tmp/out.csv')
    expect(withFormatExtension('/tmp/out.CSV', 'pickapic_parquet')).toBe('/tmp/out.parquet')
    expect(withFormatExtension('/tmp/out.txt', 'jsonl')).toBe('/tmp/out.txt')
  })
  it('suggests a file name per source and format', () => {
    expect(suggestedName({ snapshotVersion: 3, criterion: 'fairness' }, 'jsonl')).toBe('popalign-snapshot-v3-fairness.jsonl')
    expect(suggestedName(null, 'pickapic_parquet')).toBe('popalign-live-judgements.parquet')
  })
})

describe('pickLatest', () => {
  const job = (id: number, kind: Job['kind']): Job => ({ id, projectId: 1, kind, state: 'done', done: 0, total: 0, message: '', error: null, number: id, name: null, createdAt: '', updatedAt: '' })
  it('returns the newest job of the kind, or null', () => {
    expect(pickLatest([job(1, 'classify'), job(4, 'export'), job(3, 'classify')], 'classify')?.id).toBe(3)
    expect(pickLatest([job(1, 'export')], 'acquire')).toBeNull()
  })
})
