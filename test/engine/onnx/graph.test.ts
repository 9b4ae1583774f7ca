import { describe, expect, it } from 'vitest'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ProtoWriter } from '../../../src-main/core/engine/onnx/proto'
import { GraphBuilder, floatAttr } from '../../../src-main/core/engine/onnx/graph'
import { OrtRunner, describeOrtBackend } from '../../../src-main/core/engine/onnx/ort-runner'

function rng(seed: number): () => number {
  let s = seed >>> 0
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0
    return s / 2 ** 32 - 0.5
  }
}

function randArray(n: number, seed: number): Float32Array {
  const r = rng(seed)
  return Float32Array.from({ length: n }, () => r() * 2)
}

function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tol = 1e-5): void {
  expect(actual.length).toBe(expected.length)
  for (let i = 0; i < expected.length; i++) {
    if (Math.abs(actual[i] - expected[i]) > tol * (1 + Math.abs(expected[i]))) {
      throw new Error(`index ${i}: got ${actual[i]}, expected ${expected[i]}`)
    }
  }
}

describe('protobuf writer', () => {
  it('encodes varints, including negative int64 as 10 bytes', () => {
    const w = new ProtoWriter()
    w.rawVarint(1)
    w.rawVarint(300)
    w.rawVarint(-1)
    w.rawVarint(2 ** 40)
    const bytes = Array.from(w.finish())
    expect(bytes.slice(0, 3)).toEqual([0x01, 0xac, 0x02])
    expect(bytes.slice(3, 13)).toEqual([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01])
    expect(bytes.slice(13)).toEqual([0x80, 0x80, 0x80, 0x80, 0x80, 0x20])
  })

  it('encodes fields, nested messages and packed repeats with the right keys and lengths', () => {
    const inner = new ProtoWriter()
    inner.string(1, 'ab')
    const w = new ProtoWriter()
    w.varint(1, 8)
    w.message(7, inner)
    w.packedVarints(1, [3, 270])
    w.float(2, 1)
    expect(Array.from(w.finish())).toEqual([
      0x08,
      0x08, // field 1 varint 8
      0x3a,
      0x04,
      0x0a,
      0x02,
      0x61,
      0x62, // field 7 len 4 { field 1 "ab" }
      0x0a,
      0x03,
      0x03,
      0x8e,
      0x02, // field 1 packed [3, 270]
      0x15,
      0x00,
      0x00,
      0x80,
      0x3f // field 2 fixed32 1.0f
    ])
  })

  it('keeps large payloads intact across chunk boundaries', () => {
    const big = new Uint8Array(1000).map((_, i) => i & 0xff)
    const w = new ProtoWriter()
    w.bytes(9, big)
    const out = w.finish()
    expect(out[0]).toBe(0x4a)
    expect(out.length).toBe(1 + 2 + 1000)
    expect(Array.from(out.subarray(3))).toEqual(Array.from(big))
  })
})

