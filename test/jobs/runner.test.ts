import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { Job } from '@shared/contract'
import { ApiFailure } from '../../src-main/core/errors/api-failure'
import { openWorkspace, type Workspace } from '../../src-main/core/store/open'
import { jobsRepo } from '../../src-main/core/store/repos/jobs'
import { createJobRunner, type JobContext } from '../../src-main/core/jobs/runner'
import { tempDir } from '../store/helpers'

let tmp: ReturnType<typeof tempDir>
let ws: Workspace
beforeEach(() => {
  tmp = tempDir('jobs-')
  ws = openWorkspace(path.join(tmp.dir, 'ws.sqlite'))
})
afterEach(() => {
  ws.close()
  tmp.cleanup()
})

const tick = (ms = 0) => new Promise((r) => setTimeout(r, ms))

describe('job runner', () => {
  it('runs a job to done, persisting progress and announcing it', async () => {
    const events: Job[] = []
    const runner = createJobRunner({ db: ws.db, onEvent: (_e, job) => events.push(job), throttleMs: 0 })
    runner.register('export', async (ctx) => {
      for (let i = 1; i <= 3; i++) ctx.progress({ done: i, total: 3 })
      return { message: 'exported 3' }
    })
    const job = runner.start('export', { projectId: null, payload: { a: 1 } })
    expect(job.state).toBe('running')
    await runner.idle()
    const final = runner.get(job.id)
    expect(final).toMatchObject({ state: 'done', done: 3, total: 3, message: 'exported 3', error: null })
    expect(events.map((e) => e.done)).toEqual([0, 1, 2, 3, 3])
    expect(events.at(-1)!.state).toBe('done')
    // Events carry the contract's Job shape: no internal payload.
    expect(Object.keys(events[0]).sort()).toEqual(['createdAt', 'done', 'error', 'id', 'kind', 'message', 'name', 'number', 'projectId', 'state', 'total', 'updatedAt'])
  })

  it('throttles progress events', async () => {
    const events: Job[] = []
    const runner = createJobRunner({ db: ws.db, onEvent: (_e, job) => events.push(job), throttleMs: 10_000 })
    runner.register('export', async (ctx) => {
      for (let i = 1; i <= 500; i++) ctx.progress({ done: i, total: 500 })
    })
    runner.start('export', { projectId: null })
    await runner.idle()
    // start, the first progress, and the final state; nothing in between.
    expect(events.length).toBeLessThanOrEqual(3)
    expect(events.at(-1)).toMatchObject({ state: 'done', done: 500 })
  })

  it('fails a job whose handler throws, with the message', async () => {
    const runner = createJobRunner({ db: ws.db })
    runner.register('export', async () => {
      throw new Error('disk full')
    })
    const job = runner.start('export', { projectId: null })
    await runner.idle()
    expect(runner.get(job.id)).toMatchObject({ state: 'failed', error: 'disk full' })
  })

  it('cancels a running job: the handler sees the abort and the state stays cancelled', async () => {
    let sawAbort = false
    const runner = createJobRunner({ db: ws.db, throttleMs: 0 })
    runner.register('export', async (ctx: JobContext) => {
      for (let i = 0; i < 1000 && !ctx.signal.aborted; i++) {
        ctx.progress({ done: i, total: 1000 })
        await tick(1)
      }
      sawAbort = ctx.signal.aborted
    })
    const job = runner.start('export', { projectId: null })
    await tick(20)
    expect(runner.cancel(job.id).state).toBe('cancelled')
    await runner.idle()
    expect(sawAbort).toBe(true)
    expect(runner.get(job.id).state).toBe('cancelled')
    // Cancelling a finished job is harmless; an unknown one is a clear error.
    expect(runner.cancel(job.id).state).toBe('cancelled')
    expect(() => runner.cancel(999)).toThrow(ApiFailure)
    expect(() => runner.cancel(999)).toThrow(/job 999 does not exist/)
  })

  it('resumes jobs left running by a previous process, with their payload', async () => {
    const jobs = jobsRepo(ws.db)
    const left = jobs.update(jobs.create({ projectId: null, kind: 'export', payload: { cursor: 7 } }).id, { state: 'running', done: 7, total: 10 })
    const finished = jobs.update(jobs.create({ projectId: null, kind: 'export' }).id, { state: 'done' })
    const seen: unknown[] = []
    const runner = createJobRunner({ db: ws.db })
    runner.register('export', async (ctx) => {
      seen.push(ctx.payload)
      ctx.progress({ done: 10 })
    })
    const resumed = runner.resumePending()
    expect(resumed.map((j) => j.id)).toEqual([left.id])
    await runner.idle()
    expect(seen).toEqual([{ cursor: 7 }])
    expect(runner.get(left.id)).toMatchObject({ state: 'done', done: 10 })
    expect(runner.get(finished.id).state).toBe('done')
  })

  it('fails a resumed job of a kind nobody handles instead of leaving it running forever', async () => {
    const jobs = jobsRepo(ws.db)
    const left = jobs.update(jobs.create({ projectId: null, kind: 'train' }).id, { state: 'running' })
    const runner = createJobRunner({ db: ws.db })
    runner.resumePending()
    await runner.idle()
    expect(runner.get(left.id)).toMatchObject({ state: 'failed', error: 'no handler for jobs of kind "train"' })
    expect(() => runner.start('train', { projectId: null })).toThrow(/no handler/)
  })

  it('shutdown leaves a job running so that the next start resumes it', async () => {
    const runner = createJobRunner({ db: ws.db, throttleMs: 0 })
    runner.register('export', async (ctx) => {
      while (!ctx.signal.aborted) {
        ctx.progress({ done: 1, total: 2 })
        await tick(2)
      }
    })
    const job = runner.start('export', { projectId: null })
    await tick(20)
    await runner.shutdown()
    expect(runner.get(job.id)).toMatchObject({ state: 'running', done: 1 })
    const next = createJobRunner({ db: ws.db })
    next.register('export', async () => ({ message: 'finished after restart' }))
    expect(next.resumePending().map((j) => j.id)).toEqual([job.id])
    await next.idle()
    expect(next.get(job.id)).toMatchObject({ state: 'done', message: 'finished after restart' })
  })

  it('refuses a second handler for the same kind', () => {
    const runner = createJobRunner({ db: ws.db })
    runner.register('export', async () => {})
    expect(() => runner.register('export', async () => {})).toThrow(/already registered/)
  })
})
