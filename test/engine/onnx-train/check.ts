// Central-difference gradient checks for DiffGraph ops, run on onnxruntime in float64 (or float32 where
// ORT has no double kernel for an op).
import * as ort from 'onnxruntime-node'
import { DiffGraph, type Precision, type Shape } from '../../../src-main/core/engine/onnx-train/autodiff'
import { sessionOptions } from '../../../src-main/core/engine/onnx/ort-runner'
import { seededRandom } from '../../../src-main/core/random/rng'

export type Feed = { data: Float64Array | Float32Array | BigInt64Array; dims: readonly number[] }

export async function session(bytes: Uint8Array): Promise<ort.InferenceSession> {
  return ort.InferenceSession.create(bytes, sessionOptions({ threads: 1, optimization: 'basic' }))
}

export async function run(s: ort.InferenceSession, feeds: Record<string, Feed>): Promise<Record<string, Float64Array>> {
  const t: Record<string, ort.Tensor> = {}
  for (const [k, v] of Object.entries(feeds)) {
    const type = v.data instanceof Float64Array ? 'float64' : v.data instanceof Float32Array ? 'float32' : 'int64'
    t[k] = new ort.Tensor(type, v.data, v.dims)
  }
  const out = await s.run(t)
  const res: Record<string, Float64Array> = {}
  for (const [k, v] of Object.entries(out)) res[k] = Float64Array.from(v.data as Float64Array)
  return res
}

/** (L(v + h e_i) − L(v − h e_i)) / 2h of the graph's "loss" output, nudging `values` (one of the feeds) in place. */
export async function centralDifference(s: ort.InferenceSession, feeds: Record<string, Feed>, values: Float64Array | Float32Array, i: number, h: number): Promise<number> {
  const keep = values[i]
  values[i] = keep + h
  const up = (await run(s, feeds)).loss[0]
  values[i] = keep - h
  const down = (await run(s, feeds)).loss[0]
  values[i] = keep
  return (up - down) / (2 * h)
}

export interface OpCase {
  /** Parameter shapes (differentiated) and extra fixed inputs. */
  params: Record<string, Shape>
  build: (d: DiffGraph, p: Record<string, string>) => string
  /** Values per parameter; default standard normal. */
  init?: (name: string, i: number, r: () => number) => number
  extra?: Record<string, Feed>
  extraDecl?: (d: DiffGraph) => void
}

function normal(r: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r())
}

/**
 * Builds loss = Σ op(params) ⊙ R with a fixed random R, emits its gradients, and compares them to
 * (L(p + h e_i) − L(p − h e_i)) / 2h for every parameter entry. Returns max |a − n| / max |n| over all.
 */
export async function gradCheck(c: OpCase, precision: Precision = 'float64', seed = 1): Promise<number> {
  const d = new DiffGraph('check', precision)
  const p: Record<string, string> = {}
  for (const [name, shape] of Object.entries(c.params)) p[name] = d.param(name, shape)
  c.extraDecl?.(d)
  const y = c.build(d, p)
  const ys = d.shape(y)
  const R = d.input('R', ys)
  const loss = d.reduceSum(
    d.mul(y, R),
    ys.map((_, i) => i)
  )
  d.output(loss, 'loss')
  const grads = d.gradients(loss)
  for (const [name, g] of grads) d.output(g, `grad.${name}`)
  const s = await session(d.toBytes('gradient check'))
  const r = seededRandom(seed)
  const make = (n: number, f: (i: number) => number): Float64Array | Float32Array => {
    const out = precision === 'float64' ? new Float64Array(n) : new Float32Array(n)
    for (let i = 0; i < n; i++) out[i] = f(i)
    return out
  }
  const feeds: Record<string, Feed> = { ...(c.extra ?? {}) }
  for (const [name, shape] of Object.entries(c.params)) {
    const n = shape.reduce((a, b) => a * b, 1)
    feeds[name] = { data: make(n, (i) => (c.init ? c.init(name, i, r) : normal(r))), dims: shape }
  }
  const rn = ys.reduce((a, b) => a * b, 1)
  feeds.R = { data: make(rn, () => normal(r)), dims: ys }
  const base = await run(s, feeds)
  const h = precision === 'float64' ? 1e-6 : 1e-2
  let maxDiff = 0
  let maxRef = 0
  for (const name of Object.keys(c.params)) {
    const values = feeds[name].data as Float64Array
    const analytic = base[`grad.${name}`]
    for (let i = 0; i < values.length; i++) {
      const numeric = await centralDifference(s, feeds, values, i, h)
      maxDiff = Math.max(maxDiff, Math.abs(analytic[i] - numeric))
      maxRef = Math.max(maxRef, Math.abs(numeric))
    }
  }
  await s.release()
  if (maxRef === 0) throw new Error('gradient check: every numeric gradient is zero; the case checks nothing')
  return maxDiff / maxRef
}
