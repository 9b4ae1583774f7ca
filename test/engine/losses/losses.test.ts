import { describe, expect, it } from 'vitest'
import { dpoLoss, dpoLossStacked, popalignLoss, sftLoss } from '../../../src-main/core/engine/losses'

function expectRel(actual: number, expected: number, rel: number, abs = 0): void {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(rel * Math.abs(expected) + abs)
}

const LOG2 = Math.log(2)

describe('Diffusion-DPO, code form (docs/methods/diffusion-dpo.md §Check values)', () => {
  const rows: [number, number, number, number, number, number, number, number][] = [
    [0.1, 0.1, 0.1, 0.1, 5000, 0, 0.6931471806, 1250],
    [0.1, 0.1003, 0.1002, 0.1001, 5000, 1.0, 0.3132616875, 672.3535534],
    [0.1, 0.1003, 0.1002, 0.1001, 2500, 0.5, 0.4740769842, 471.925836],
    [0.101, 0.1, 0.1, 0.1, 5000, -2.5, 2.578889734, 2310.35455],
    [0.05, 0.2, 0.06, 0.18, 5000, 75, 2.6786e-33, 0]
  ]
  it.each(rows)('m_w=%d m_l=%d r_w=%d r_l=%d β=%d', (mw, ml, rw, rl, beta, u, loss, g) => {
    const res = dpoLoss({ modelWin: [mw], modelLose: [ml], refWin: [rw], refLose: [rl], beta })
    expectRel(res.u[0], u, 1e-7, 1e-9)
    expectRel(res.loss, loss, 1e-4 * (loss < 1e-20 ? 1 : 1e-3))
    expectRel(res.gradWin[0], g, 1e-7, 1e-25)
    expect(res.gradLose[0]).toBe(-res.gradWin[0])
  })

  it('batch mean over rows 2 and 4 is 1.4460757109; gradients match finite differences', () => {
    const o = { modelWin: [0.1, 0.101], modelLose: [0.1003, 0.1], refWin: [0.1002, 0.1], refLose: [0.1001, 0.1], beta: 5000 }
    const res = dpoLoss(o)
    expectRel(res.loss, 1.4460757109, 1e-9)
    const h = 1e-9
    for (const key of ['modelWin', 'modelLose'] as const) {
      for (let p = 0; p < 2; p++) {
        const up = o[key].slice()
        const dn = o[key].slice()
        up[p] += h
        dn[p] -= h
        const fd = (dpoLoss({ ...o, [key]: up }).loss - dpoLoss({ ...o, [key]: dn }).loss) / (2 * h)
        const an = key === 'modelWin' ? res.gradWin[p] : res.gradLose[p]
        expectRel(an, fd, 1e-5)
      }
    }
    expect(res.metrics.implicitAccuracy).toBe(0.5)
    expectRel(res.metrics.rewardMargin, (1 - 2.5) / 2, 1e-7)
  })

  it('is log 2 at policy = reference and swapping winners and losers maps u → −u (docs/methods/diffusion-dpo.md §Code form)', () => {
    const m = [0.3, 0.11, 0.2, 0.5]
    const init = dpoLossStacked(m, m, 5000)
    expect(init.loss).toBeCloseTo(LOG2, 12)
    expect(init.metrics.implicitAccuracy).toBe(0.5)
    const a = dpoLoss({ modelWin: [0.1], modelLose: [0.1003], refWin: [0.1002], refLose: [0.1001], beta: 5000 })
    const b = dpoLoss({ modelWin: [0.1003], modelLose: [0.1], refWin: [0.1001], refLose: [0.1002], beta: 5000 })
    expectRel(b.u[0], -a.u[0], 1e-12)
    const stacked = dpoLossStacked([0.1, 0.1003], [0.1002, 0.1001], 5000)
    expectRel(stacked.loss, 0.3132616875, 1e-9)
    expect(Array.from(stacked.grad)).toEqual([stacked.gradWin[0], stacked.gradLose[0]])
  })

  it('rejects bad input', () => {
    expect(() => dpoLoss({ modelWin: [0.1], modelLose: [], refWin: [0.1], refLose: [0.1], beta: 1 })).toThrow(/modelLose has 0/)
    expect(() => dpoLoss({ modelWin: [0.1], modelLose: [0.1], refWin: [0.1], refLose: [0.1], beta: 0 })).toThrow(/beta/)
    expect(() => dpoLoss({ modelWin: [Number.NaN], modelLose: [0.1], refWin: [0.1], refLose: [0.1], beta: 1 })).toThrow(/modelWin\[0\]/)
    expect(() => dpoLossStacked([1, 2, 3], [1, 2, 3], 1)).toThrow(/even/)
  })
})

