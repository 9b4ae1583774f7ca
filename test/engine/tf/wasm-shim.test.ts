// Each shimmed wasm kernel against plain JS math on random inputs, forward and through gradients.
import { beforeAll, describe, expect, it } from 'vitest'
import { loadTf, type Tf } from '../../../src-main/core/engine/tf/backend'
import type * as TF from '@tensorflow/tfjs'

let tf: Tf
beforeAll(async () => {
  const loaded = await loadTf({ preferWasm: true })
  tf = loaded.tf
  expect(loaded.info.name).toBe('wasm')
  expect(loaded.info.shimmedKernels).toEqual(expect.arrayContaining(['BatchMatMul', '_FusedMatMul', 'Transpose', 'Slice', 'SplitV', 'Sum', 'Identity', 'Cast']))
})

let seed = 12345
function rand(n: number): Float32Array {
  const out = new Float32Array(n)
  for (let i = 0; i < n; i++) {
    seed = (seed * 1103515245 + 12345) >>> 0
    out[i] = (seed / 2 ** 32) * 2 - 1
  }
  return out
}
const size = (s: number[]): number => s.reduce((a, b) => a * b, 1)

/** Reference batched matmul on explicit [batch, rows, cols] layouts, with optional transposes. */
function refMatMul(a: Float32Array, b: Float32Array, bA: number, bB: number, M: number, K: number, N: number, tA: boolean, tB: boolean): Float64Array {
  const batch = Math.max(bA, bB)
  const out = new Float64Array(batch * M * N)
  for (let z = 0; z < batch; z++) {
    const ao = (bA === 1 ? 0 : z) * M * K
    const bo = (bB === 1 ? 0 : z) * K * N
    for (let i = 0; i < M; i++)
      for (let j = 0; j < N; j++) {
        let s = 0
        for (let k = 0; k < K; k++) s += a[ao + (tA ? k * M + i : i * K + k)] * b[bo + (tB ? j * K + k : k * N + j)]
        out[z * M * N + i * N + j] = s
      }
  }
  return out
}

function refTranspose(x: Float32Array, shape: number[], perm: number[]): Float32Array {
  const outShape = perm.map((p) => shape[p])
  const st = shape.map((_, i) => size(shape.slice(i + 1)))
  const out = new Float32Array(x.length)
  const idx = new Array(shape.length).fill(0)
  for (let o = 0; o < x.length; o++) {
    let rem = o
    for (let d = outShape.length - 1; d >= 0; d--) {
      idx[d] = rem % outShape[d]
      rem = Math.floor(rem / outShape[d])
    }
    let src = 0
    for (let d = 0; d < perm.length; d++) src += idx[d] * st[perm[d]]
    out[o] = x[src]
  }
  return out
}

function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tol = 1e-4): void {
  expect(actual.length).toBe(expected.length)
  let worst = 0
  for (let i = 0; i < expected.length; i++) worst = Math.max(worst, Math.abs(actual[i] - expected[i]) / (1 + Math.abs(expected[i])))
  expect(worst).toBeLessThan(tol)
}

describe('BatchMatMul shim', () => {
  const cases: [string, number[], number[], boolean, boolean][] = [
    ['2-D plain', [33, 17], [17, 45], false, false],
    ['2-D transposeA (dW)', [17, 33], [17, 45], true, false],
    ['2-D transposeB (dX)', [33, 17], [45, 17], false, true],
    ['2-D both transposed', [17, 33], [45, 17], true, true],
    ['batched (attention scores)', [6, 9, 8], [6, 8, 9], false, false],
    ['batched transposeB', [6, 9, 8], [6, 9, 8], false, true],
    ['batched transposeA', [6, 8, 9], [6, 8, 7], true, false],
    ['rank-4 batched', [2, 3, 5, 4], [2, 3, 4, 6], false, false],
    ['shared B folded into rows', [5, 7, 8], [1, 8, 3], false, false],
    ['shared A looped', [1, 7, 8], [4, 8, 3], false, false]
  ]
  for (const [name, sa, sb, tA, tB] of cases) {
    it(name, () => {
      const av = rand(size(sa))
      const bv = rand(size(sb))
      const r = sa.length
      const M = tA ? sa[r - 1] : sa[r - 2]
      const K = tA ? sa[r - 2] : sa[r - 1]
      const N = tB ? sb[sb.length - 2] : sb[sb.length - 1]
      const out = tf.matMul(tf.tensor(av, sa), tf.tensor(bv, sb), tA, tB)
      expectClose(out.dataSync(), refMatMul(av, bv, size(sa.slice(0, -2)), size(sb.slice(0, -2)), M, K, N, tA, tB))
      expect(out.shape.slice(-2)).toEqual([M, N])
    })
  }

  it('rejects mismatched inner dimensions with a clear error', () => {
    expect(() => tf.matMul(tf.zeros([3, 4]), tf.zeros([5, 6]))).toThrow(/inner shapes/)
  })

  it('gradients of a 2-D matMul equal dy·Bᵀ and Aᵀ·dy', () => {
    const [M, K, N] = [19, 11, 23]
    const av = rand(M * K)
    const bv = rand(K * N)
    const wv = rand(M * N)
    const w = tf.tensor(wv, [M, N])
    const [ga, gb] = tf.grads((a: TF.Tensor, b: TF.Tensor) => tf.sum(tf.mul(tf.matMul(a, b), w)))([tf.tensor(av, [M, K]), tf.tensor(bv, [K, N])])
    expectClose(ga.dataSync(), refMatMul(wv, bv, 1, 1, M, N, K, false, true))
    expectClose(gb.dataSync(), refMatMul(av, wv, 1, 1, K, M, N, true, false))
  })

  it('gradients of a batched matMul', () => {
    const [Z, M, K, N] = [3, 5, 4, 6]
    const av = rand(Z * M * K)
    const bv = rand(Z * K * N)
    const wv = rand(Z * M * N)
    const w = tf.tensor(wv, [Z, M, N])
    const [ga, gb] = tf.grads((a: TF.Tensor, b: TF.Tensor) => tf.sum(tf.mul(tf.matMul(a, b), w)))([tf.tensor(av, [Z, M, K]), tf.tensor(bv, [Z, K, N])])
    expectClose(ga.dataSync(), refMatMul(wv, bv, Z, Z, M, N, K, false, true))
    expectClose(gb.dataSync(), refMatMul(av, wv, Z, Z, K, M, N, true, false))
  })
})

