// The Runs panel (issue 10): the list is read again when a run of the project starts or ends, without
// a reload, and the comparison names snapshots and runs as people do ("Doctors v2", "Run 2 · step 40"),
// never "#3" or "run:12@40".
import { describe, expect, it } from 'vitest'
import type { RunComparison } from '@shared/contract'
import { runsListStale } from '../../src-renderer/src/lib/finetune/runs-stale'
import { compareRows } from '../../src-renderer/src/lib/finetune/compare-rows'
import { withFollowedRun } from '../../src-renderer/src/lib/finetune/runs-followed'

describe('runsListStale', () => {
  const runs = [{ jobId: 12, state: 'running' as const }]
  it('is true when a shown run ends or a new run of the project appears', () => {
    expect(runsListStale({ id: 12, kind: 'train', projectId: 1, state: 'done' }, 1, runs)).toBe(true)
    expect(runsListStale({ id: 13, kind: 'train', projectId: 1, state: 'queued' }, 1, runs)).toBe(true)
  })
  it('is false for progress of a run already shown in its state, other kinds and other projects', () => {
    expect(runsListStale({ id: 12, kind: 'train', projectId: 1, state: 'running' }, 1, runs)).toBe(false)
    expect(runsListStale({ id: 14, kind: 'sample', projectId: 1, state: 'done' }, 1, runs)).toBe(false)
    expect(runsListStale({ id: 15, kind: 'train', projectId: 2, state: 'done' }, 1, runs)).toBe(false)
  })
})

describe('compareRows', () => {
  const run = (over: Partial<RunComparison>): RunComparison =>
    ({
      jobId: 12,
      projectId: 1,
      number: 2,
      name: null,
      method: 'popalign',
      state: 'done',
      init: 'run:11@40',
      snapshotId: 3,
      snapshotSha256: 'abcdef0123456789',
      step: 10,
      totalSteps: 10,
      config: null,
      baseCheckpoint: { model: 'run:11', step: 40 },
      backend: null,
      codeVersion: null,
      final: { step: 10, loss: 0.5, implicitAccuracy: null, rewardMargin: null, Z: null, points: 1 },
      ...over
    }) as RunComparison
  const names = { snapshots: new Map([[3, 'Doctors · v2']]), runs: [{ jobId: 11, name: null, number: 1 }] }

  it('names the snapshot and the run it started from, not their ids', () => {
    const rows = Object.fromEntries(compareRows([run({}), run({ jobId: 13, init: 'base', baseCheckpoint: { model: 'base', step: 8000 }, snapshotId: null })], names).map((r) => [r.label, r.values]))
    expect(rows.Snapshot).toEqual(['Doctors · v2 · abcdef0123', '–'])
    expect(rows['Started from']).toEqual(['Run 1 · step 40', 'Base model (built in) · step 8000'])
    expect(JSON.stringify(rows)).not.toMatch(/#3|run:11/)
  })

  it('says the method and the state in words, not as stored', () => {
    const rows = Object.fromEntries(compareRows([run({}), run({ jobId: 13, method: null, state: 'queued' })], names).map((r) => [r.label, r.values]))
    expect(rows.Method).toEqual(['PopAlign', 'plain training'])
    expect(rows.State).toEqual(['finished', 'waiting to start'])
  })
})

describe('withFollowedRun', () => {
  // The list was read while the run started; the header above it has followed the run to its end.
  const listed = [
    { jobId: 12, state: 'running' as const, step: 0 },
    { jobId: 11, state: 'done' as const, step: 40 }
  ]
  it('shows the followed run as its header does, and leaves the other runs as listed', () => {
    expect(withFollowedRun(listed, { job: { id: 12, state: 'done' }, step: 20 })).toEqual([
      { jobId: 12, state: 'done', step: 20 },
      { jobId: 11, state: 'done', step: 40 }
    ])
  })
  it('keeps the list when no run is followed, or the followed one is not in it yet', () => {
    expect(withFollowedRun(listed, undefined)).toEqual(listed)
    expect(withFollowedRun(listed, { job: null, step: null })).toEqual(listed)
    expect(withFollowedRun(listed, { job: { id: 99, state: 'running' }, step: 3 })).toEqual(listed)
  })
})
