// A small builder for ONNX graphs (opset 17), on top of the protobuf writer in proto.ts.
//
// Usage, e.g. a two-layer MLP classifier with a symbolic batch:
//   const g = new GraphBuilder('classifier')
//   const x = g.input('x', ['N', 48])
//   const h = g.relu(g.linear(x, g.weight('l1.w', w1, [48, 64]), g.weight('l1.b', b1, [64])))
//   const logits = g.linear(h, g.weight('l2.w', w2, [64, 10]), g.weight('l2.b', b2, [10]))
//   g.output(g.op('Softmax', [logits], { axis: -1 }), 'probs', ['N', 10])
//   const bytes = g.toBytes()        // load with OrtRunner.fromBytes(bytes)
//
// Every helper returns the name of the value it produces; names are made unique with fresh(). Attributes
// given as plain numbers are INT attributes (the common case: axis, perm, transA); float attributes must
// be tagged with floatAttr() so that e.g. `alpha: 1` can never silently become an integer.

import { DataType, encodeModel, type AttributeValue, type Dim, type ElemType, type NodeSpec, type TensorSpec, type ValueInfoSpec } from './proto'

/** onnxruntime's contrib operator domain (FusedMatMul and friends); CPU kernels ship with onnxruntime-node. */
export const MS_DOMAIN = 'com.microsoft'

export type AttrInput = number | readonly number[] | string | AttributeValue

export function floatAttr(value: number): AttributeValue {
  return { type: 'float', value }
}

export function floatsAttr(value: readonly number[]): AttributeValue {
  return { type: 'floats', value }
}

function toAttribute(name: string, v: AttrInput): AttributeValue {
  if (typeof v === 'string') return { type: 'string', value: v }
  if (typeof v === 'number') {
    if (!Number.isInteger(v)) throw new Error(`onnx attribute ${name}: ${v} is not an integer; wrap float attributes in floatAttr()`)
    return { type: 'int', value: v }
  }
  if (Array.isArray(v)) {
    for (const x of v as readonly number[]) {
      if (!Number.isInteger(x)) throw new Error(`onnx attribute ${name}: ${x} is not an integer; wrap float lists in floatsAttr()`)
    }
    return { type: 'ints', value: v as readonly number[] }
  }
  return v as AttributeValue
}

export interface ModelMetadata {
  producerVersion?: string
  docString?: string
  metadata?: Record<string, string>
}

export class GraphBuilder {
  private readonly nodes: NodeSpec[] = []
  private readonly initializers: TensorSpec[] = []
  private readonly inputs: ValueInfoSpec[] = []
  private readonly outputs: ValueInfoSpec[] = []
  private readonly used = new Set<string>()
  private readonly counters = new Map<string, number>()
  // Scalar and shape constants are shared so repeated helpers do not duplicate initializers.
  private readonly constCache = new Map<string, string>()
  // Operator domains beyond ONNX's own (e.g. com.microsoft for onnxruntime's contrib ops) that nodes use.
  private readonly domains = new Set<string>()

  constructor(readonly name = 'graph') {}

  /** A value name not used before in this graph, derived from `hint`. */
  fresh(hint: string): string {
    if (!this.used.has(hint)) {
      this.used.add(hint)
      return hint
    }
    let n = this.counters.get(hint) ?? 1
    while (this.used.has(`${hint}_${n}`)) n++
    this.counters.set(hint, n + 1)
    const name = `${hint}_${n}`
    this.used.add(name)
    return name
  }

  private claim(name: string): string {
    if (this.used.has(name)) throw new Error(`onnx graph ${this.name}: the name "${name}" is already used`)
    this.used.add(name)
    return name
  }

  /** Declares a graph input. Use a string dimension (e.g. 'N') for a symbolic batch size. */
  input(name: string, dims: readonly Dim[], elemType: ElemType = DataType.FLOAT): string {
    this.inputs.push({ name: this.claim(name), elemType, dims })
    return name
  }

  /**
   * Declares `value` as a graph output called `name`. If the value already has another name an Identity
   * node renames it, so callers can pick stable output names independent of how the graph was built.
   */
  output(value: string, name = value, dims?: readonly Dim[], elemType: ElemType = DataType.FLOAT): string {
    if (!this.used.has(value)) throw new Error(`onnx graph ${this.name}: output source "${value}" does not exist`)
    if (name !== value) this.nodes.push({ opType: 'Identity', inputs: [value], outputs: [this.claim(name)] })
    this.outputs.push({ name, elemType, dims })
    return name
  }

  /** A float32 initializer (weights). The array is kept by reference until toBytes(). */
  weight(name: string, values: Float32Array, dims: readonly number[]): string {
    const n = dims.reduce((a, b) => a * b, 1)
    if (values.length !== n) throw new Error(`onnx graph ${this.name}: weight ${name} has ${values.length} values, shape [${dims.join(',')}] needs ${n}`)
    const unique = this.claim(name)
    this.initializers.push({ name: unique, dims, data: { kind: 'float32', values } })
    return unique
  }

