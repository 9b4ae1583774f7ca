// When a model picker reads models.list again: a training run of any project that ends, whatever way,
// makes its last checkpoint a model to start from; its progress ticks and other jobs do not.
import { describe, expect, it } from 'vitest'
import { JOB_STATES } from '@shared/job-states'
import type { Job } from '@shared/contract'
import { modelsListStale } from '../../src-renderer/src/lib/models-stale'

describe('modelsListStale', () => {
  it('reloads when a training run ends, and only then', () => {
    const ends = JOB_STATES.filter((state) => modelsListStale({ kind: 'train', state }))
    expect(ends).toEqual(['done', 'failed', 'cancelled'])
  })

  it('ignores the end of jobs that make no model', () => {
    const kinds: Job['kind'][] = ['import', 'sample', 'classify', 'acquire', 'export', 'audit']
    expect(kinds.filter((kind) => modelsListStale({ kind, state: 'done' }))).toEqual([])
  })
})
