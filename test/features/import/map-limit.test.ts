import { describe, expect, it } from 'vitest'
import { mapLimit } from '../../../src-main/core/features/import/map-limit'

describe('mapLimit', () => {
  it('keeps input order and never exceeds the limit', async () => {
    let inFlight = 0
    let peak = 0
    const out = await mapLimit([5, 1, 4, 2, 3, 0], 2, async (n) => {
      inFlight++
      peak = Math.max(peak, inFlight)
      await new Promise((r) => setTimeout(r, n))
      inFlight--
      return n * 10
    })
    expect(out).toEqual([50, 10, 40, 20, 30, 0])
    expect(peak).toBe(2)
  })

  it('handles an empty list and rejects a bad limit', async () => {
    expect(await mapLimit([], 3, async () => 1)).toEqual([])
    await expect(mapLimit([1], 0, async () => 1)).rejects.toThrow(/positive integer/)
  })

  it('propagates the first error and starts no new item after it', async () => {
    const started: number[] = []
    await expect(
      mapLimit([1, 2, 3, 4, 5, 6], 2, async (n) => {
        started.push(n)
        await new Promise((r) => setTimeout(r, 1))
        if (n === 2) throw new Error('boom')
        return n
      })
    ).rejects.toThrow('boom')
    // 1 and 2 start together; 2 fails; 3 may already have been taken by the worker that ran 1.
    expect(started.length).toBeLessThanOrEqual(3)
  })
})
