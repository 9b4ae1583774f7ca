// Reverse-mode differentiation over the studio's ONNX GraphBuilder (engine/onnx/graph.ts).
//
// A DiffGraph records every op it emits together with its output shape (shapes are static: one graph
// per batch size, which is what a training step needs anyway) and a vector-Jacobian rule. gradients()
// then walks that tape backwards and emits the backward nodes into the same graph, so a single ONNX
// model computes the loss and the gradient of every trainable parameter in one session.run. Parameters
// are graph inputs, so the same session serves every optimiser step.
//
// Only values that depend on a parameter get gradients (inputs such as the noisy batch do not), which
// keeps the backward graph to what training needs. The element type is float32 for training and
// float64 for the central-difference checks (ORT runs most of these ops in double).

import { DataType, type ElemType } from '../onnx/proto'
import { floatAttr, GraphBuilder, MS_DOMAIN, type AttrInput } from '../onnx/graph'

export type Shape = readonly number[]
export type Precision = 'float32' | 'float64'

/** Given the output gradients (null where an output has none), the gradients of the inputs. */
type Vjp = (gradOut: readonly (string | null)[]) => (string | null)[]

interface TapeEntry {
  inputs: readonly string[]
  outputs: readonly string[]
  vjp: Vjp
}

/**
 * Rows (batch x tokens) from which linear() folds its bias into the weight (gemmFoldedBias) when the
 * output is at least twice as wide as the input. Below it the output stays in cache and the two extra
 * Concat nodes cost more than the bias pass they save. Measured on whole training graphs, folded /
 * not: large config B=16 0.97, B=32 0.95, B=256 0.97; base B=64 0.98-1.00, B=128 0.96, B=256 0.98.
 */
export const FOLD_BIAS_MIN_ROWS = 1024

function size(shape: Shape): number {
  return shape.reduce((a, b) => a * b, 1)
}

function sameShape(a: Shape, b: Shape): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i])
}

/** Numpy-style broadcast of two static shapes. */
export function broadcastShapes(a: Shape, b: Shape): number[] {
  const n = Math.max(a.length, b.length)
  const out: number[] = []
  for (let i = 0; i < n; i++) {
    const da = a[a.length - n + i] ?? 1
    const db = b[b.length - n + i] ?? 1
    if (da !== db && da !== 1 && db !== 1) throw new Error(`autodiff: shapes [${a.join(',')}] and [${b.join(',')}] do not broadcast`)
    out.push(da === 1 ? db : da)
  }
  return out
}

function normAxis(axis: number, rank: number): number {
  const a = axis < 0 ? axis + rank : axis
  if (a < 0 || a >= rank) throw new Error(`autodiff: axis ${axis} is out of range for rank ${rank}`)
  return a
}

export class DiffGraph {
  readonly g: GraphBuilder
  readonly elemType: ElemType
  private readonly shapes = new Map<string, Shape>()
  private readonly tape: TapeEntry[] = []
  /** Values that depend on a trainable parameter. */
  private readonly live = new Set<string>()
  private readonly params: string[] = []
  private readonly consts = new Map<string, string>()

  constructor(
    name: string,
    readonly precision: Precision = 'float32',
    /** See FOLD_BIAS_MIN_ROWS; the tests lower it to check the folded path on small graphs. */
    readonly foldBiasFromRows = FOLD_BIAS_MIN_ROWS
  ) {
    this.g = new GraphBuilder(name)
    this.elemType = precision === 'float64' ? DataType.DOUBLE : DataType.FLOAT
  }

  shape(x: string): Shape {
    const s = this.shapes.get(x)
    if (!s) throw new Error(`autodiff: unknown value "${x}"`)
    return s
  }

  /** A non-trainable graph input (data, targets, per-sample coefficients). */
  input(name: string, shape: Shape): string {
    this.g.input(name, shape, this.elemType)
    this.shapes.set(name, [...shape])
    return name
  }

