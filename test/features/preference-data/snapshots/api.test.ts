// snapshots.* and export.start through the contract's dispatcher: validated input, output that matches
// the schemas, owner-only scope, and clear failures.
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { dispatch, type CallContext } from '../../../../src-main/core/api/dispatch'
import { createExportService } from '../../../../src-main/core/features/preference-data/export/export-service'
import { createJobRunner, type JobRunner } from '../../../../src-main/core/jobs/runner'
import { createHandlers } from '../../../../src-main/core/api/handlers/handlers'
import { judgedProject, type JudgedProject } from './fixture'
import { testConfig } from '../../../helpers/config'

describe('snapshot and export methods', () => {
  let f: JudgedProject
  let runner: JobRunner
  let call: (method: string, input: unknown, ctx?: CallContext) => Promise<any>
  beforeEach(() => {
    f = judgedProject()
    runner = createJobRunner({ db: f.ws.db, throttleMs: 0 })
    const handlers = createHandlers({
      ws: f.ws,
      jobs: runner,
      imports: {
        start: () => {
          throw new Error('unused')
        },
        report: () => {
          throw new Error('unused')
        }
      },
      exports: createExportService({ ws: f.ws, runner, exportRoots: testConfig().exportRoots })
    })
    const owner: CallContext = { annotatorId: f.annotators.owner, scope: 'owner' }
    call = (method, input, ctx = owner) => dispatch(handlers, method, input, ctx, { checkOutputs: true })
  })
  afterEach(async () => {
    await runner.shutdown()
    f.dispose()
  })

  it('creates, lists and gets snapshots (criterion fairness by default)', async () => {
    const created = await call('snapshots.create', { projectId: f.projectId })
    expect(created.ok).toBe(true)
    expect(created.value).toMatchObject({ version: 1, name: 'v1', criterion: 'fairness', counts: { pairsUsed: 5, rows: 30 }, adjudications: 0 })
    expect(created.value.judgementIds).toHaveLength(12)
    expect(created.value.annotators.map((a: any) => a.name)).toEqual(['owner', 'classifier', 'h1', 'h2'])
    const listed = await call('snapshots.list', { projectId: f.projectId })
    expect(listed.value).toHaveLength(1)
    expect(listed.value[0]).not.toHaveProperty('judgementIds')
    expect((await call('snapshots.get', { snapshotId: created.value.id })).value).toEqual(created.value)
  })

  it('starts an export job and reports bad input clearly', async () => {
    const snap = (await call('snapshots.create', { projectId: f.projectId, name: 'paper' })).value
    const file = join(f.dir, 'prefs.jsonl')
    const started = await call('export.start', { snapshotId: snap.id, format: 'jsonl', outPath: file })
    expect(started.value).toMatchObject({ kind: 'export', projectId: f.projectId, state: 'running' })
    await runner.idle()
    expect(runner.get(started.value.id).state).toBe('done')

    expect((await call('export.start', { snapshotId: snap.id, projectId: f.projectId, format: 'jsonl', outPath: file })).error.message).toMatch(/exactly one of snapshotId or projectId/)
    expect((await call('export.start', { snapshotId: snap.id, format: 'xlsx', outPath: file })).error.code).toBe('bad_request')
    expect((await call('export.start', { snapshotId: snap.id, format: 'jsonl', outPath: 'rel.jsonl' })).error).toMatchObject({ code: 'bad_request', message: expect.stringMatching(/absolute/) })
    expect((await call('snapshots.get', { snapshotId: 4242 })).error).toMatchObject({ code: 'not_found' })
    expect((await call('snapshots.create', { projectId: f.ws.projects.create('E', '').id })).error).toMatchObject({ code: 'bad_request', message: expect.stringMatching(/no fairness judgements/) })
    const annotator: CallContext = { annotatorId: f.annotators.h1, scope: 'annotate' }
    expect((await call('snapshots.create', { projectId: f.projectId }, annotator)).error.code).toBe('forbidden')
  })
})