describe('_FusedMatMul shim', () => {
  it('matches matMul + bias with transposes, and its gradients', () => {
    const [M, K, N] = [13, 7, 9]
    const av = rand(K * M)
    const bv = rand(N * K)
    const biasv = rand(N)
    const out = tf.fused.matMul({ a: tf.tensor(av, [K, M]), b: tf.tensor(bv, [N, K]), transposeA: true, transposeB: true, bias: tf.tensor(biasv) })
    const ref = refMatMul(av, bv, 1, 1, M, K, N, true, true).map((v, i) => v + biasv[i % N])
    expectClose(out.dataSync(), ref)
    const g = tf.grad((b: TF.Tensor) => tf.sum(tf.fused.matMul({ a: tf.tensor(av, [K, M]), b, transposeA: true, bias: tf.tensor(biasv) })))(tf.tensor(bv, [K, N].reverse()).reshape([K, N]))
    // d/dB sum(Aᵀ B) = Aᵀ · ones = row sums of Aᵀ broadcast over N.
    const rowSums = new Float64Array(K)
    for (let k = 0; k < K; k++) for (let m = 0; m < M; m++) rowSums[k] += av[k * M + m]
    expectClose(
      g.dataSync(),
      Array.from({ length: K * N }, (_, i) => rowSums[Math.floor(i / N)])
    )
  })
})

describe('Transpose shim', () => {
  const cases: [number[], number[]][] = [
    [
      [37, 29],
      [1, 0]
    ],
    [
      [3, 17, 5],
      [0, 2, 1]
    ],
    [
      [4, 6, 3, 2, 5],
      [2, 0, 3, 1, 4]
    ],
    [
      [2, 3, 4, 5],
      [2, 0, 1, 3]
    ],
    [
      [2, 3, 4],
      [2, 1, 0]
    ] // not a fast path: stock kernel
  ]
  for (const [shape, perm] of cases) {
    it(`shape ${shape} perm ${perm}`, () => {
      const x = rand(size(shape))
      const out = tf.transpose(tf.tensor(x, shape), perm)
      expect(out.shape).toEqual(perm.map((p) => shape[p]))
      expect(Array.from(out.dataSync())).toEqual(Array.from(refTranspose(x, shape, perm)))
    })
  }
  it('gradient of a head-split transpose is the inverse permutation', () => {
    const shape = [2, 4, 3, 2, 5]
    const perm = [2, 0, 3, 1, 4]
    const wv = rand(size(shape))
    const w = tf.tensor(
      wv,
      perm.map((p) => shape[p])
    )
    const g = tf.grad((x: TF.Tensor) => tf.sum(tf.mul(tf.transpose(x, perm), w)))(tf.tensor(rand(size(shape)), shape))
    const inverse = perm.map((_, i) => perm.indexOf(i))
    expect(Array.from(g.dataSync())).toEqual(
      Array.from(
        refTranspose(
          wv,
          perm.map((p) => shape[p]),
          inverse
        )
      )
    )
  })
})