  /** A trainable parameter, fed as a graph input so one graph serves every step. */
  param(name: string, shape: Shape): string {
    this.input(name, shape)
    this.live.add(name)
    this.params.push(name)
    return name
  }

  get parameters(): readonly string[] {
    return this.params
  }

  /** A scalar constant in the graph's element type (shared between uses). */
  scalar(value: number): string {
    const key = String(value)
    const hit = this.consts.get(key)
    if (hit) return hit
    let name: string
    if (this.precision === 'float32') name = this.g.constFloat(value)
    // The proto writer stores float32 initializers only; a double constant is a float Constant cast up.
    // Rounding the constant to float32 is harmless: the graph computes exactly what it states.
    else name = this.g.op('Cast', [this.g.op('Constant', [], { value_float: floatAttr(value) })], { to: DataType.DOUBLE }, 'const_d')
    this.shapes.set(name, [])
    this.consts.set(key, name)
    return name
  }

  output(x: string, name: string): string {
    return this.g.output(x, name, this.shape(x), this.elemType)
  }

  // ---- recording ---------------------------------------------------------------------------------

  /**
   * Adds a node; `tapeInputs` (default: the node's inputs) are the values its vjp differentiates with
   * respect to, for a node that computes from rearranged copies of them (gemmFoldedBias).
   */
  private emit(opType: string, inputs: readonly string[], attrs: Record<string, AttrInput>, shapes: readonly Shape[], vjp: Vjp | null, domain = '', tapeInputs: readonly string[] = inputs): string[] {
    const outs = this.g.node(opType, inputs, attrs, shapes.length, opType.toLowerCase(), domain)
    outs.forEach((o, i) => this.shapes.set(o, [...shapes[i]]))
    if (vjp && tapeInputs.some((i) => this.live.has(i))) {
      for (const o of outs) this.live.add(o)
      this.tape.push({ inputs: tapeInputs, outputs: outs, vjp })
    }
    return outs
  }

  private emit1(opType: string, inputs: readonly string[], attrs: Record<string, AttrInput>, shape: Shape, vjp: Vjp | null): string {
    return this.emit(opType, inputs, attrs, [shape], vjp)[0]
  }

  /** Backward-only node: no tape entry (gradients of gradients are not needed). */
  private raw(opType: string, inputs: readonly string[], attrs: Record<string, AttrInput>, shape: Shape): string {
    return this.emit1(opType, inputs, attrs, shape, null)
  }

  private rawReshape(x: string, shape: Shape): string {
    return sameShape(this.shape(x), shape) ? x : this.raw('Reshape', [x, this.g.constInt64(shape)], {}, shape)
  }

  /** Sums a broadcast gradient back to the shape of the operand it flows to. */
  private reduceTo(grad: string, target: Shape): string {
    const gs = this.shape(grad)
    if (sameShape(gs, target)) return grad
    const lead = gs.length - target.length
    const axes: number[] = []
    for (let i = 0; i < gs.length; i++) {
      if (i < lead || (target[i - lead] === 1 && gs[i] !== 1)) axes.push(i)
    }
    const kept = gs.map((d, i) => (axes.includes(i) ? 1 : d))
    const leading = axes.every((a, i) => a === i)
    if (axes.length > 0 && leading) {
      // A sum over the leading axes (every bias gradient, the position table's) is ones[rows] @ g[rows, rest]:
      // a GEMV on ORT's BLAS path, several times faster than ReduceSum over a non-innermost axis.
      const rows = gs.slice(0, axes.length).reduce((a, b) => a * b, 1)
      const rest = size(gs) / rows
      const summed = this.raw('MatMul', [this.ones(rows), this.rawReshape(grad, [rows, rest])], {}, [rest])
      return this.rawReshape(summed, target)
    }
    const summed = axes.length ? this.raw('ReduceSum', [grad, this.g.constInt64(axes)], { keepdims: 1 }, kept) : grad
    return this.rawReshape(summed, target)
  }

