// Parity of the real-model trainer's objectives (resources/python/popalign_trainer/losses.py) with the
// studio's TypeScript losses, on shared random inputs, in float64: loss values, metrics and the
// gradient with respect to every model MSE (autograd there, analytic here), plus the timestep
// weights on SD's scaled_linear schedule (built independently on both sides). Relative error <= 1e-6.
import { spawnSync } from 'node:child_process'
import { describe, expect, it } from 'vitest'
import { makeSchedule } from '../../src-main/core/engine/diffusion/schedule'
import { lossWeights, type LossWeighting } from '../../src-main/core/engine/diffusion/weights'
import { dpoLossStacked, popalignLoss, sftLoss } from '../../src-main/core/engine/losses'
import { Rng } from '../../src-main/core/random/rng'
import { evaluateObjective } from '../../src-main/core/training/finetune/objective'
import { envPython, trainerEnv } from '../../src-main/core/python-env'
import { requireTestEnv, SKIP_PYTHON, TRAINER_SOURCE } from '../helpers/python-env'

const TOL = 1e-6

type Case = Record<string, unknown> & { kind: string }
interface Expected {
  loss?: number
  grad?: ArrayLike<number>
  implicitAccuracy?: number | null
  rewardMargin?: number | null
  Z?: number | null
  weights?: ArrayLike<number>
}

/** Relative error with a floor on the scale, so values near 0 are compared absolutely at 1e-12. */
function relErr(a: number, b: number): number {
  return Math.abs(a - b) / Math.max(Math.abs(a), Math.abs(b), 1e-12)
}

function runPython(cases: Case[]): Expected[] {
  const envDir = requireTestEnv()
  const r = spawnSync(envPython(envDir), ['-m', 'popalign_trainer.parity'], { input: JSON.stringify({ cases }), env: trainerEnv(TRAINER_SOURCE), encoding: 'utf8', maxBuffer: 64 << 20 })
  if (r.status !== 0) throw new Error(`parity script failed: ${r.stderr}`)
  return (JSON.parse(r.stdout) as { results: Expected[] }).results
}

/** MSE-like inputs: a base level per sample with small model/reference differences, as in training. */
function draw(rng: Rng, n: number, scale: number): { m: number[]; r: number[] } {
  const m: number[] = []
  const r: number[] = []
  for (let i = 0; i < n; i++) {
    const base = 0.05 + rng.uniform()
    m.push(base)
    r.push(base + scale * rng.normal())
  }
  return { m, r }
}