describe('Slice and SplitV shims', () => {
  it('slices 2-D, 3-D and 5-D blocks without touching the rest', () => {
    for (const [shape, begin, sz] of [
      [
        [7, 9],
        [2, 3],
        [4, 5]
      ],
      [
        [4, 5, 6],
        [1, 0, 2],
        [2, 5, 3]
      ],
      [
        [3, 4, 2, 3, 5],
        [1, 1, 0, 1, 0],
        [2, 2, 2, 1, 5]
      ],
      [
        [6, 8],
        [2, 0],
        [3, -1]
      ]
    ] as [number[], number[], number[]][]) {
      const x = rand(size(shape))
      const out = tf.slice(tf.tensor(x, shape), begin, sz)
      const full = sz.map((s, i) => (s === -1 ? shape[i] - begin[i] : s))
      const expected: number[] = []
      const st = shape.map((_, i) => size(shape.slice(i + 1)))
      const idx = new Array(shape.length).fill(0)
      for (let n = 0; n < size(full); n++) {
        let rem = n
        for (let d = full.length - 1; d >= 0; d--) {
          idx[d] = rem % full[d]
          rem = Math.floor(rem / full[d])
        }
        expected.push(x[idx.reduce((s, v, d) => s + (v + begin[d]) * st[d], 0)])
      }
      expect(out.shape).toEqual(full)
      expect(Array.from(out.dataSync())).toEqual(expected)
    }
  })
  it('slices int32 tensors too', () => {
    expect(Array.from(tf.slice(tf.tensor([1, 2, 3, 4, 5, 6], [2, 3], 'int32'), [1, 1], [1, 2]).dataSync())).toEqual([5, 6])
  })
  it('splits along the last and a middle axis, with -1 sizes; gradient re-assembles', () => {
    const shape = [3, 4, 10]
    const x = rand(size(shape))
    const parts = tf.split(tf.tensor(x, shape), [2, -1, 5], 2)
    expect(parts.map((p) => p.shape)).toEqual([
      [3, 4, 2],
      [3, 4, 3],
      [3, 4, 5]
    ])
    expect(tf.concat(parts, 2).dataSync()).toEqual(tf.tensor(x, shape).dataSync())
    const mid = tf.split(tf.tensor(x, shape), 2, 1)
    expect(Array.from(mid[1].dataSync())).toEqual(Array.from(tf.slice(tf.tensor(x, shape), [0, 2, 0], [3, 2, 10]).dataSync()))
    const g = tf.grad((t: TF.Tensor) => tf.sum(tf.mul(tf.split(t, [2, 3, 5], 2)[1], 3)))(tf.tensor(x, shape))
    const gv = g.dataSync()
    for (let i = 0; i < gv.length; i++) expect(gv[i]).toBe(i % 10 >= 2 && i % 10 < 5 ? 3 : 0)
  })
})

describe('Sum shim', () => {
  it('sums over leading and middle axes (with keepDims) like JS float64 sums', () => {
    const shape = [5, 7, 6]
    const x = rand(size(shape))
    const t = tf.tensor(x, shape)
    const s0 = tf.sum(t, 0)
    const s1 = tf.sum(t, 1, true)
    const s01 = tf.sum(t, [0, 1])
    const r0 = new Float64Array(42)
    const r1 = new Float64Array(30)
    const r01 = new Float64Array(6)
    for (let a = 0; a < 5; a++)
      for (let b = 0; b < 7; b++)
        for (let c = 0; c < 6; c++) {
          const v = x[(a * 7 + b) * 6 + c]
          r0[b * 6 + c] += v
          r1[a * 6 + c] += v
          r01[c] += v
        }
    expect(s0.shape).toEqual([7, 6])
    expect(s1.shape).toEqual([5, 1, 6])
    expect(s01.shape).toEqual([6])
    expectClose(s0.dataSync(), r0, 1e-6)
    expectClose(s1.dataSync(), r1, 1e-6)
    expectClose(s01.dataSync(), r01, 1e-6)
    expectClose(
      tf.sum(t, -1).dataSync(),
      Array.from({ length: 35 }, (_, i) => x.slice(i * 6, i * 6 + 6).reduce((p, q) => p + q, 0)),
      1e-6
    )
  })
  it('bias gradient of a broadcast add is the column sum', () => {
    const x = tf.tensor(rand(40 * 8), [40, 8])
    const w = rand(40 * 8)
    const g = tf.grad((b: TF.Tensor) => tf.sum(tf.mul(tf.add(x, b), tf.tensor(w, [40, 8]))))(tf.zeros([8]))
    const ref = new Float64Array(8)
    for (let i = 0; i < 320; i++) ref[i % 8] += w[i]
    expectClose(g.dataSync(), ref, 1e-6)
  })
})

describe('Identity and Cast shims', () => {
  it('share the buffer and keep the data alive until the last reference goes', () => {
    const x = tf.tensor([1, 2, 3])
    const before = tf.memory().numDataBuffers
    const y = tf.clone(x)
    const z = tf.cast(x, 'float32')
    expect(tf.memory().numDataBuffers).toBe(before)
    x.dispose()
    expect(Array.from(y.dataSync())).toEqual([1, 2, 3])
    y.dispose()
    expect(Array.from(z.dataSync())).toEqual([1, 2, 3])
    z.dispose()
    expect(Array.from(tf.cast(tf.tensor([1.7, -2.2]), 'int32').dataSync())).toEqual([1, -2])
  })
})