  /** A ones vector [n] in the graph's element type (shared between uses). */
  private ones(n: number): string {
    const key = `ones:${n}`
    let ones = this.consts.get(key)
    if (!ones) {
      ones = this.raw('Expand', [this.scalar(1), this.g.constInt64([n])], {}, [n])
      this.consts.set(key, ones)
    }
    return ones
  }

  private rawMul(a: string, b: string): string {
    return this.raw('Mul', [a, b], {}, broadcastShapes(this.shape(a), this.shape(b)))
  }

  private rawSub(a: string, b: string): string {
    return this.raw('Sub', [a, b], {}, broadcastShapes(this.shape(a), this.shape(b)))
  }

  private rawTranspose(x: string, perm: readonly number[]): string {
    const s = this.shape(x)
    return this.raw(
      'Transpose',
      [x],
      { perm },
      perm.map((p) => s[p])
    )
  }

  private rawReduceMeanKeep(x: string, axis: number): string {
    const s = this.shape(x)
    const a = normAxis(axis, s.length)
    return this.raw(
      'ReduceMean',
      [x],
      { axes: [a], keepdims: 1 },
      s.map((d, i) => (i === a ? 1 : d))
    )
  }

  private rawReduceSumKeep(x: string, axis: number): string {
    const s = this.shape(x)
    const a = normAxis(axis, s.length)
    return this.raw(
      'ReduceSum',
      [x, this.g.constInt64([a])],
      { keepdims: 1 },
      s.map((d, i) => (i === a ? 1 : d))
    )
  }

  // ---- differentiable ops ------------------------------------------------------------------------

  add(a: string, b: string): string {
    const [sa, sb] = [this.shape(a), this.shape(b)]
    return this.emit1('Add', [a, b], {}, broadcastShapes(sa, sb), ([g]) => [this.reduceTo(g!, sa), this.reduceTo(g!, sb)])
  }

  sub(a: string, b: string): string {
    const [sa, sb] = [this.shape(a), this.shape(b)]
    return this.emit1('Sub', [a, b], {}, broadcastShapes(sa, sb), ([g]) => [this.reduceTo(g!, sa), this.reduceTo(this.raw('Neg', [g!], {}, this.shape(g!)), sb)])
  }

  mul(a: string, b: string): string {
    const [sa, sb] = [this.shape(a), this.shape(b)]
    return this.emit1('Mul', [a, b], {}, broadcastShapes(sa, sb), ([g]) => [
      this.live.has(a) ? this.reduceTo(this.rawMul(g!, b), sa) : null,
      this.live.has(b) ? this.reduceTo(this.rawMul(g!, a), sb) : null
    ])
  }

  div(a: string, b: string): string {
    const [sa, sb] = [this.shape(a), this.shape(b)]
    const y = this.emit1('Div', [a, b], {}, broadcastShapes(sa, sb), ([g]) => {
      const gb = () => {
        // d(a/b)/db = -y/b
        const t = this.raw('Div', [this.rawMul(g!, y), b], {}, this.shape(y))
        return this.reduceTo(this.raw('Neg', [t], {}, this.shape(t)), sb)
      }
      return [this.live.has(a) ? this.reduceTo(this.raw('Div', [g!, b], {}, this.shape(y)), sa) : null, this.live.has(b) ? gb() : null]
    })
    return y
  }

  neg(x: string): string {
    return this.emit1('Neg', [x], {}, this.shape(x), ([g]) => [this.raw('Neg', [g!], {}, this.shape(x))])
  }

