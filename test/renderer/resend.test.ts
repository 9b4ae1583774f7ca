// Resending unanswered decisions: only failures where no answer came back are resent, always with
// the same input, with growing waits, and a closed screen stops it.
import { describe, expect, it } from 'vitest'
import type { Result } from '@shared/contract'
import { isUnanswered, transportError, unansweredError } from '../../src-renderer/src/lib/api'
import { sendUntilAnswered } from '../../src-renderer/src/lib/resend'

const ok: Result<string> = { ok: true, value: 'stored' }

function script(...results: Array<Result<string>>) {
  const calls: number[] = []
  return { calls, send: async () => (calls.push(calls.length + 1), results[Math.min(calls.length - 1, results.length - 1)]) }
}

describe('sendUntilAnswered', () => {
  it('marks only unanswered failures', () => {
    const lost = unansweredError('label.judge: Failed to fetch')
    const refused = transportError('label.judge: session: HTTP 401')
    expect(!lost.ok && isUnanswered(lost.error)).toBe(true)
    expect(!refused.ok && isUnanswered(refused.error)).toBe(false)
    expect(isUnanswered({ code: 'internal', message: 'Failed to fetch' })).toBe(false)
  })

  it('resends after unanswered failures with the given waits, then returns the answer', async () => {
    const s = script(unansweredError('down'), unansweredError('down'), ok)
    const waits: number[] = []
    const resends: number[] = []
    const r = await sendUntilAnswered(s.send, { delaysMs: [10, 20, 30], sleep: async (ms) => void waits.push(ms), onResend: (n) => resends.push(n) })
    expect(r).toEqual(ok)
    expect(s.calls).toHaveLength(3)
    expect(waits).toEqual([10, 20])
    expect(resends).toEqual([1, 2])
  })

  it('returns an answered failure at once (resending cannot change a refusal)', async () => {
    const refusal: Result<string> = { ok: false, error: { code: 'conflict', message: 'step passed' } }
    const s = script(refusal, ok)
    expect(await sendUntilAnswered(s.send, { sleep: async () => {} })).toEqual(refusal)
    expect(s.calls).toHaveLength(1)
  })

  it('gives up after the last wait and returns the last failure', async () => {
    const s = script(unansweredError('down'))
    const r = await sendUntilAnswered(s.send, { delaysMs: [1, 1], sleep: async () => {} })
    expect(r.ok).toBe(false)
    expect(s.calls).toHaveLength(3)
  })

  it('stops when cancelled', async () => {
    const s = script(unansweredError('down'), ok)
    let closed = false
    const r = await sendUntilAnswered(s.send, { delaysMs: [1, 1], sleep: async () => void (closed = true), cancelled: () => closed })
    expect(r.ok).toBe(false)
    expect(s.calls).toHaveLength(1)
  })

  it('keeps resending at the last wait until answered when told to (a restart longer than the waits)', async () => {
    const s = script(...Array.from({ length: 12 }, () => unansweredError('down')), ok)
    const waits: number[] = []
    const r = await sendUntilAnswered(s.send, { delaysMs: [1, 2], untilCancelled: true, sleep: async (ms) => void waits.push(ms) })
    expect(r).toEqual(ok)
    expect(s.calls).toHaveLength(13)
    expect(waits).toEqual([1, ...Array.from({ length: 11 }, () => 2)])
  })

  it('stops resending when cancelled even when told to keep going', async () => {
    const s = script(unansweredError('down'))
    let waits = 0
    const r = await sendUntilAnswered(s.send, { delaysMs: [1], untilCancelled: true, sleep: async () => void waits++, cancelled: () => waits >= 5 })
    expect(r.ok).toBe(false)
    expect(s.calls).toHaveLength(5)
  })
})
