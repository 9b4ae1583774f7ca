// The labelling store against a scripted API: decisions map screen sides to sets a/b, carry an
// idempotency key that survives a retry, and the next pair only appears once the server acknowledged.
import { describe, expect, it } from 'vitest'
import type { Input, MethodName, PairTask, Result } from '@shared/contract'
import type { ApiClient, CallOptions } from '../../src-renderer/src/lib/api'
import { DECISION_TIMEOUT_MS } from '../../src-renderer/src/lib/resend'
import { LabelSession } from '../../src-renderer/src/lib/stores/label-session.svelte'

function task(pairId: number, shownLeft: 'a' | 'b', done: number): PairTask {
  const set = (id: number) => ({ id, projectId: 1, promptId: 1, origin: 'random' as const, name: null, number: id, imageIds: [1, 2] })
  return {
    pair: { id: pairId, projectId: 1, promptId: 1, setA: 10 + pairId, setB: 20 + pairId },
    promptText: 'a doctor',
    setA: set(10 + pairId),
    setB: set(20 + pairId),
    shownLeft,
    progress: { done, total: 3 }
  }
}

class ScriptedApi {
  calls: Array<{ method: MethodName; input: unknown; options?: CallOptions }> = []
  queue: PairTask[] = [task(1, 'b', 0), task(2, 'a', 1), task(3, 'a', 2)]
  judged: Array<Input<'label.judge'>> = []
  failNextJudge: string | null = null
  client: ApiClient = {
    transport: 'serve',
    imageUrl: () => '',
    onEvent: () => () => {},
    call: (async (method: MethodName, input: unknown, options?: CallOptions): Promise<Result<unknown>> => {
      this.calls.push({ method, input, options })
      const progress = { done: this.judged.length, total: 3 }
      switch (method) {
        case 'label.next':
          return { ok: true, value: this.queue[0] ?? null }
        case 'label.progress':
          return { ok: true, value: progress }
        case 'label.judge': {
          if (this.failNextJudge) {
            const message = this.failNextJudge
            this.failNextJudge = null
            return { ok: false, error: { code: 'internal', message } }
          }
          const i = input as Input<'label.judge'>
          this.judged.push(i)
          const t = this.queue.shift()!
          return {
            ok: true,
            value: {
              judgement: { id: this.judged.length, pairId: t.pair.id, annotatorId: 1, criterion: 'fairness', choice: i.choice, shownLeft: i.shownLeft, responseMs: i.responseMs, createdAt: '' },
              progress: { done: this.judged.length, total: 3 }
            }
          }
        }
        case 'label.undo': {
          const last = this.judged.pop()
          if (last) this.queue.unshift(task(last.pairId, last.shownLeft, this.judged.length))
          return {
            ok: true,
            value: {
              undone: last
                ? { id: this.judged.length + 1, pairId: last.pairId, annotatorId: 1, criterion: 'fairness', choice: last.choice, shownLeft: last.shownLeft, responseMs: 0, createdAt: '' }
                : null,
              progress: { done: this.judged.length, total: 3 }
            }
          }
        }
        default:
          return { ok: false, error: { code: 'not_found', message: method } }
      }
    }) as ApiClient['call']
  }
}

function session(api: ScriptedApi) {
  let t = 1000
  let key = 0
  return new LabelSession(api.client, 1, { now: () => (t += 250), newKey: () => `key-${++key}` })
}