  /** Batched matrix product with numpy broadcasting over the leading axes (rank >= 2 on both sides). */
  matmul(a: string, b: string): string {
    const [sa, sb] = [this.shape(a), this.shape(b)]
    if (sa.length < 2 || sb.length < 2) throw new Error('autodiff: matmul needs operands of rank >= 2')
    const [m, k] = sa.slice(-2)
    const [k2, n] = sb.slice(-2)
    if (k !== k2) throw new Error(`autodiff: matmul inner dimensions differ ([${sa.join(',')}] x [${sb.join(',')}])`)
    const batch = broadcastShapes(sa.slice(0, -2), sb.slice(0, -2))
    const out = [...batch, m, n]
    return this.emit1('MatMul', [a, b], {}, out, ([g]) => {
      let ga: string | null = null
      let gb: string | null = null
      if (this.live.has(a)) {
        if (sb.length === 2) {
          // [.., m, n] x [k, n]^T as one 2-D Gemm over the folded rows.
          const g2 = this.rawReshape(g!, [size(out) / n, n])
          ga = this.rawReshape(this.raw('Gemm', [g2, b], { transB: 1 }, [size(out) / n, k]), [...batch, m, k])
          ga = this.reduceTo(ga, sa)
        } else {
          const bt = this.rawTranspose(b, [...sb.slice(0, -2).map((_, i) => i), sb.length - 1, sb.length - 2])
          ga = this.reduceTo(this.raw('MatMul', [g!, bt], {}, [...batch, m, k]), sa)
        }
      }
      if (this.live.has(b)) {
        if (sb.length === 2) {
          // Weight gradient a^T g summed over every leading axis: one Gemm with transA.
          const rows = size(out) / n
          const a2 = this.rawReshape(a, [rows, k])
          gb = this.raw('Gemm', [a2, this.rawReshape(g!, [rows, n])], { transA: 1 }, [k, n])
        } else {
          const at = this.rawTranspose(a, [...sa.slice(0, -2).map((_, i) => i), sa.length - 1, sa.length - 2])
          gb = this.reduceTo(this.raw('MatMul', [at, g!], {}, [...batch, k, n]), sb)
        }
      }
      return [ga, gb]
    })
  }

  /**
   * alpha · op(a) @ op(b) over the last two axes, op = transpose where asked, with equal leading (batch)
   * axes on both sides: attention's q·kᵀ/√d and its backward, without Transpose nodes or a separate scale.
   * float32 graphs run onnxruntime's contrib FusedMatMul, whose backward is FusedMatMuls again; it has no
   * float64 kernel, so float64 graphs (the central-difference checks) state the same product as
   * Transpose, MatMul and Mul.
   */
  fusedMatMul(a: string, b: string, o: { transA?: boolean; transB?: boolean; alpha?: number } = {}): string {
    const [sa, sb] = [this.shape(a), this.shape(b)]
    const transA = o.transA ?? false
    const transB = o.transB ?? false
    const alpha = o.alpha ?? 1
    if (sa.length < 2 || sa.length !== sb.length || !sameShape(sa.slice(0, -2), sb.slice(0, -2))) {
      throw new Error(`autodiff: fusedMatMul needs operands with the same leading axes, got [${sa.join(',')}] and [${sb.join(',')}]`)
    }
    const r = sa.length
    const [m, k] = transA ? [sa[r - 1], sa[r - 2]] : [sa[r - 2], sa[r - 1]]
    const [k2, n] = transB ? [sb[r - 1], sb[r - 2]] : [sb[r - 2], sb[r - 1]]
    if (k !== k2) throw new Error(`autodiff: fusedMatMul inner dimensions differ ([${sa.join(',')}] x [${sb.join(',')}])`)
    if (this.precision === 'float64') {
      const swap = [...sa.slice(0, -2).map((_, i) => i), r - 1, r - 2]
      const y = this.matmul(transA ? this.transpose(a, swap) : a, transB ? this.transpose(b, swap) : b)
      return alpha === 1 ? y : this.mul(y, this.scalar(alpha))
    }
    const out = [...sa.slice(0, -2), m, n]
    const fused = (x: string, y: string, tA: boolean, tB: boolean, shape: Shape): string =>
      this.emit('FusedMatMul', [x, y], { transA: tA ? 1 : 0, transB: tB ? 1 : 0, alpha: floatAttr(alpha) }, [shape], null, MS_DOMAIN)[0]
    return this.emit(
      'FusedMatMul',
      [a, b],
      { transA: transA ? 1 : 0, transB: transB ? 1 : 0, alpha: floatAttr(alpha) },
      [out],
      ([g]) => [
        // C = α·op(A)·op(B): dA = α·g·op(B)ᵀ (or α·op(B)·gᵀ when A was transposed), and likewise for B.
        this.live.has(a) ? (transA ? fused(b, g!, transB, true, sa) : fused(g!, b, false, !transB, sa)) : null,
        this.live.has(b) ? (transB ? fused(g!, a, true, transA, sb) : fused(a, g!, !transA, false, sb)) : null
      ],
      MS_DOMAIN
    )[0]
  }