describe.skipIf(SKIP_PYTHON)('Python objectives equal the TypeScript losses', () => {
  it('on random batches: PopAlign (α, normaliser, ε, weights), DPO, SFT, weighted objectives and timestep weights', () => {
    const rng = new Rng(20261202)
    const cases: Case[] = []
    const expected: Expected[] = []
    for (let k = 0; k < 24; k++) {
      const P = 1 + rng.int(6)
      const n = 2 * P
      const { m, r } = draw(rng, n, 10 ** -(2 + rng.int(3)))
      const labels = Array.from({ length: n }, (_, i) => (i < P ? 1 : -1))
      const beta = [100, 1000, 2500, 5000][k % 4]
      const alpha = [0.25, 0.5, 0.75, 0.3][k % 4]
      const normalizer = k % 5 === 0 ? 'kto' : 'mixture'
      const countEpsilon = k % 3 === 0 ? 1e-6 : 0
      const winnerWeight = k % 7 === 0 ? 0.5 : 1
      cases.push({ kind: 'popalign', m, r, labels, beta, alpha, normalizer, countEpsilon, winnerWeight })
      const pa = popalignLoss({ modelMse: m, refMse: r, labels, beta, alpha, normalizer, countEpsilon, winnerWeight })
      expected.push({ loss: pa.loss, grad: pa.grad, implicitAccuracy: pa.metrics.implicitAccuracy, rewardMargin: pa.metrics.rewardMargin, Z: pa.metrics.Z })

      cases.push({ kind: 'dpo', m, r, beta })
      const dpo = dpoLossStacked(m, r, beta)
      expected.push({ loss: dpo.loss, grad: dpo.grad, implicitAccuracy: dpo.metrics.implicitAccuracy, rewardMargin: dpo.metrics.rewardMargin })

      // SFT on a batch with mixed labels exercises both normalisations.
      const mixed = labels.map((l, i) => (i % 3 === 0 ? -l : l))
      for (const normalisation of ['winners', 'batch'] as const) {
        cases.push({ kind: 'sft', m, labels: mixed, normalisation })
        const sft = sftLoss(m, mixed, normalisation)
        expected.push({ loss: sft.loss, grad: sft.grad })
      }
    }
    // The fine-tune's combination: per-sample timestep weights on both MSEs (objective.ts).
    const sched = makeSchedule('scaled_linear')
    for (const weighting of ['constant', 'debias', 'min_snr'] as LossWeighting[]) {
      const table = lossWeights(weighting, sched, { maxSnr: weighting === 'debias' ? 1000 : undefined })
      for (const method of ['popalign', 'dpo', 'sft'] as const) {
        const P = 4
        const { m, r } = draw(rng, 2 * P, 1e-3)
        const labels = Array.from({ length: 2 * P }, (_, i) => (i < P ? 1 : -1))
        const t = Array.from({ length: P }, () => rng.int(1000))
        const weights = [...t, ...t].map((j) => table[j])
        const objective = { method, beta: 2500, alpha: 0.5 }
        const res = evaluateObjective(objective, m, method === 'sft' ? null : r, weights, labels)
        cases.push({ kind: 'objective', method, m, r: method === 'sft' ? null : r, weights, labels, beta: 2500, alpha: 0.5 })
        expected.push({ loss: res.metrics.loss, grad: res.grad, implicitAccuracy: res.metrics.implicitAccuracy, rewardMargin: res.metrics.rewardMargin, Z: res.metrics.Z })
      }
      cases.push({ kind: 'weights', schedule: 'scaled_linear', weighting, maxSnr: weighting === 'debias' ? 1000 : undefined })
      expected.push({ weights: table })
    }
    for (const weighting of ['p2', 'x0'] as LossWeighting[]) {
      cases.push({ kind: 'weights', schedule: 'scaled_linear', weighting })
      expected.push({ weights: lossWeights(weighting, sched) })
    }

    const got = runPython(cases)
    expect(got).toHaveLength(expected.length)
    let worst = 0
    let compared = 0
    const cmp = (a: number, b: number, what: string): void => {
      const e = relErr(a, b)
      worst = Math.max(worst, e)
      compared++
      if (e > TOL) throw new Error(`${what}: TypeScript ${a} vs Python ${b} (relative error ${e.toExponential(2)})`)
    }
    expected.forEach((want, i) => {
      const have = got[i]
      const label = `case ${i} (${cases[i].kind}${typeof cases[i].method === 'string' ? ` ${cases[i].method}` : ''})`
      if (want.loss !== undefined) cmp(want.loss, have.loss as number, `${label} loss`)
      if (want.grad) Array.from(want.grad).forEach((g, j) => cmp(g, (have.grad as number[])[j], `${label} grad[${j}]`))
      for (const key of ['implicitAccuracy', 'rewardMargin', 'Z'] as const) {
        const w = want[key]
        if (w !== undefined && w !== null && Number.isFinite(w)) cmp(w, have[key] as number, `${label} ${key}`)
      }
      if (want.weights) Array.from(want.weights).forEach((w, j) => cmp(w, (have.weights as number[])[j], `${label} weights[${j}]`))
    })
    console.log(`[parity] ${compared} values compared, worst relative error ${worst.toExponential(2)}`)
    expect(compared).toBeGreaterThan(5000)
    expect(worst).toBeLessThanOrEqual(TOL)
  })

  it('catches a wrong objective (the check can fail)', () => {
    // α applied to the wrong class would be a plausible porting slip; parity must see it.
    const m = [0.1, 0.2, 0.1003, 0.199]
    const r = [0.1004, 0.2002, 0.1001, 0.2]
    const labels = [1, 1, -1, -1]
    const [py] = runPython([{ kind: 'popalign', m, r, labels, beta: 5000, alpha: 0.25 }])
    const ts = popalignLoss({ modelMse: m, refMse: r, labels, beta: 5000, alpha: 0.75 })
    expect(relErr(ts.loss, py.loss as number)).toBeGreaterThan(1e-4)
    // The paper's check value (docs/methods/popalign.md §Check values): α 0.25 -> 1.2697312187.
    expect(py.loss).toBeCloseTo(1.2697312187, 9)
  })
})
