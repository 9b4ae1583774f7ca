// The Runs panel (issue 10): the list is read again when a run of the project starts or ends, without
// a reload, and the comparison names snapshots and runs as people do ("Doctors v2", "Run 2 · step 40"),
// never "#3" or "run:12@40".
import { describe, expect, it } from 'vitest'
import type { RunComparison } from '@shared/contract'
import { runsListStale } from '../../src-renderer/src/lib/finetune/runs-stale'
import { compareRows, modelSizeWords } from '../../src-renderer/src/lib/finetune/compare-rows'
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

describe('compareRows: technical details', () => {
  const config = { steps: 10, batchSize: 8, learningRate: 1e-4, beta: 1000, alpha: 0.5, weighting: 'constant', condDropout: 0.2, seed: 3, schedule: 'cosine', arch: '16px p4 w96 d4' }
  const compared = (jobId: number, over: Partial<RunComparison>): RunComparison =>
    ({
      jobId,
      projectId: 1,
      number: jobId,
      name: null,
      method: 'popalign',
      state: 'done',
      init: 'base',
      snapshotId: null,
      snapshotSha256: null,
      step: 10,
      totalSteps: 10,
      config,
      baseCheckpoint: { model: 'base', step: 8000 },
      backend: 'onnxruntime-node 1.30.0 (CPU, 2 threads, basic optimisation)',
      codeVersion: 'popalign-studio@0.1.0+abc1234',
      final: { step: 10, loss: 0.5, implicitAccuracy: 0.8, rewardMargin: 2.5, Z: 0.25, points: 5 },
      ...over
    }) as RunComparison

  it('puts model size, engine, code version and the normaliser Z apart, in words, after the rows researchers read', () => {
    const rows = compareRows(
      [compared(1, {}), compared(2, { config: { ...config, arch: '16px p4 w192 d8' }, final: { step: 10, loss: 0.4, implicitAccuracy: 0.9, rewardMargin: 3, Z: 0.5, points: 5 } })],
      {
        snapshots: new Map(),
        runs: []
      }
    )
    const technical = rows.filter((r) => r.technical)
    expect(technical.map((r) => [r.label, r.values, r.differs])).toEqual([
      ['Model size', ['patch 4, width 96, depth 4 (16×16 images)', 'patch 4, width 192, depth 8 (16×16 images)'], true],
      ['Training engine', ['onnxruntime-node 1.30.0 (CPU, 2 threads, basic optimisation)', 'onnxruntime-node 1.30.0 (CPU, 2 threads, basic optimisation)'], false],
      ['Code version', ['popalign-studio@0.1.0+abc1234', 'popalign-studio@0.1.0+abc1234'], false],
      ['Final normaliser Z', ['0.2500', '0.5000'], true]
    ])
    // The rows a researcher reads keep their order and hold none of the engineering codes.
    const main = rows.filter((r) => !r.technical)
    expect(main.map((r) => r.label)).toEqual([
      'Method',
      'State',
      'Snapshot',
      'Started from',
      'β',
      'α',
      'Learning rate',
      'Steps',
      'Batch (images)',
      'Loss weighting',
      'Caption dropout',
      'Seed',
      'Final loss',
      'Final implicit accuracy',
      'Final reward margin'
    ])
    expect(JSON.stringify(main)).not.toMatch(/p4 w96|popalign-studio@|onnxruntime/)
    expect(main.find((r) => r.label === 'Loss weighting')?.values).toEqual(['constant', 'constant'])
    expect(rows.slice(-technical.length).every((r) => r.technical)).toBe(true)
  })

  it('names the loss weighting as the papers write it, not by its stored name', () => {
    const rows = compareRows([compared(1, { config: { ...config, weighting: 'debias' } }), compared(2, { config: { ...config, weighting: 'min_snr' } })], { snapshots: new Map(), runs: [] })
    expect(rows.find((r) => r.label === 'Loss weighting')).toMatchObject({ values: ['1/√SNR', 'Min-SNR-γ'], differs: true })
  })

  it('reads an unknown architecture string as recorded, and a run that never started as a dash', () => {
    expect(modelSizeWords('16px p4 w96 d4')).toBe('patch 4, width 96, depth 4 (16×16 images)')
    expect(modelSizeWords('something else')).toBe('something else')
    expect(modelSizeWords(undefined)).toBe('–')
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