  /** Gemm y = a @ b + c with a [m, k], b [k, n], c broadcastable to [m, n] (no transposes, alpha = beta = 1). */
  gemm(a: string, b: string, c: string): string {
    const [sa, sb, sc] = [this.shape(a), this.shape(b), this.shape(c)]
    if (sa.length !== 2 || sb.length !== 2 || sa[1] !== sb[0]) throw new Error(`autodiff: gemm needs [m,k] x [k,n], got [${sa.join(',')}] x [${sb.join(',')}]`)
    const out = [sa[0], sb[1]]
    return this.emit1('Gemm', [a, b, c], {}, out, ([g]) => [
      this.live.has(a) ? this.raw('Gemm', [g!, b], { transB: 1 }, sa) : null,
      this.live.has(b) ? this.raw('Gemm', [a, g!], { transA: 1 }, sb) : null,
      this.live.has(c) ? this.reduceTo(g!, sc) : null
    ])
  }

  /**
   * y = [a, 1] @ [W; b]: the bias as one more row of the weight, against a ones column appended to a.
   * onnxruntime's Gemm with a bias first writes the broadcast bias into the whole output and then
   * accumulates onto it, a read and a write of the output more than the product alone; here the extra
   * traffic is a copy of the input instead, the cheaper side when the output is the wider one. The
   * backward's weight product over [a, 1] gives the bias gradient as its last row.
   */
  gemmFoldedBias(a: string, w: string, b: string): string {
    const [m, k] = this.shape(a)
    const n = this.shape(w)[1]
    const ones = this.raw('Expand', [this.scalar(1), this.g.constInt64([m, 1])], {}, [m, 1])
    const a1 = this.raw('Concat', [a, ones], { axis: 1 }, [m, k + 1])
    const w1 = this.raw('Concat', [w, this.rawReshape(b, [1, n])], { axis: 0 }, [k + 1, n])
    return this.emit(
      'Gemm',
      [a1, w1],
      {},
      [[m, n]],
      ([g]) => {
        const dW1 = this.live.has(w) || this.live.has(b) ? this.raw('Gemm', [a1, g!], { transA: 1 }, [k + 1, n]) : null
        const [dW, dB] = dW1
          ? this.emit(
              'Split',
              [dW1, this.g.constInt64([k, 1])],
              { axis: 0 },
              [
                [k, n],
                [1, n]
              ],
              null
            )
          : [null, null]
        return [this.live.has(a) ? this.raw('Gemm', [g!, w], { transB: 1 }, [m, k]) : null, this.live.has(w) ? dW : null, this.live.has(b) && dB ? this.rawReshape(dB, [n]) : null]
      },
      '',
      [a, w, b]
    )[0]
  }

  /** x @ W + b over the last axis, run as one 2-D Gemm on the folded rows (the fast path on ORT). */
  linear(x: string, w: string, b: string): string {
    const s = this.shape(x)
    const [k, n] = this.shape(w)
    if (s[s.length - 1] !== k) throw new Error(`autodiff: linear input [${s.join(',')}] does not match weight [${k},${n}]`)
    const fold = n >= 2 * k && size(s) / k >= this.foldBiasFromRows
    const gemm = (a: string) => (fold ? this.gemmFoldedBias(a, w, b) : this.gemm(a, w, b))
    if (s.length === 2) return gemm(x)
    return this.reshape(gemm(this.reshape(x, [size(s) / k, k])), [...s.slice(0, -1), n])
  }

