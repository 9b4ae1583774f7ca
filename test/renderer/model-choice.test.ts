// Model lists: "sample from it ->" names its checkpoint in the address and the Sample screen selects
// it; otherwise this project's runs come first, the base model next, other projects' runs apart.
import { describe, expect, it } from 'vitest'
import type { ModelEntry } from '@shared/contract'
import { parseRoute } from '../../src-renderer/src/lib/route'
import { initialModel, modelFromHash, modelGroups, reportHash, sampleHash } from '../../src-renderer/src/lib/model-choice'

const entry = (id: string, source: ModelEntry['source'], projectId: number | null): ModelEntry => ({
  id,
  label: id,
  source,
  jobId: source === 'run' ? Number(/run:(\d+)/.exec(id)![1]) : null,
  projectId,
  step: 10,
  totalSteps: 10,
  arch: { imageSize: 16, patch: 4, width: 96, depth: 4, heads: 4 },
  weighting: 'constant',
  schedule: 'cosine',
  seed: 1,
  path: `/models/${id}`
})

// As models.list returns them: base first, then runs newest first.
const models = [entry('base', 'builtin', null), entry('run:9@40', 'run', 2), entry('run:7@20', 'run', 1), entry('run:7@10', 'run', 1)]

describe('sample from a checkpoint', () => {
  it('puts the checkpoint in the Sample address, which the router still reads as the Sample screen', () => {
    const hash = sampleHash(1, 'run:7@20')
    expect(parseRoute(hash)).toEqual({ screen: 'sample', projectId: 1 })
    expect(modelFromHash(hash)).toBe('run:7@20')
    expect(modelFromHash('#/p/1/sample')).toBeNull()
    expect(modelFromHash('#/p/1/train/run:7@20')).toBeNull()
    expect(modelFromHash(reportHash(3, 'run:7@20-ema'), 'reports')).toBe('run:7@20-ema')
    expect(modelFromHash(reportHash(3, 'run:7@20'))).toBeNull()
  })
  it('selects the named checkpoint, not the base model', () => {
    expect(initialModel(models, 1, 'run:7@10')).toBe('run:7@10')
    expect(initialModel(models, 1, 'run:9@40')).toBe('run:9@40')
  })
  it("without one (or a stale one), selects this project's newest run, else the base model", () => {
    expect(initialModel(models, 1, null)).toBe('run:7@20')
    expect(initialModel(models, 1, 'run:404@1')).toBe('run:7@20')
    expect(initialModel(models, 3, null)).toBe('base')
    expect(initialModel([], 3, null)).toBe('')
  })
})

describe('modelGroups', () => {
  it("shows this project's runs first, then the base model, then other projects' runs", () => {
    expect(modelGroups(models, 1).map((g) => [g.label, g.models.map((m) => m.id)])).toEqual([
      ['This project', ['run:7@20', 'run:7@10']],
      ['Built in', ['base']],
      ['Other projects', ['run:9@40']]
    ])
    expect(modelGroups(models, 2).map((g) => g.label)).toEqual(['This project', 'Built in', 'Other projects'])
    expect(modelGroups([models[0]], 1).map((g) => g.label)).toEqual(['Built in'])
  })
  it('offers Stable Diffusion folders of the workspace last, as one choice among the others', () => {
    const withFolder = [...models, entry('sd:tiny', 'folder', null)]
    expect(modelGroups(withFolder, 1).map((g) => [g.label, g.models.map((m) => m.id)])).toEqual([
      ['This project', ['run:7@20', 'run:7@10']],
      ['Built in', ['base']],
      ['Other projects', ['run:9@40']],
      ['Stable Diffusion (workspace models/ folder)', ['sd:tiny']]
    ])
    expect(initialModel([entry('sd:tiny', 'folder', null)], 1, null)).toBe('sd:tiny')
  })
})
