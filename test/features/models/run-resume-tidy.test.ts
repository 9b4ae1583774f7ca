// Issue 11, finding 10: a resumed run leaves no temp checkpoint files of the killed run, and its
// metrics hold no steps past the resumed checkpoint (a second kill before reaching them again would
// otherwise leave the first run's points in the curve).
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { appendMetrics, readMetrics } from '../../../src-main/core/features/models/metrics-log'
import { removeRunTemps, truncateMetricsAfter } from '../../../src-main/core/features/models/run-resume-tidy'
import { atomicTempPath } from '../../../src-main/core/fs/atomic-write'

const dirs: string[] = []
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
})
function runDir(): string {
  const d = mkdtempSync(path.join(tmpdir(), 'popalign-run-'))
  dirs.push(d)
  return d
}

describe('tidying a run folder before resume (issue 11, finding 10)', () => {
  it('removes temp checkpoint files a kill left, and nothing else', () => {
    const dir = runDir()
    writeFileSync(path.join(dir, 'step-100.ckpt'), 'ckpt')
    writeFileSync(path.join(dir, 'run.json'), '{}')
    const temp = atomicTempPath(path.join(dir, 'step-200.ckpt'))
    writeFileSync(temp, 'half a checkpoint')
    writeFileSync(path.join(dir, 'step-200.ckpt.424242.abc123.tmp'), 'another')
    expect(removeRunTemps(dir)).toHaveLength(2)
    expect(readdirSync(dir).sort()).toEqual(['run.json', 'step-100.ckpt'])
    expect(existsSync(temp)).toBe(false)
  })

  it('drops metrics past the resumed step, so a killed resume leaves no stale points ahead of the curve', () => {
    const dir = runDir()
    const line = (step: number, loss: number) => appendMetrics(dir, { step, loss, itPerSec: 1, etaSeconds: null, at: 'first run' })
    for (let step = 10; step <= 150; step += 10) line(step, 1)
    // Killed at 150 with the last checkpoint at 100: the resume starts at 100.
    expect(truncateMetricsAfter(dir, 100)).toBe(5)
    expect(
      readMetrics(dir)
        .map((l) => l.step)
        .at(-1)
    ).toBe(100)
    // The resumed run writes 110 with a new loss and is killed again: 120-150 of the first run are gone.
    appendMetrics(dir, { step: 110, loss: 0.5, itPerSec: 1, etaSeconds: null, at: 'second run' })
    const steps = readMetrics(dir).map((l) => l.step)
    expect(steps.at(-1)).toBe(110)
    expect(truncateMetricsAfter(dir, 110)).toBe(0)
  })
})
