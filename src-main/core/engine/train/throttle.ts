// Progress throttling: at most one report per interval, but always the last one, so a UI never
// floods and never misses the end of a run. Pure, with the clock passed in, so it is tested exactly.

export interface ProgressThrottle {
  /** True when a report should go out at time `now` (ms); `final` forces one. */
  due(now: number, final: boolean): boolean
}

export function progressThrottle(intervalMs: number): ProgressThrottle {
  let last = Number.NEGATIVE_INFINITY
  return {
    due(now, final) {
      if (!final && now - last < intervalMs) return false
      last = now
      return true
    }
  }
}
