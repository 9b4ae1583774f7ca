// Every vector-Jacobian rule of the ONNX reverse mode against central differences, in float64 on
// onnxruntime (relative error <= 1e-5), including the broadcast cases whose gradients must be summed.
import { describe, expect, it } from 'vitest'
import { DiffGraph } from '../../../src-main/core/engine/onnx-train/autodiff'
import { gradCheck, run, session, type OpCase } from './check'

const cases: Record<string, OpCase> = {
  'MatMul 2-D': { params: { a: [3, 4], b: [4, 5] }, build: (d, p) => d.matmul(p.a, p.b) },
  'MatMul rank-3 x rank-2 (weight gradient over folded rows)': { params: { a: [2, 3, 4], b: [4, 5] }, build: (d, p) => d.matmul(p.a, p.b) },
  'MatMul batched (attention) with batch broadcast': { params: { a: [2, 3, 3, 4], b: [1, 3, 4, 2] }, build: (d, p) => d.matmul(p.a, p.b) },
  Gemm: { params: { a: [3, 4], b: [4, 5], c: [5] }, build: (d, p) => d.gemm(p.a, p.b, p.c) },
  'linear on rank 3': { params: { x: [2, 3, 4], w: [4, 6], b: [6] }, build: (d, p) => d.linear(p.x, p.w, p.b) },
  'Gemm with the bias folded into the weight': { params: { a: [3, 4], b: [4, 9], c: [9] }, build: (d, p) => d.gemmFoldedBias(p.a, p.b, p.c) },
  'Add with broadcasting': { params: { a: [2, 3, 4], b: [3, 1] }, build: (d, p) => d.add(p.a, p.b) },
  'Sub with broadcasting': { params: { a: [4], b: [2, 3, 4] }, build: (d, p) => d.sub(p.a, p.b) },
  'Mul with broadcasting': { params: { a: [2, 1, 4], b: [3, 1] }, build: (d, p) => d.mul(p.a, p.b) },
  'Mul by itself (gradient accumulation)': { params: { a: [2, 3] }, build: (d, p) => d.mul(p.a, p.a) },
  'Div with broadcasting': {
    params: { a: [2, 3], b: [3] },
    init: (name, _i, r) => (name === 'b' ? 1 + r() : r() - 0.5),
    build: (d, p) => d.div(p.a, p.b)
  },
  Neg: { params: { a: [5] }, build: (d, p) => d.neg(p.a) },
  LayerNormalization: { params: { x: [2, 3, 6] }, build: (d, p) => d.layerNorm(p.x, 1e-6) },
  Softmax: { params: { x: [2, 3, 5] }, build: (d, p) => d.softmax(p.x, -1) },
  'Softmax on a middle axis': { params: { x: [2, 4, 3] }, build: (d, p) => d.softmax(p.x, 1) },
  Sigmoid: { params: { x: [2, 5] }, build: (d, p) => d.sigmoid(p.x) },
  SiLU: { params: { x: [2, 5] }, build: (d, p) => d.silu(p.x) },
  Reshape: { params: { x: [2, 6] }, build: (d, p) => d.mul(d.reshape(p.x, [3, 4]), d.reshape(p.x, [3, 4])) },
  Transpose: { params: { x: [2, 3, 4] }, build: (d, p) => d.mul(d.transpose(p.x, [2, 0, 1]), d.transpose(p.x, [2, 0, 1])) },
  Slice: { params: { x: [3, 5] }, build: (d, p) => d.exp(d.slice(p.x, 1, 1, 4)) },
  Concat: { params: { a: [2, 3], b: [2, 2] }, build: (d, p) => d.sigmoid(d.concat([p.a, p.b], 1)) },
  'Split (one chunk unused)': {
    params: { x: [2, 6] },
    build: (d, p) => {
      const [a, , c] = d.split(p.x, 3, 1)
      return d.mul(a, d.exp(c))
    }
  },
  ReduceSum: { params: { x: [2, 3, 4] }, build: (d, p) => d.exp(d.reduceSum(p.x, [0, 2])) },
  ReduceMean: { params: { x: [2, 3, 4] }, build: (d, p) => d.exp(d.reduceMean(p.x, [1], true)) },
  Exp: { params: { x: [4] }, build: (d, p) => d.exp(p.x) },
  Log: { params: { x: [4] }, init: (_n, _i, r) => 0.5 + r(), build: (d, p) => d.log(p.x) },
  Softplus: { params: { x: [6] }, init: (_n, i) => i - 3, build: (d, p) => d.softplus(p.x) }
}

