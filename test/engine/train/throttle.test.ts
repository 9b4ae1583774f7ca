import { describe, expect, it } from 'vitest'
import { progressThrottle } from '../../../src-main/core/engine/train/throttle'

describe('progress throttle', () => {
  it('reports at most once per interval and always reports the final step', () => {
    const t = progressThrottle(250)
    const times = [0, 10, 100, 249, 250, 251, 499, 500, 600, 620]
    const due = times.map((now, i) => t.due(now, i === times.length - 1))
    expect(due).toEqual([true, false, false, false, true, false, false, true, false, true])
  })

  it('at 4 reports per second, 10 s of steps every 10 ms give 40 reports, not 1000', () => {
    const t = progressThrottle(250)
    let reports = 0
    for (let now = 0; now < 10_000; now += 10) if (t.due(now, false)) reports++
    expect(reports).toBe(40)
  })
})
