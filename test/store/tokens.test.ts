// Token verification must decide by a constant-time digest comparison, not `===`.
import * as crypto from 'node:crypto'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { openTempWorkspace } from './fixtures'

vi.mock('node:crypto', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:crypto')>()
  return { ...actual, timingSafeEqual: vi.fn(actual.timingSafeEqual) }
})

describe('tokens.verify', () => {
  let t: ReturnType<typeof openTempWorkspace>
  beforeEach(() => {
    t = openTempWorkspace()
  })
  afterEach(() => t.dispose())

  it('compares SHA-256 digests with crypto.timingSafeEqual', () => {
    const spy = vi.mocked(crypto.timingSafeEqual)
    const token = t.ws.tokens.create(t.ws.annotators.owner().id, 'owner')
    spy.mockClear()
    expect(t.ws.tokens.verify(token)).toEqual({ annotatorId: t.ws.annotators.owner().id, scope: 'owner', projects: null })
    expect(spy).toHaveBeenCalledTimes(1)
    const [stored, presented] = spy.mock.calls[0] as [Buffer, Buffer]
    expect(stored).toHaveLength(32)
    expect(presented.equals(crypto.createHash('sha256').update(token).digest())).toBe(true)
  })

  it('keeps refusing when the constant-time comparison says no', () => {
    const token = t.ws.tokens.create(t.ws.annotators.owner().id, 'annotate')
    vi.mocked(crypto.timingSafeEqual).mockReturnValueOnce(false)
    expect(t.ws.tokens.verify(token)).toBeNull()
  })
})