// alpha·op(a)·op(b) in every transpose combination: float64 graphs state it as Transpose/MatMul/Mul,
// float32 graphs as onnxruntime's FusedMatMul with its own backward rule; both are checked.
const fusedCases: Record<string, OpCase> = {}
for (const transA of [false, true]) {
  for (const transB of [false, true]) {
    const a = transA ? [2, 3, 4, 5] : [2, 3, 5, 4]
    const b = transB ? [2, 3, 6, 4] : [2, 3, 4, 6]
    fusedCases[`FusedMatMul transA=${transA} transB=${transB} alpha=0.5`] = { params: { a, b }, build: (d, p) => d.fusedMatMul(p.a, p.b, { transA, transB, alpha: 0.5 }) }
  }
}

// ORT's CPU provider has no double kernel for Softplus; they are checked in float32 (h = 1e-2).
const float32Only = new Set(['Softplus'])

describe('ONNX reverse mode: vector-Jacobian rules against central differences', () => {
  for (const [name, c] of Object.entries(cases)) {
    it(name, async () => {
      const precision = float32Only.has(name) ? 'float32' : 'float64'
      const err = await gradCheck(c, precision)
      expect(err).toBeLessThan(precision === 'float64' ? 1e-5 : 1e-4)
    })
  }

  for (const [name, c] of Object.entries(fusedCases)) {
    it(`${name} (float64: Transpose, MatMul, Mul)`, async () => {
      expect(await gradCheck(c, 'float64')).toBeLessThan(1e-5)
    })
    it(`${name} (float32: one FusedMatMul node and its rule)`, async () => {
      expect(await gradCheck(c, 'float32')).toBeLessThan(1e-4)
    })
  }

  it('FusedMatMul: a float32 graph uses the contrib op, a float64 graph does not', () => {
    const count = (precision: 'float32' | 'float64'): number => {
      const d = new DiffGraph('fused', precision)
      d.output(d.fusedMatMul(d.param('a', [2, 3, 4]), d.param('b', [2, 5, 4]), { transB: true }), 'y')
      return (new TextDecoder('latin1').decode(d.toBytes('fused')).match(/FusedMatMul/g) ?? []).length
    }
    expect(count('float32')).toBe(1)
    expect(count('float64')).toBe(0)
  })

  it('Gather: the table gradient scatter-adds repeated indices', async () => {
    const err = await gradCheck({
      params: { table: [5, 3] },
      extraDecl: (d) => d.indexInput('idx', [4]),
      extra: { idx: { data: BigInt64Array.from([1n, 3n, 1n, 0n]), dims: [4] } },
      build: (d, p) => d.gather(p.table, 'idx')
    })
    expect(err).toBeLessThan(1e-5)
  })

  it('stopGradient: x·stop(e^x) has gradient e^x, not e^x (1 + x)', async () => {
    const d = new DiffGraph('stop', 'float64')
    const x = d.param('x', [4])
    const loss = d.reduceSum(d.mul(x, d.stopGradient(d.exp(x))), [0])
    d.output(loss, 'loss')
    d.output(d.gradients(loss).get(x)!, 'gx')
    const s = await session(d.toBytes('stop'))
    const xs = Float64Array.from([-1, 0, 0.5, 2])
    const out = await run(s, { x: { data: xs, dims: [4] } })
    await s.release()
    for (let i = 0; i < 4; i++) expect(out.gx[i]).toBeCloseTo(Math.exp(xs[i]), 12)
  })
})
