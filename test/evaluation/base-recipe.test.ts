// The base model's recipe as train-base builds it: the phases, their learning rates, data and seeds.
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { ATTRIBUTE_DATA_OPTIONS, BASE_DATA_OPTIONS, basePhases } from '../../src-main/core/evaluation/base-recipe'

describe('base model recipe', () => {
  it('runs main, decay, attributes and polish, each at a lower rate on its own batch stream', () => {
    const phases = basePhases({}, '/runs/base')
    expect(phases.map((p) => [p.name, p.config.steps, p.config.learningRate, p.runDir])).toEqual([
      ['main', 3000, 1e-3, '/runs/base'],
      ['decay', 2500, 2.5e-4, '/runs/base-decay'],
      ['attributes', 3000, 2.5e-4, '/runs/base-attributes'],
      ['polish', 8000, 1.5e-4, '/runs/base-polish']
    ])
    expect(new Set(phases.map((p) => p.config.seed)).size).toBe(4)
    expect(phases.map((p) => p.data)).toEqual([BASE_DATA_OPTIONS, BASE_DATA_OPTIONS, ATTRIBUTE_DATA_OPTIONS, ATTRIBUTE_DATA_OPTIONS])
    // Neutral captions always keep the bias; attribute phases name attributes more often.
    expect(ATTRIBUTE_DATA_OPTIONS.captionAttributeFraction).toBeGreaterThan(BASE_DATA_OPTIONS.captionAttributeFraction)
  })

  it('is, with default flags, exactly the recipe the shipped base.ckpt was trained with', () => {
    const shipped = JSON.parse(readFileSync('resources/models/base/config.json', 'utf8')) as { phases: { name: string; train: unknown; data: unknown }[] }
    const phases = basePhases({}, '/runs/base')
    expect(phases.map((p) => ({ name: p.name, train: p.config, data: p.data }))).toEqual(shipped.phases.map(({ name, train, data }) => ({ name, train, data })))
  })

  it('leaves out a follow-on phase given 0 steps, and refuses a bad number', () => {
    expect(basePhases({ 'attribute-steps': '0', 'polish-steps': '0' }, '/r').map((p) => p.name)).toEqual(['main', 'decay'])
    expect(basePhases({ 'attribute-steps': '0' }, '/r').map((p) => p.name)).toEqual(['main', 'decay', 'polish'])
    expect(() => basePhases({ 'polish-lr': 'fast' }, '/r')).toThrow(/--polish-lr must be a positive number/)
  })
})
