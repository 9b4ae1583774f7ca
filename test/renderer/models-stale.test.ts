// How the model pickers read models.list: a training run of any project that ends, whatever way, makes
// its last checkpoint a model to start from; its progress ticks and other jobs do not. Reads that
// overlap show only the newest one's answer, and the user's pick survives a re-read while it is listed.
import { describe, expect, it } from 'vitest'
import { JOB_STATES } from '@shared/job-states'
import type { Job, ModelEntry, Result } from '@shared/contract'
import type { ApiClient } from '../../src-renderer/src/lib/api'
import { followModels, keptChoice, keptChoices, modelsListStale } from '../../src-renderer/src/lib/models-stale'

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

const model = (id: string): ModelEntry => ({ id }) as ModelEntry
const job = (kind: Job['kind'], state: Job['state']): Job => ({ id: 7, projectId: 2, kind, state }) as Job

/** The studio's side of the client: each models.list call waits until the test answers it. */
function studio() {
  const pending: Array<{ input: unknown; answer: (ids: string[]) => Promise<void> }> = []
  const listeners = new Set<(job: Job) => void>()
  const api = {
    call: (method: string, input: unknown) => {
      expect(method).toBe('models.list')
      return new Promise<Result<ModelEntry[]>>((resolve) => {
        pending.push({
          input,
          answer: async (ids) => {
            resolve({ ok: true, value: ids.map(model) })
            await new Promise((r) => setTimeout(r, 0))
          }
        })
      })
    },
    onEvent: (_name: string, listener: (job: Job) => void) => {
      listeners.add(listener)
      return () => listeners.delete(listener)
    }
  } as unknown as ApiClient
  return { api, pending, listeners, push: (j: Job) => listeners.forEach((l) => l(j)) }
}

describe('followModels', () => {
  it('reads at once, and again when a training run ends, not on its progress or other jobs', async () => {
    const s = studio()
    const lists: string[][] = []
    followModels(s.api, { folders: true }, (r) => r.ok && lists.push(r.value.map((m) => m.id)))
    expect(s.pending.map((p) => p.input)).toEqual([{ folders: true }])
    await s.pending[0].answer(['base'])
    s.push(job('train', 'running'))
    s.push(job('sample', 'done'))
    expect(s.pending.length).toBe(1)
    s.push(job('train', 'cancelled'))
    expect(s.pending.length).toBe(2)
    await s.pending[1].answer(['base', 'run:7@20'])
    expect(lists).toEqual([['base'], ['base', 'run:7@20']])
  })

  it('shows only the newest read when answers come back out of order', async () => {
    const s = studio()
    const lists: string[][] = []
    const follower = followModels(s.api, {}, (r) => r.ok && lists.push(r.value.map((m) => m.id)))
    s.push(job('train', 'done'))
    follower.read()
    await s.pending[2].answer(['base', 'run:7@40'])
    await s.pending[0].answer(['base'])
    await s.pending[1].answer(['base', 'run:7@20'])
    expect(lists).toEqual([['base', 'run:7@40']])
  })

  it('stops listening, and drops an answer still on its way', async () => {
    const s = studio()
    const lists: string[][] = []
    const follower = followModels(s.api, {}, (r) => r.ok && lists.push(r.value.map((m) => m.id)))
    follower.stop()
    expect(s.listeners.size).toBe(0)
    await s.pending[0].answer(['base'])
    expect(lists).toEqual([])
  })
})

describe('keeping the pick', () => {
  const listed = [model('base'), model('run:3@20')]
  it('keeps a pick still listed, else falls back', () => {
    expect(keptChoice('run:3@20', listed, 'base')).toBe('run:3@20')
    expect(keptChoice('run:9@20', listed, 'base')).toBe('base')
    expect(keptChoice('', listed, 'base')).toBe('base')
  })
  it('keeps the ticked boxes still listed, in their order', () => {
    expect(keptChoices(['run:3@20', 'run:9@20', 'base'], listed)).toEqual(['run:3@20', 'base'])
  })
})
