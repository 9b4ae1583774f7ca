// sandbox1d.run through the real dispatcher: input validation by the contract, densities that are
// probability densities on the grid, the paper's targets, and a diverged model reported as such.
import { describe, expect, it } from 'vitest'
import { contract, type Output } from '@shared/contract'
import { dispatch, type CallContext, type Handlers } from '../../../src-main/core/api/dispatch'
import { paperChecks, sandbox1dHandlers, SANDBOX1D_GRID } from '../../../src-main/core/api/handlers/sandbox1d-handlers'

const owner: CallContext = { annotatorId: 1, scope: 'owner' }
const handlers = sandbox1dHandlers() as unknown as Handlers

async function run(payload: unknown, ctx = owner) {
  return dispatch(handlers, 'sandbox1d.run', payload, ctx, { checkOutputs: true })
}

/** Trapezoid rule on the (evenly spaced) grid. */
function integrate(x: readonly number[], p: readonly number[]): number {
  let s = 0
  for (let i = 1; i < x.length; i++) s += 0.5 * (p[i] + p[i - 1]) * (x[i] - x[i - 1])
  return s
}

describe('sandbox1d.run', () => {
  it('refuses bad input with a message naming the field', async () => {
    const cases: Array<[unknown, RegExp]> = [
      [{ beta: 0 }, /beta/],
      [{ beta: -1 }, /beta/],
      [{ alpha: 1.5 }, /alpha/],
      [{ steps: 0 }, /steps/],
      [{ steps: 3001 }, /steps/],
      [{ steps: 2.5 }, /steps/],
      [{ seed: -1 }, /seed/],
      [{ variant: 'exact' }, /variant/],
      [{ beta: 'one' }, /beta/],
      [{ lr: 0.1 }, /lr|unrecognized/i]
    ]
    for (const [payload, message] of cases) {
      const r = await run(payload)
      expect(r.ok, JSON.stringify(payload)).toBe(false)
      if (!r.ok) {
        expect(r.error.code).toBe('bad_request')
        expect(r.error.message).toMatch(message)
      }
    }
  })

  it('is an owner method (it costs seconds of the serving process)', async () => {
    expect(contract['sandbox1d.run'].scope).toBe('owner')
    const r = await run({ steps: 1 }, { annotatorId: 2, scope: 'annotate' })
    expect(r.ok).toBe(false)
    if (!r.ok) expect(r.error.code).toBe('forbidden')
  })

  it('returns three densities that integrate to 1 on the grid and meet the paper targets at β=1, α=0.5', async () => {
    const r = await run({ beta: 1, alpha: 0.5, steps: 2000, seed: 0, variant: 'diffusion' })
    expect(r.ok).toBe(true)
    if (!r.ok) return
    const out = r.value as Output<'sandbox1d.run'>
    expect(contract['sandbox1d.run'].output.safeParse(out).success).toBe(true)
    // The output must survive JSON (both transports send it that way) unchanged.
    expect(JSON.parse(JSON.stringify(out))).toEqual(out)
    expect(out.grid).toHaveLength(SANDBOX1D_GRID.points)
    expect(out.grid[0]).toBe(SANDBOX1D_GRID.lo)
    expect(out.grid.at(-1)).toBe(SANDBOX1D_GRID.hi)
    for (const density of [out.reference.density, out.popalign.density, out.sft.density]) {
      expect(density).not.toBeNull()
      expect(density!).toHaveLength(out.grid.length)
      expect(density!.every((v) => v >= 0)).toBe(true)
      expect(integrate(out.grid, density!)).toBeCloseTo(1, 2)
    }
    expect(out.reference.params.weights[1]).toBeCloseTo(0.2447284710548, 10)
    expect(out.settings).toMatchObject({ beta: 1, alpha: 0.5, steps: 2000, seed: 0, variant: 'diffusion' })
    expect(out.targetsApply).toBe(true)
    expect(out.checks).toHaveLength(4)
    expect(out.checks.filter((c) => !c.pass)).toEqual([])
    expect(out.sft.params!.weights[1]).toBeLessThanOrEqual(0.05)
  })

  it('applies defaults and says when the targets do not apply', async () => {
    const r = await run({ steps: 20, beta: 2 })
    expect(r.ok).toBe(true)
    if (!r.ok) return
    const out = r.value as Output<'sandbox1d.run'>
    expect(out.settings).toMatchObject({ beta: 2, alpha: 0.5, steps: 20, seed: 0, variant: 'diffusion' })
    expect(out.targetsApply).toBe(false)
  })

  it('fails every check of a diverged model instead of reporting NaN', () => {
    const checks = paperChecks(null, { weights: [0.5, 0.01, 0.49], means: [-7, 0, 7], stds: [1, 1, 1] })
    expect(checks.filter((c) => c.method === 'popalign').every((c) => !c.pass && c.value === null)).toBe(true)
    expect(checks.find((c) => c.method === 'sft')).toMatchObject({ value: 0.01, pass: true })
  })
})