  /** A float32 constant; a number gives a scalar (rank 0), shared between uses. */
  constFloat(values: number | readonly number[], dims?: readonly number[]): string {
    const list = typeof values === 'number' ? [values] : values
    const shape = dims ?? (typeof values === 'number' ? [] : [list.length])
    const key = `f:${shape.join(',')}:${list.join(',')}`
    const hit = this.constCache.get(key)
    if (hit) return hit
    const name = this.fresh('const_f')
    this.initializers.push({ name, dims: shape, data: { kind: 'float32', values: Float32Array.from(list) } })
    this.constCache.set(key, name)
    return name
  }

  /** An int64 1-D constant, e.g. a Reshape target shape or Unsqueeze axes. */
  constInt64(values: readonly number[]): string {
    const key = `i:${values.join(',')}`
    const hit = this.constCache.get(key)
    if (hit) return hit
    const name = this.fresh('const_i')
    this.initializers.push({ name, dims: [values.length], data: { kind: 'int64', values } })
    this.constCache.set(key, name)
    return name
  }

  /**
   * Adds a node with `outputCount` outputs and returns their names. `domain` names an operator set other
   * than ONNX's (MS_DOMAIN for onnxruntime's contrib ops); the model then imports it.
   */
  node(opType: string, inputs: readonly string[], attrs: Record<string, AttrInput> = {}, outputCount = 1, hint = opType.toLowerCase(), domain = ''): string[] {
    for (const i of inputs) {
      // '' is ONNX's marker for an omitted optional input.
      if (i !== '' && !this.used.has(i)) throw new Error(`onnx graph ${this.name}: ${opType} input "${i}" does not exist`)
    }
    const outputs = Array.from({ length: outputCount }, () => this.fresh(hint))
    const attributes: Record<string, AttributeValue> = {}
    for (const [k, v] of Object.entries(attrs)) attributes[k] = toAttribute(k, v)
    if (domain) this.domains.add(domain)
    this.nodes.push({ opType, inputs, outputs, name: this.fresh(`n_${hint}`), attributes, ...(domain ? { domain } : {}) })
    return outputs
  }

  /** Adds a single-output node and returns its output name. */
  op(opType: string, inputs: readonly string[], attrs: Record<string, AttrInput> = {}, hint?: string, domain = ''): string {
    return this.node(opType, inputs, attrs, 1, hint, domain)[0]
  }

  // ---- helpers for the common layers ------------------------------------------------------------

  add(a: string, b: string): string {
    return this.op('Add', [a, b])
  }

  mul(a: string, b: string): string {
    return this.op('Mul', [a, b])
  }

  matmul(a: string, b: string): string {
    return this.op('MatMul', [a, b])
  }

  /** x @ W (+ b). x may have any rank >= 2; W is [in, out] (the engine's layout), b is [out]. */
  linear(x: string, w: string, b?: string): string {
    const y = this.matmul(x, w)
    return b ? this.add(y, b) : y
  }

  relu(x: string): string {
    return this.op('Relu', [x])
  }

  sigmoid(x: string): string {
    return this.op('Sigmoid', [x])
  }

  /** SiLU(x) = x * sigmoid(x); opset 17 has no SiLU operator. */
  silu(x: string): string {
    return this.mul(x, this.sigmoid(x))
  }

  softmax(x: string, axis = -1): string {
    return this.op('Softmax', [x], { axis })
  }

  reshape(x: string, shape: readonly number[]): string {
    return this.op('Reshape', [x, this.constInt64(shape)])
  }

  transpose(x: string, perm: readonly number[]): string {
    return this.op('Transpose', [x], { perm })
  }

  unsqueeze(x: string, axes: readonly number[]): string {
    return this.op('Unsqueeze', [x, this.constInt64(axes)])
  }

  /** Splits x into `parts` equal chunks along `axis` (opset 13-17 semantics: equal split when no sizes given). */
  split(x: string, parts: number, axis: number): string[] {
    return this.node('Split', [x], { axis }, parts, 'split')
  }

  /**
   * LayerNormalization over the last axis with no learned affine: opset 17 requires a scale input, so a
   * ones vector of the normalised size is used (and no bias).
   */
  layerNorm(x: string, size: number, epsilon: number): string {
    const key = `ones:${size}`
    let ones = this.constCache.get(key)
    if (!ones) {
      ones = this.fresh('ln_ones')
      this.initializers.push({ name: ones, dims: [size], data: { kind: 'float32', values: new Float32Array(size).fill(1) } })
      this.constCache.set(key, ones)
    }
    return this.op('LayerNormalization', [x, ones], { axis: -1, epsilon: floatAttr(epsilon) }, 'ln')
  }

  /** Number of nodes so far (for diagnostics and tests). */
  get nodeCount(): number {
    return this.nodes.length
  }

  /** Serialises the graph as an ONNX ModelProto (IR 8, opset 17, plus version 1 of any contrib domain used). */
  toBytes(meta: ModelMetadata = {}): Uint8Array {
    if (this.outputs.length === 0) throw new Error(`onnx graph ${this.name}: no outputs declared`)
    return encodeModel({
      graph: { name: this.name, nodes: this.nodes, initializers: this.initializers, inputs: this.inputs, outputs: this.outputs },
      opsets: [{ domain: '', version: 17 }, ...[...this.domains].map((domain) => ({ domain, version: 1 }))],
      producerVersion: meta.producerVersion,
      docString: meta.docString,
      metadata: meta.metadata
    })
  }
}