describe('LabelSession', () => {
  it('maps left/right through shownLeft and sends response time and a fresh key per decision', async () => {
    const api = new ScriptedApi()
    const s = session(api)
    await s.start()
    expect(s.task?.pair.id).toBe(1)
    await s.choose('left') // pair 1 shows b on the left
    expect(s.task?.pair.id).toBe(2)
    await s.choose('left') // pair 2 shows a on the left
    await s.choose('tie')
    expect(api.judged.map((j) => [j.pairId, j.choice, j.shownLeft])).toEqual([
      [1, 'b', 'b'],
      [2, 'a', 'a'],
      [3, 'tie', 'a']
    ])
    expect(api.judged.map((j) => j.idempotencyKey)).toEqual(['key-1', 'key-2', 'key-3'])
    expect(api.judged.every((j) => j.responseMs === 250)).toBe(true)
    // A copy lost on a dead connection stops waiting and is resent (api-client tests the timeout itself).
    expect(api.calls.filter((c) => c.method === 'label.judge').map((c) => c.options)).toEqual(Array(3).fill({ timeoutMs: DECISION_TIMEOUT_MS }))
    expect(s.finished).toBe(true)
    expect(s.progress).toEqual({ done: 3, total: 3 })
    expect(s.save).toEqual({ kind: 'saved', seq: 3 })
    expect(s.announcement).toBe('Tie. Saved, 3 of 3.')
  })

  it('keeps the pair on screen after a failed save and retries with the same key', async () => {
    const api = new ScriptedApi()
    const s = session(api)
    await s.start()
    api.failNextJudge = 'database is locked'
    await s.choose('right')
    expect(s.save).toEqual({ kind: 'error', message: 'Database is locked.' })
    expect(s.task?.pair.id).toBe(1)
    expect(s.hasUnsaved).toBe(true)
    await s.choose('left') // refused: the unsaved decision must be retried (or dropped) first
    expect(api.calls.filter((c) => c.method === 'label.judge')).toHaveLength(1)
    await s.retry()
    expect(api.judged).toHaveLength(1)
    expect(api.judged[0]).toMatchObject({ pairId: 1, choice: 'a', idempotencyKey: 'key-1' })
    expect(s.save.kind).toBe('saved')
    expect(s.task?.pair.id).toBe(2)
  })

  it('undo asks the server, shows the undone pair again and updates progress', async () => {
    const api = new ScriptedApi()
    const s = session(api)
    await s.start()
    await s.choose('cant_judge')
    expect(s.acknowledged).toHaveLength(1)
    await s.undo()
    // It names the decision it undoes, so a retried undo cannot take back a second one (issue 11).
    expect(api.calls.find((c) => c.method === 'label.undo')?.input).toMatchObject({ projectId: 1, judgementId: 1 })
    expect(s.task?.pair.id).toBe(1)
    expect(s.progress.done).toBe(0)
    expect(s.acknowledged).toHaveLength(0)
    expect(s.announcement).toBe('Undone. 0 of 3.')
  })

  it('an undo pressed while the decision is saved and the next pair loads waits, then undoes it', async () => {
    const api = new ScriptedApi()
    const s = session(api)
    await s.start()
    const choosing = s.choose('left')
    expect(s.busy).toBe(true)
    await s.undo()
    await choosing
    expect(api.calls.map((c) => c.method)).toContain('label.undo')
    expect(s.acknowledged).toHaveLength(0)
    expect(s.task?.pair.id).toBe(1)
    expect(s.announcement).toBe('Undone. 0 of 3.')
  })

  it('handles the labelling keys and ignores others', async () => {
    const api = new ScriptedApi()
    const s = session(api)
    await s.start()
    expect(s.handleKey({ key: '?' })).toBe(true)
    expect(s.helpOpen).toBe(true)
    expect(s.handleKey({ key: 'x' })).toBe(false)
    expect(s.handleKey({ key: '2' })).toBe(true)
    await new Promise((r) => setTimeout(r, 0))
    expect(api.judged[0]).toMatchObject({ pairId: 1, choice: 'a' }) // right of shownLeft=b is a
  })

  it('shows a load error instead of an empty screen', async () => {
    const api = new ScriptedApi()
    api.client.call = async () => ({ ok: false, error: { code: 'forbidden', message: 'no access' } })
    const s = session(api)
    await s.start()
    expect(s.loadError).toBe('No access.')
    expect(s.task).toBeNull()
  })
})