describe('graph builder + onnxruntime', () => {
  it('runs a linear layer with a symbolic batch at two batch sizes', async () => {
    const g = new GraphBuilder('lin')
    const x = g.input('x', ['N', 3])
    const W = Float32Array.from([1, 2, 3, 4, 5, 6]) // [3, 2]
    const b = Float32Array.from([0.5, -1])
    g.output(g.linear(x, g.weight('w', W, [3, 2]), g.weight('b', b, [2])), 'y', ['N', 2])
    const runner = await OrtRunner.fromBytes(g.toBytes())
    expect(runner.inputNames).toEqual(['x'])
    expect(runner.outputNames).toEqual(['y'])
    const one = await runner.run({ x: { data: Float32Array.from([1, 0, -1]), dims: [1, 3] } })
    expectClose(one.y.data, [1 - 5 + 0.5, 2 - 6 - 1])
    expect(one.y.dims).toEqual([1, 2])
    const two = await runner.run({ x: { data: Float32Array.from([1, 1, 1, 0, 1, 0]), dims: [2, 3] } })
    expectClose(two.y.data, [9.5, 11, 3.5, 3])
    // Outputs are owned by the caller: a later run of the same shape must not overwrite an earlier result.
    await runner.run({ x: { data: Float32Array.from([9, 9, 9]), dims: [1, 3] } })
    expectClose(one.y.data, [1 - 5 + 0.5, 2 - 6 - 1])
    await runner.dispose()
  })

  it('matches JS for LayerNormalization, Softmax, Sigmoid, Relu and Mul', async () => {
    const g = new GraphBuilder('elementwise')
    const x = g.input('x', ['N', 5])
    g.output(g.layerNorm(x, 5, 1e-6), 'ln')
    g.output(g.softmax(x), 'sm')
    g.output(g.silu(x), 'silu')
    g.output(g.relu(g.mul(x, g.constFloat(2))), 'relu2')
    const runner = await OrtRunner.fromBytes(g.toBytes())
    const data = randArray(10, 1)
    const out = await runner.run({ x: { data, dims: [2, 5] } })
    for (let r = 0; r < 2; r++) {
      const row = Array.from(data.subarray(r * 5, r * 5 + 5))
      const mean = row.reduce((a, b) => a + b) / 5
      const v = row.reduce((a, b) => a + (b - mean) ** 2, 0) / 5
      expectClose(
        out.ln.data.subarray(r * 5, r * 5 + 5),
        row.map((e) => (e - mean) / Math.sqrt(v + 1e-6))
      )
      const m = Math.max(...row)
      const ex = row.map((e) => Math.exp(e - m))
      const s = ex.reduce((a, b) => a + b)
      expectClose(
        out.sm.data.subarray(r * 5, r * 5 + 5),
        ex.map((e) => e / s)
      )
      expectClose(
        out.silu.data.subarray(r * 5, r * 5 + 5),
        row.map((e) => e / (1 + Math.exp(-e)))
      )
      expectClose(
        out.relu2.data.subarray(r * 5, r * 5 + 5),
        row.map((e) => Math.max(0, 2 * e))
      )
    }
  })

  it('matches JS for Reshape, Transpose, Split, Unsqueeze and Gemm with float attributes', async () => {
    const g = new GraphBuilder('shapes')
    const x = g.input('x', ['N', 6])
    const r = g.reshape(x, [-1, 2, 3]) // [N,2,3]
    g.output(g.transpose(r, [0, 2, 1]), 't') // [N,3,2]
    const [a, b] = g.split(x, 2, 1)
    g.output(a, 'a')
    g.output(b, 'b')
    g.output(g.unsqueeze(x, [1]), 'u')
    const w = g.weight('gw', Float32Array.from([1, 0, 0, 0, 1, 0, 0, 0, 1, 1, 1, 1]), [2, 6])
    g.output(g.op('Gemm', [x, w], { transB: 1, alpha: floatAttr(0.5) }), 'gemm')
    const runner = await OrtRunner.fromBytes(g.toBytes())
    const out = await runner.run({ x: { data: Float32Array.from([0, 1, 2, 3, 4, 5]), dims: [1, 6] } })
    expect(Array.from(out.t.data)).toEqual([0, 3, 1, 4, 2, 5])
    expect(out.t.dims).toEqual([1, 3, 2])
    expect(Array.from(out.a.data)).toEqual([0, 1, 2])
    expect(Array.from(out.b.data)).toEqual([3, 4, 5])
    expect(out.u.dims).toEqual([1, 1, 6])
    expectClose(out.gemm.data, [0.5 * (0 + 4), 0.5 * (2 + 3 + 4 + 5)])
  })

  it('runs a small CNN (Conv with ints attributes, Relu, GlobalAveragePool, Flatten) like the JS loop', async () => {
    // 1 input channel 4x4, 2 output channels, 3x3 kernel, padding 1: checks NCHW layout and ints attributes.
    const g = new GraphBuilder('cnn')
    const x = g.input('x', ['N', 1, 4, 4])
    const kernel = randArray(2 * 9, 5)
    const bias = Float32Array.from([0.1, -0.2])
    const conv = g.op('Conv', [x, g.weight('k', kernel, [2, 1, 3, 3]), g.weight('kb', bias, [2])], { pads: [1, 1, 1, 1], kernel_shape: [3, 3] })
    g.output(g.op('Flatten', [g.op('GlobalAveragePool', [g.relu(conv)])], { axis: 1 }), 'feat', ['N', 2])
    const runner = await OrtRunner.fromBytes(g.toBytes())
    const img = randArray(16, 6)
    const out = await runner.run({ x: { data: img, dims: [1, 1, 4, 4] } })
    const expected = [0, 1].map((o) => {
      let acc = 0
      for (let y = 0; y < 4; y++)
        for (let xx = 0; xx < 4; xx++) {
          let s = bias[o]
          for (let ky = 0; ky < 3; ky++)
            for (let kx = 0; kx < 3; kx++) {
              const iy = y + ky - 1
              const ix = xx + kx - 1
              if (iy >= 0 && iy < 4 && ix >= 0 && ix < 4) s += img[iy * 4 + ix] * kernel[o * 9 + ky * 3 + kx]
            }
          acc += Math.max(0, s)
        }
      return acc / 16
    })
    expect(out.feat.dims).toEqual([1, 2])
    expectClose(out.feat.data, expected)
  })

  it('runs large batches in chunks with identical results', async () => {
    const g = new GraphBuilder('chunks')
    const x = g.input('x', ['N', 4])
    g.output(g.softmax(g.linear(x, g.weight('w', randArray(12, 3), [4, 3]))), 'p')
    const runner = await OrtRunner.fromBytes(g.toBytes())
    const data = randArray(4 * 37, 4)
    const whole = await runner.run({ x: { data, dims: [37, 4] } })
    const chunked = await runner.runBatched({ x: { data, dims: [37, 4] } }, 8)
    expect(chunked.p.dims).toEqual([37, 3])
    expectClose(chunked.p.data, whole.p.data, 1e-6)
  })

  it('loads a model from a file, and names the path when it cannot', async () => {
    const g = new GraphBuilder('file')
    g.output(g.relu(g.input('x', ['N', 2])), 'y')
    const dir = mkdtempSync(join(tmpdir(), 'ort-runner-'))
    try {
      const path = join(dir, 'm.onnx')
      writeFileSync(path, g.toBytes())
      const runner = await OrtRunner.fromFile(path)
      const out = await runner.run({ x: { data: Float32Array.from([-1, 2]), dims: [1, 2] } })
      expect(Array.from(out.y.data)).toEqual([0, 2])
      await expect(OrtRunner.fromFile(join(dir, 'missing.onnx'))).rejects.toThrow(/cannot read model file .*missing\.onnx/)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('describes the backend for the status bar', () => {
    expect(describeOrtBackend()).toMatch(/^onnxruntime-node 1\.\d+\.\d+ \(CPU, 2 threads\)$/)
    expect(describeOrtBackend({ threads: 1, optimization: 'basic' })).toMatch(/1 thread, basic optimisation\)$/)
  })

  it('gives clear errors for bad graphs and bad feeds', async () => {
    const g = new GraphBuilder('bad')
    const x = g.input('x', ['N', 2])
    expect(() => g.op('Relu', ['nope'])).toThrow(/input "nope" does not exist/)
    expect(() => g.op('LeakyRelu', [x], { alpha: 0.1 })).toThrow(/floatAttr/)
    expect(() => g.weight('w', new Float32Array(3), [2, 2])).toThrow(/shape \[2,2\] needs 4/)
    expect(() => g.input('x', [1])).toThrow(/already used/)
    expect(() => new GraphBuilder('empty').toBytes()).toThrow(/no outputs/)
    g.output(g.relu(x), 'y')
    const runner = await OrtRunner.fromBytes(g.toBytes())
    await expect(runner.run({})).rejects.toThrow(/missing input "x"/)
    await expect(runner.run({ x: { data: new Float32Array(3), dims: [2, 2] } })).rejects.toThrow(/3 values/)
    await expect(OrtRunner.fromBytes(Uint8Array.from([1, 2, 3]))).rejects.toThrow(/could not load/)
  })
})
