// The 1-D sandbox screen's logic without a browser: plot geometry, the form check (and that its step
// cap matches the contract's), routes, and the run store against a scripted API.
import { describe, expect, it } from 'vitest'
import { SANDBOX1D_MAX_STEPS, type Output, type Result } from '@shared/contract'
import type { ApiClient } from '../../src-renderer/src/lib/api'
import { formatRoute, parseRoute } from '../../src-renderer/src/lib/route'
import { formatTick, linearScale, linePath, nearestIndex, niceStep, ticks, yTop } from '../../src-renderer/src/lib/sandbox1d/plot-geometry'
import { SandboxRun } from '../../src-renderer/src/lib/sandbox1d/sandbox-run.svelte'
import { checkForm, DEFAULTS, exportName, MAX_STEPS, PRESETS, VARIANTS } from '../../src-renderer/src/lib/sandbox1d/settings'

describe('words on the screen', () => {
  it('name no file of the source tree (issue 10: a newcomer cannot open docs/…)', () => {
    for (const text of [...VARIANTS.flatMap((v) => [v.label, v.detail]), ...PRESETS.flatMap((p) => [p.label, p.why])]) expect(text).not.toMatch(/docs\/|\.md\b|§/)
  })
})

describe('plot geometry', () => {
  it('maps domains to ranges, inverted y included', () => {
    const sy = linearScale([0, 0.4], [300, 20])
    expect(sy(0)).toBe(300)
    expect(sy(0.4)).toBeCloseTo(20, 12)
    expect(sy(0.2)).toBeCloseTo(160, 12)
    expect(() => linearScale([1, 1], [0, 1])).toThrow(/increasing domain/)
  })

  it('makes nice ticks that include both ends when they fall on a step', () => {
    expect(niceStep(-12, 12, 8)).toBe(5)
    expect(ticks(-12, 12, 8)).toEqual([-10, -5, 0, 5, 10])
    expect(ticks(0, 0.3, 5)).toEqual([0, 0.1, 0.2, 0.3])
    expect(ticks(0, 0.3, 10)).toEqual([0, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3])
    expect(formatTick(0.05, 0.05)).toBe('0.05')
    expect(formatTick(-10, 5)).toBe('−10')
  })

  it('caps the y axis at 3x the reference peak so a collapsed spike cannot flatten the plot', () => {
    expect(yTop(0.266, [0.2, 0.17])).toBeGreaterThanOrEqual(0.266)
    expect(yTop(0.266, [0.2, 0.17])).toBeLessThan(0.35)
    expect(yTop(0.266, [50])).toBeLessThanOrEqual(0.266 * 3 * 1.2)
    expect(yTop(0.266, [Number.NaN])).toBeGreaterThan(0)
  })

  it('draws one polyline per curve with finite coordinates even for huge values', () => {
    const sx = linearScale([0, 2], [0, 200])
    const sy = linearScale([0, 1], [100, 0])
    const d = linePath([0, 1, 2], [0, 1e9, 0.5], sx, sy)
    expect(d).toBe('M0.00 100.00L100.00 -300.00L200.00 50.00')
    expect(() => linePath([0, 1], [0], sx, sy)).toThrow(/as many x as y/)
  })

  it('finds the nearest grid point and stays inside the grid', () => {
    const grid = Array.from({ length: 481 }, (_, i) => -12 + i * 0.05)
    expect(nearestIndex(grid, 0)).toBe(240)
    expect(nearestIndex(grid, -100)).toBe(0)
    expect(nearestIndex(grid, 100)).toBe(480)
  })
})

describe('sandbox form', () => {
  it('uses the same step cap as the contract', () => {
    expect(MAX_STEPS).toBe(SANDBOX1D_MAX_STEPS)
  })

  it('accepts the defaults and names every bad field', () => {
    expect(checkForm({ ...DEFAULTS })).toEqual({ ok: true, request: DEFAULTS })
    const bad = checkForm({ beta: null, alpha: 2, steps: 2.5, seed: -1, variant: 'diffusion' })
    expect(bad.ok).toBe(false)
    if (!bad.ok) {
      expect(bad.errors).toHaveLength(4)
      expect(bad.errors.join(' ')).toMatch(/β.*α.*Steps.*seed/)
    }
    expect(checkForm({ ...DEFAULTS, steps: MAX_STEPS + 1 }).ok).toBe(false)
    expect(checkForm({ ...DEFAULTS, variant: 'other' as never }).ok).toBe(false)
  })

  it('names export files after the settings', () => {
    expect(exportName(DEFAULTS, 'png')).toBe('popalign-1d_diffusion_beta1_alpha0.5_steps2000_seed0.png')
  })

  it('routes #/sandbox1d as a screen of no project', () => {
    expect(parseRoute('#/sandbox1d')).toEqual({ screen: 'sandbox1d' })
    expect(formatRoute({ screen: 'sandbox1d' })).toBe('#/sandbox1d')
    expect(formatRoute({ screen: 'projects' })).toBe('#/projects')
    expect(parseRoute('#/p/3/label')).toEqual({ screen: 'label', projectId: 3 })
  })
})

describe('run store', () => {
  const fakeResult = { elapsedMs: 5 } as unknown as Output<'sandbox1d.run'>

  function scripted(answer: () => Promise<Result<unknown>>) {
    const calls: unknown[] = []
    const client: ApiClient = {
      transport: 'serve',
      imageUrl: () => '',
      onEvent: () => () => {},
      call: (async (method: string, input: unknown) => {
        calls.push({ method, input })
        return answer()
      }) as ApiClient['call']
    }
    return { client, calls }
  }

  it('runs once at a time, shows busy while waiting, and keeps the request it showed', async () => {
    let release!: (r: Result<unknown>) => void
    const api = scripted(() => new Promise((r) => (release = r)))
    const run = new SandboxRun(api.client)
    run.apply(PRESETS.find((p) => p.label.startsWith('α 0.25'))!)
    const first = run.run()
    expect(run.busy).toBe(true)
    await run.run() // ignored while busy
    expect(api.calls).toEqual([{ method: 'sandbox1d.run', input: { ...DEFAULTS, alpha: 0.25 } }])
    release({ ok: true, value: fakeResult })
    await first
    expect(run.busy).toBe(false)
    expect(run.result).toBe(fakeResult)
    expect(run.shown).toEqual({ ...DEFAULTS, alpha: 0.25 })
    expect(run.runs).toBe(1)
    expect(run.error).toBeNull()
  })

  it('shows the server error and keeps the previous result', async () => {
    const answers: Result<unknown>[] = [
      { ok: true, value: fakeResult },
      { ok: false, error: { code: 'bad_request', message: 'sandbox1d.run: beta: Too big' } }
    ]
    const api = scripted(async () => answers.shift()!)
    const run = new SandboxRun(api.client)
    await run.run()
    await run.run()
    expect(run.error).toBe('Beta: too big.')
    expect(run.result).toBe(fakeResult)
    expect(run.busy).toBe(false)
  })

  it('does not call the server with an invalid form', async () => {
    const api = scripted(async () => ({ ok: true, value: fakeResult }))
    const run = new SandboxRun(api.client)
    run.form.steps = 0
    await run.run()
    expect(api.calls).toHaveLength(0)
    expect(run.error).toMatch(/Steps must be a whole number/)
  })
})
