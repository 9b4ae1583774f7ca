// The Reports store opens the report it started even when the report's job finished before
// report.start's answer came back (seen under load: the last progress event arrived first, found no
// report open, and the screen waited for ever).
import { describe, expect, it } from 'vitest'
import type { Job, MethodName, ReportSummary, Result } from '@shared/contract'
import type { ApiClient } from '../../src-renderer/src/lib/api'
import { ReportsStore } from '../../src-renderer/src/lib/stores/reports.svelte'

const job = (state: Job['state']): Job => ({
  id: 7,
  projectId: 1,
  kind: 'audit',
  state,
  done: 1,
  total: 1,
  message: '',
  error: null,
  number: 1,
  name: null,
  createdAt: '2026-12-03T06:00:00Z',
  updatedAt: '2026-12-03T06:00:01Z'
})
const summary = (state: ReportSummary['state']): ReportSummary => ({
  reportId: 7,
  projectId: 1,
  title: 'Doctors',
  state,
  done: 1,
  total: 1,
  message: '',
  error: null,
  sources: ['imported images'],
  prompts: 1,
  createdAt: '2026-12-03T06:00:00Z'
})
const REPORT = { schema: 'popalign-audit-report', title: 'Doctors' }

/** report.start answers only after the job's final progress event has been delivered. */
function racingApi(finalState: 'done' | 'running'): { client: ApiClient; gets: number } {
  let listener: ((job: Job) => void) | null = null
  const out = { gets: 0, client: null as unknown as ApiClient }
  out.client = {
    transport: 'serve',
    imageUrl: () => '',
    onEvent: ((_name: string, cb: (job: Job) => void) => {
      listener = cb
      return () => (listener = null)
    }) as ApiClient['onEvent'],
    call: (async (method: MethodName): Promise<Result<unknown>> => {
      switch (method) {
        case 'report.start':
          listener?.(job(finalState))
          await new Promise((r) => setTimeout(r, 10))
          return { ok: true, value: job('queued') }
        case 'report.list':
          return { ok: true, value: [summary(finalState)] }
        case 'report.get':
          out.gets++
          return { ok: true, value: REPORT }
        default:
          return { ok: false, error: { code: 'not_found', message: method } }
      }
    }) as ApiClient['call']
  }
  return out
}

describe('ReportsStore.start', () => {
  it('opens the report whose job finished before report.start answered', async () => {
    const api = racingApi('done')
    const store = new ReportsStore(api.client, 1)
    await store.start({} as never)
    expect(store.reportId).toBe(7)
    expect(store.report).toEqual(REPORT)
    expect(api.gets).toBe(1)
  })

  it('waits for the job while it is still running', async () => {
    const api = racingApi('running')
    const store = new ReportsStore(api.client, 1)
    await store.start({} as never)
    expect(store.reportId).toBe(7)
    expect(store.report).toBeNull()
    expect(api.gets).toBe(0)
  })
})