  sigmoid(x: string): string {
    const y = this.emit1('Sigmoid', [x], {}, this.shape(x), ([g]) => {
      // σ' = y (1 - y)
      const oneMinus = this.rawSub(this.scalar(1), y)
      return [this.rawMul(g!, this.rawMul(y, oneMinus))]
    })
    return y
  }

  /**
   * SiLU y = x·σ(x), with its own rule instead of the chain through Mul: y' = σ(x)·(1 + x·(1 − σ(x))),
   * written as σ + y·(1 − σ) from the forward's own σ and y, four passes over the MLP's widest tensor
   * instead of five.
   */
  silu(x: string): string {
    const s = this.raw('Sigmoid', [x], {}, this.shape(x))
    const y = this.emit1('Mul', [x, s], {}, this.shape(x), ([g]) => {
      const slope = this.raw('Add', [s, this.rawMul(y, this.rawSub(this.scalar(1), s))], {}, this.shape(x))
      return [this.rawMul(g!, slope), null]
    })
    return y
  }

  exp(x: string): string {
    const y = this.emit1('Exp', [x], {}, this.shape(x), ([g]) => [this.rawMul(g!, y)])
    return y
  }

  log(x: string): string {
    return this.emit1('Log', [x], {}, this.shape(x), ([g]) => [this.raw('Div', [g!, x], {}, this.shape(x))])
  }

  /** log(1 + e^x); ORT's kernel is the stable form. */
  softplus(x: string): string {
    return this.emit1('Softplus', [x], {}, this.shape(x), ([g]) => [this.rawMul(g!, this.raw('Sigmoid', [x], {}, this.shape(x)))])
  }

  softmax(x: string, axis = -1): string {
    const s = this.shape(x)
    const a = normAxis(axis, s.length)
    const y = this.emit1('Softmax', [x], { axis: a }, s, ([g]) => {
      // dx = y ⊙ (g − Σ_axis g ⊙ y)
      const dot = this.rawReduceSumKeep(this.rawMul(g!, y), a)
      return [this.rawMul(y, this.rawSub(g!, dot))]
    })
    return y
  }

  /**
   * LayerNormalization over the last axis with unit scale and no bias (the DiT's LN); backward
   * rstd·(g − mean(g) − y·mean(g·y)) with rstd taken from the op's own InvStdDev output.
   */
  layerNorm(x: string, epsilon: number): string {
    const s = this.shape(x)
    const d = s[s.length - 1]
    const ones = this.ones(d)
    const stat = [...s.slice(0, -1), 1]
    const [y, , rstd] = this.emit('LayerNormalization', [x, ones], { axis: -1, epsilon: floatAttr(epsilon) }, [s, stat, stat], ([g]) => {
      const meanG = this.rawReduceMeanKeep(g!, -1)
      const meanGY = this.rawReduceMeanKeep(this.rawMul(g!, y), -1)
      const inner = this.rawSub(this.rawSub(g!, meanG), this.rawMul(y, meanGY))
      return [this.rawMul(inner, rstdT), null]
    })
    // ORT has no double kernel with double statistics (stash_type 11); in float64 graphs the statistics
    // stay float (stash_type 1) and the saved 1/σ is cast up (its float32 rounding is ~6e-8 relative).
    const rstdT = this.precision === 'float64' ? this.raw('Cast', [rstd], { to: DataType.DOUBLE }, stat) : rstd
    return y
  }