describe('PopAlign, code form (docs/methods/popalign.md §Check values)', () => {
  const m = [0.1, 0.2, 0.1003, 0.199]
  const r = [0.1004, 0.2002, 0.1001, 0.2]
  const y = [1, 1, -1, -1]
  const table: [number, number, number[], number[], number][] = [
    [0.5, 0.00035, [0.25, -0.75, 2.75, -3.25], [0.57593942, 1.13687101, 0.06196759, 3.28804137], 1.2657048467],
    [0.25, 0.000375, [0.125, -0.875, 2.875, -3.125], [0.63259904, 1.22344458, 0.05488218, 3.16799908], 1.2697312187],
    [0.75, 0.000325, [0.375, -0.625, 2.625, -3.375], [0.52312326, 1.05370068, 0.0699362, 3.4086457], 1.2638514605]
  ]
  it.each(table)('α = %d', (alpha, Z, z, per, mean) => {
    const res = popalignLoss({ modelMse: m, refMse: r, labels: y, beta: 5000, alpha })
    expectRel(res.metrics.Z, Z, 1e-9)
    z.forEach((v, i) => expectRel(res.metrics.z[i], v, 1e-7, 1e-9))
    const perSample = res.metrics.z.map((zi) => Math.max(-zi, 0) + Math.log1p(Math.exp(-Math.abs(zi))))
    per.forEach((v, i) => expectRel(perSample[i], v, 2e-8))
    expectRel(res.loss, mean, 1e-7)
  })

  it('k_pos, k_neg, the code’s 1e-6 variant, KTO branch and β = 1000', () => {
    const res = popalignLoss({ modelMse: m, refMse: r, labels: y, beta: 5000 })
    expectRel(res.metrics.kPos, 0.0003, 1e-9)
    expectRel(res.metrics.kNeg, 0.0004, 1e-9)
    const code = popalignLoss({ modelMse: m, refMse: r, labels: y, beta: 5000, countEpsilon: 1e-6 })
    expectRel(code.loss, 1.2657048261, 1e-9)
    const kto = popalignLoss({ modelMse: m, refMse: r, labels: y, beta: 5000, normalizer: 'kto' })
    expectRel(kto.metrics.Z, 0.00035, 1e-9)
    expectRel(kto.loss, 1.2657048467, 1e-7)
    const b1000 = popalignLoss({ modelMse: m, refMse: r, labels: y, beta: 1000 })
    ;[0.05, -0.15, 0.55, -0.65].forEach((v, i) => expectRel(b1000.metrics.z[i], v, 1e-7))
    expectRel(b1000.loss, 0.7412411282, 1e-7)
    expect(res.metrics.implicitAccuracy).toBe(0.5)
    expectRel(res.metrics.rewardMargin, 5000 * (0.0003 - 0.0004), 1e-7)
  })

  it('gradients with Z fixed equal the values of docs/methods/popalign.md §Check values and central finite differences', () => {
    const res = popalignLoss({ modelMse: m, refMse: r, labels: y, beta: 5000 })
    const expected = [547.27937389, 848.97337397, -75.10831272, -1203.34139082]
    expected.forEach((v, i) => expectRel(res.grad[i], v, 1e-8))
    const h = 1e-9
    for (let i = 0; i < 4; i++) {
      const up = m.slice()
      const dn = m.slice()
      up[i] += h
      dn[i] -= h
      const f = (mm: number[]): number => popalignLoss({ modelMse: mm, refMse: r, labels: y, beta: 5000, fixedZ: res.metrics.Z }).loss
      expectRel(res.grad[i], (f(up) - f(dn)) / (2 * h), 1e-5)
    }
  })

  it('invariants: log 2 at m = r; unchanged when a constant is added to every g (docs/methods/popalign.md §Check values)', () => {
    const init = popalignLoss({ modelMse: r, refMse: r, labels: y, beta: 5000 })
    expect(init.loss).toBeCloseTo(0.69314718056, 11)
    const c = 0.0123
    const shifted = popalignLoss({ modelMse: m.map((v) => v - c), refMse: r, labels: y, beta: 5000 })
    const base = popalignLoss({ modelMse: m, refMse: r, labels: y, beta: 5000 })
    expectRel(shifted.loss, base.loss, 1e-9)
    // descending the gradient lowers winners' errors and raises losers'
    expect(base.grad[0]).toBeGreaterThan(0)
    expect(base.grad[3]).toBeLessThan(0)
  })

  it('rejects bad input', () => {
    expect(() => popalignLoss({ modelMse: m, refMse: r, labels: [1, 0, -1, -1], beta: 1 })).toThrow(/labels\[1\] is 0/)
    expect(() => popalignLoss({ modelMse: m, refMse: r.slice(1), labels: y, beta: 1 })).toThrow(/refMse has 3/)
    expect(() => popalignLoss({ modelMse: m, refMse: r, labels: y, beta: 1, alpha: 2 })).toThrow(/alpha/)
    expect(() => popalignLoss({ modelMse: [], refMse: [], labels: [], beta: 1 })).toThrow(/empty/)
  })
})

describe('SFT (docs/methods/popalign.md §SFT baseline)', () => {
  it('code form 0.075, winners-only 0.15, gradients only on winners', () => {
    const m = [0.1, 0.2, 0.1003, 0.199]
    const y = [1, 1, -1, -1]
    const code = sftLoss(m, y)
    expectRel(code.loss, 0.075, 1e-12)
    expect(Array.from(code.grad)).toEqual([0.25, 0.25, 0, 0])
    const win = sftLoss(m, y, 'winners')
    expectRel(win.loss, 0.15, 1e-12)
    expect(Array.from(win.grad)).toEqual([0.5, 0.5, 0, 0])
    expect(() => sftLoss(m, [1, 2, 1, 1])).toThrow(/labels\[1\]/)
  })
})