  reshape(x: string, shape: Shape): string {
    const s = this.shape(x)
    if (size(shape) !== size(s)) throw new Error(`autodiff: cannot reshape [${s.join(',')}] to [${shape.join(',')}]`)
    if (sameShape(s, shape)) return x
    return this.emit1('Reshape', [x, this.g.constInt64(shape)], {}, shape, ([g]) => [this.rawReshape(g!, s), null])
  }

  transpose(x: string, perm: readonly number[]): string {
    const s = this.shape(x)
    const inverse = perm.map((_, i) => perm.indexOf(i))
    return this.emit1(
      'Transpose',
      [x],
      { perm },
      perm.map((p) => s[p]),
      ([g]) => [this.rawTranspose(g!, inverse)]
    )
  }

  /** x[..., start:end, ...] along one axis (step 1). */
  slice(x: string, axis: number, start: number, end: number): string {
    const s = this.shape(x)
    const a = normAxis(axis, s.length)
    if (!(0 <= start && start < end && end <= s[a])) throw new Error(`autodiff: slice ${start}:${end} is out of range for axis ${a} of [${s.join(',')}]`)
    const out = s.map((d, i) => (i === a ? end - start : d))
    const inputs = [x, this.g.constInt64([start]), this.g.constInt64([end]), this.g.constInt64([a])]
    return this.emit1('Slice', inputs, {}, out, ([g]) => {
      // The gradient is g padded with zeros back to the input's extent.
      const pads = new Array(2 * s.length).fill(0)
      pads[a] = start
      pads[s.length + a] = s[a] - end
      return [this.raw('Pad', [g!, this.g.constInt64(pads)], {}, s), null, null, null]
    })
  }

  concat(xs: readonly string[], axis: number): string {
    const shapes = xs.map((x) => this.shape(x))
    const a = normAxis(axis, shapes[0].length)
    const out = shapes[0].map((d, i) => (i === a ? shapes.reduce((t, s) => t + s[a], 0) : d))
    return this.emit1('Concat', xs, { axis: a }, out, ([g]) =>
      this.rawSplit(
        g!,
        a,
        shapes.map((s) => s[a])
      )
    )
  }

  private rawSplit(x: string, axis: number, sizes: readonly number[]): string[] {
    const s = this.shape(x)
    return this.emit(
      'Split',
      [x, this.g.constInt64(sizes)],
      { axis },
      sizes.map((n) => s.map((d, i) => (i === axis ? n : d))),
      null
    )
  }

  /** Splits along `axis` into `parts` equal chunks. */
  split(x: string, parts: number, axis: number): string[] {
    const s = this.shape(x)
    const a = normAxis(axis, s.length)
    if (s[a] % parts !== 0) throw new Error(`autodiff: cannot split axis ${a} of [${s.join(',')}] into ${parts} equal parts`)
    const sizes = new Array(parts).fill(s[a] / parts)
    const outShape = s.map((d, i) => (i === a ? s[a] / parts : d))
    return this.emit(
      'Split',
      [x, this.g.constInt64(sizes)],
      { axis: a },
      sizes.map(() => outShape),
      (grads) => {
        // Chunks that received no gradient contribute zeros.
        const filled = grads.map((g) => g ?? this.raw('Expand', [this.scalar(0), this.g.constInt64(outShape)], {}, outShape))
        return [this.raw('Concat', filled, { axis: a }, s), null]
      }
    )
  }

  private reduce(kind: 'ReduceSum' | 'ReduceMean', x: string, axes: readonly number[], keepdims: boolean): string {
    const s = this.shape(x)
    const ax = axes.map((v) => normAxis(v, s.length))
    const kept = s.map((d, i) => (ax.includes(i) ? 1 : d))
    const out = keepdims ? kept : s.filter((_, i) => !ax.includes(i))
    const count = ax.reduce((t, i) => t * s[i], 1)
    // Opset 17: ReduceSum takes its axes as an input, ReduceMean still as an attribute.
    const inputs = kind === 'ReduceSum' ? [x, this.g.constInt64(ax)] : [x]
    const attrs: Record<string, AttrInput> = kind === 'ReduceSum' ? { keepdims: keepdims ? 1 : 0 } : { axes: ax, keepdims: keepdims ? 1 : 0 }
    return this.emit1(kind, inputs, attrs, out, ([g]) => {
      let gk = this.rawReshape(g!, kept)
      if (kind === 'ReduceMean') gk = this.rawMul(gk, this.scalar(1 / count))
      return [this.raw('Expand', [gk, this.g.constInt64(s)], {}, s), null]
    })
  }

  reduceSum(x: string, axes: readonly number[], keepdims = false): string {
    return this.reduce('ReduceSum', x, axes, keepdims)
  }

  reduceMean(x: string, axes: readonly number[], keepdims = false): string {
    return this.reduce('ReduceMean', x, axes, keepdims)
  }

  /** Rows of `table` [V, D] picked by int64 `indices` (a graph input); the gradient scatter-adds into the table. */
  gather(table: string, indices: string): string {
    const st = this.shape(table)
    const si = this.shape(indices)
    if (st.length !== 2) throw new Error('autodiff: gather supports a 2-D table')
    const out = [...si, st[1]]
    return this.emit1('Gather', [table, indices], { axis: 0 }, out, ([g]) => {
      const rows = size(si)
      const zeros = this.raw('Expand', [this.scalar(0), this.g.constInt64(st)], {}, st)
      const idx = this.rawReshape(indices, [rows, 1])
      const upd = this.rawReshape(g!, [rows, st[1]])
      return [this.raw('ScatterND', [zeros, idx, upd], { reduction: 'add' }, st), null]
    })
  }

  /** An int64 graph input (indices for gather). */
  indexInput(name: string, shape: Shape): string {
    this.g.input(name, shape, DataType.INT64)
    this.shapes.set(name, [...shape])
    return name
  }

  /** The value itself, with no gradient flowing back through it (a constant for backprop). */
  stopGradient(x: string): string {
    return this.emit1('Identity', [x], {}, this.shape(x), null)
  }

  // ---- reverse sweep -------------------------------------------------------------------------------

  /**
   * Emits the backward graph of scalar `loss` and returns the gradient value of each of `wrt` (every
   * parameter by default). A parameter the loss does not depend on gets a zero tensor.
   */
  gradients(loss: string, wrt: readonly string[] = this.params): Map<string, string> {
    if (this.shape(loss).length !== 0) throw new Error(`autodiff: the loss must be a scalar, got shape [${this.shape(loss).join(',')}]`)
    const acc = new Map<string, string>()
    const accumulate = (name: string, grad: string): void => {
      const prev = acc.get(name)
      acc.set(name, prev ? this.raw('Add', [prev, grad], {}, this.shape(name)) : grad)
    }
    acc.set(loss, this.scalar(1))
    for (let i = this.tape.length - 1; i >= 0; i--) {
      const e = this.tape[i]
      const gOut = e.outputs.map((o) => acc.get(o) ?? null)
      if (gOut.every((g) => g === null)) continue
      const gIn = e.vjp(gOut)
      e.inputs.forEach((inp, j) => {
        const gj = gIn[j]
        if (gj && this.live.has(inp)) {
          if (!sameShape(this.shape(gj), this.shape(inp))) {
            throw new Error(`autodiff: internal error, gradient of ${inp} has shape [${this.shape(gj).join(',')}] instead of [${this.shape(inp).join(',')}]`)
          }
          accumulate(inp, gj)
        }
      })
    }
    const out = new Map<string, string>()
    for (const p of wrt) {
      const s = this.shape(p)
      out.set(p, acc.get(p) ?? this.raw('Expand', [this.scalar(0), this.g.constInt64(s)], {}, s))
    }
    return out
  }

  toBytes(docString: string, metadata: Record<string, string> = {}): Uint8Array {
    return this.g.toBytes({ docString, metadata })
  }
}
