// A minimal, dependency-free protobuf *writer* for the subset of onnx.proto (IR version 8, opset 17) that
// the engine's exporters need. Only encoding is implemented: the engine builds models, onnxruntime reads them.
//
// Wire format recap: each field is a varint key (fieldNumber << 3 | wireType) followed by its payload.
// Wire types used: 0 = varint (ints, enums), 2 = length-delimited (strings, bytes, messages, packed
// repeated scalars), 5 = fixed32 (float). Field numbers below are those of onnx/onnx.proto.

const WIRE_VARINT = 0
const WIRE_LEN = 2
const WIRE_FIXED32 = 5

const utf8 = new TextEncoder()

/** Accumulates encoded fields of one message; nested messages are encoded separately and length-prefixed. */
export class ProtoWriter {
  private chunks: Uint8Array[] = []
  private scratch: number[] = []
  private length = 0

  get byteLength(): number {
    return this.length + this.scratch.length
  }

  /** Moves the small-byte scratch buffer into the chunk list so large payloads can be appended without copying. */
  private flushScratch(): void {
    if (this.scratch.length === 0) return
    this.chunks.push(Uint8Array.from(this.scratch))
    this.length += this.scratch.length
    this.scratch = []
  }

  private pushBytes(bytes: Uint8Array): void {
    // Small payloads go through scratch to avoid thousands of tiny chunks; big ones are kept by reference.
    if (bytes.length < 64) {
      for (let i = 0; i < bytes.length; i++) this.scratch.push(bytes[i])
      return
    }
    this.flushScratch()
    this.chunks.push(bytes)
    this.length += bytes.length
  }

  /** Unsigned or signed 64-bit varint. Negative values use the 10-byte two's complement form protobuf requires. */
  rawVarint(value: number | bigint): void {
    if (typeof value === 'number') {
      if (!Number.isInteger(value)) throw new Error(`protobuf: varint must be an integer, got ${value}`)
      if (value >= 0 && value <= Number.MAX_SAFE_INTEGER) {
        let v = value
        while (v >= 0x80) {
          this.scratch.push((v % 0x80) | 0x80)
          v = Math.floor(v / 0x80)
        }
        this.scratch.push(v)
        return
      }
      value = BigInt(value)
    }
    let v = BigInt.asUintN(64, value)
    while (v >= 0x80n) {
      this.scratch.push(Number(v & 0x7fn) | 0x80)
      v >>= 7n
    }
    this.scratch.push(Number(v))
  }

  private key(field: number, wire: number): void {
    this.rawVarint(field * 8 + wire)
  }

  varint(field: number, value: number | bigint): void {
    this.key(field, WIRE_VARINT)
    this.rawVarint(value)
  }

  float(field: number, value: number): void {
    this.key(field, WIRE_FIXED32)
    const b = new Uint8Array(4)
    new DataView(b.buffer).setFloat32(0, value, true)
    this.pushBytes(b)
  }

  bytes(field: number, value: Uint8Array): void {
    this.key(field, WIRE_LEN)
    this.rawVarint(value.length)
    this.pushBytes(value)
  }

  string(field: number, value: string): void {
    this.bytes(field, utf8.encode(value))
  }

  /** Embedded message: the nested writer's bytes, length-prefixed. */
  message(field: number, nested: ProtoWriter): void {
    this.key(field, WIRE_LEN)
    this.rawVarint(nested.byteLength)
    nested.flushScratch()
    this.flushScratch()
    for (const c of nested.chunks) this.chunks.push(c)
    this.length += nested.length
  }

  /** Packed repeated varints (int64/int32 lists): one length-delimited field holding the concatenated varints. */
  packedVarints(field: number, values: readonly (number | bigint)[]): void {
    const inner = new ProtoWriter()
    for (const v of values) inner.rawVarint(v)
    this.message(field, inner)
  }

  /** Packed repeated float: one length-delimited field of little-endian float32s. */
  packedFloats(field: number, values: readonly number[]): void {
    const b = new Uint8Array(values.length * 4)
    const dv = new DataView(b.buffer)
    values.forEach((v, i) => dv.setFloat32(i * 4, v, true))
    this.bytes(field, b)
  }

  finish(): Uint8Array {
    this.flushScratch()
    const out = new Uint8Array(this.length)
    let o = 0
    for (const c of this.chunks) {
      out.set(c, o)
      o += c.length
    }
    return out
  }
}

// ---------------------------------------------------------------------------------------------------------
// ONNX messages as plain data. Only the fields the engine uses are modelled.

/** TensorProto.DataType values. */
export const DataType = { FLOAT: 1, UINT8: 2, INT8: 3, INT32: 6, INT64: 7, BOOL: 9, DOUBLE: 11 } as const
export type ElemType = (typeof DataType)[keyof typeof DataType]

export type TensorData = { kind: 'float32'; values: Float32Array } | { kind: 'int64'; values: readonly (number | bigint)[] }

export interface TensorSpec {
  name: string
  dims: readonly number[]
  data: TensorData
}

/** A dimension is either a fixed size or a symbolic name (dim_param), used for the batch. */
export type Dim = number | string

export interface ValueInfoSpec {
  name: string
  elemType: ElemType
  /** Omitted: unknown rank. */
  dims?: readonly Dim[]
}

export type AttributeValue =
  | { type: 'float'; value: number }
  | { type: 'int'; value: number }
  | { type: 'string'; value: string }
  | { type: 'tensor'; value: TensorSpec }
  | { type: 'floats'; value: readonly number[] }
  | { type: 'ints'; value: readonly number[] }

export interface NodeSpec {
  opType: string
  inputs: readonly string[]
  outputs: readonly string[]
  name?: string
  domain?: string
  attributes?: Readonly<Record<string, AttributeValue>>
}

export interface GraphSpec {
  name: string
  nodes: readonly NodeSpec[]
  initializers: readonly TensorSpec[]
  inputs: readonly ValueInfoSpec[]
  outputs: readonly ValueInfoSpec[]
}

export interface ModelSpec {
  graph: GraphSpec
  irVersion?: number
  opsets?: readonly { domain: string; version: number }[]
  producerName?: string
  producerVersion?: string
  docString?: string
  metadata?: Readonly<Record<string, string>>
}

// AttributeProto.AttributeType
const ATTR_TYPE = { float: 1, int: 2, string: 3, tensor: 4, floats: 6, ints: 7 } as const

function elementCount(dims: readonly number[]): number {
  return dims.reduce((a, b) => a * b, 1)
}

export function encodeTensor(t: TensorSpec): ProtoWriter {
  const w = new ProtoWriter()
  for (const d of t.dims) {
    if (!Number.isInteger(d) || d < 0) throw new Error(`onnx tensor ${t.name}: bad dimension ${d}`)
  }
  const n = elementCount(t.dims)
  if (t.data.values.length !== n) {
    throw new Error(`onnx tensor ${t.name}: dims [${t.dims.join(',')}] need ${n} values, got ${t.data.values.length}`)
  }
  // dims (field 1) is `repeated int64` without [packed]; proto2 parsers accept both forms, so pack them.
  if (t.dims.length > 0) w.packedVarints(1, t.dims)
  if (t.data.kind === 'float32') {
    w.varint(2, DataType.FLOAT)
    w.string(8, t.name)
    // raw_data must be little-endian; copy through a DataView so big-endian hosts stay correct.
    const raw = new Uint8Array(n * 4)
    const dv = new DataView(raw.buffer)
    const vals = t.data.values
    for (let i = 0; i < n; i++) dv.setFloat32(i * 4, vals[i], true)
    w.bytes(9, raw)
  } else {
    w.varint(2, DataType.INT64)
    w.string(8, t.name)
    const raw = new Uint8Array(n * 8)
    const dv = new DataView(raw.buffer)
    t.data.values.forEach((v, i) => dv.setBigInt64(i * 8, BigInt(v), true))
    w.bytes(9, raw)
  }
  return w
}

function encodeValueInfo(v: ValueInfoSpec): ProtoWriter {
  const tensorType = new ProtoWriter()
  tensorType.varint(1, v.elemType)
  if (v.dims) {
    const shape = new ProtoWriter()
    for (const d of v.dims) {
      const dim = new ProtoWriter()
      if (typeof d === 'number') {
        if (!Number.isInteger(d) || d < 0) throw new Error(`onnx value ${v.name}: bad dimension ${d}`)
        dim.varint(1, d)
      } else {
        if (d.length === 0) throw new Error(`onnx value ${v.name}: symbolic dimension needs a name`)
        dim.string(2, d)
      }
      shape.message(1, dim)
    }
    tensorType.message(2, shape)
  }
  const type = new ProtoWriter()
  type.message(1, tensorType)
  const w = new ProtoWriter()
  w.string(1, v.name)
  w.message(2, type)
  return w
}

function encodeAttribute(name: string, a: AttributeValue): ProtoWriter {
  const w = new ProtoWriter()
  w.string(1, name)
  w.varint(20, ATTR_TYPE[a.type])
  switch (a.type) {
    case 'float':
      w.float(2, a.value)
      break
    case 'int':
      if (!Number.isInteger(a.value)) throw new Error(`onnx attribute ${name}: int attribute got ${a.value}`)
      w.varint(3, a.value)
      break
    case 'string':
      w.string(4, a.value)
      break
    case 'tensor':
      w.message(5, encodeTensor(a.value))
      break
    case 'floats':
      w.packedFloats(7, a.value)
      break
    case 'ints':
      for (const v of a.value) if (!Number.isInteger(v)) throw new Error(`onnx attribute ${name}: ints attribute got ${v}`)
      w.packedVarints(8, a.value)
      break
  }
  return w
}

function encodeNode(n: NodeSpec): ProtoWriter {
  const w = new ProtoWriter()
  for (const i of n.inputs) w.string(1, i)
  for (const o of n.outputs) w.string(2, o)
  if (n.name) w.string(3, n.name)
  w.string(4, n.opType)
  for (const [k, v] of Object.entries(n.attributes ?? {})) w.message(5, encodeAttribute(k, v))
  if (n.domain) w.string(7, n.domain)
  return w
}

function encodeGraph(g: GraphSpec): ProtoWriter {
  const w = new ProtoWriter()
  for (const n of g.nodes) w.message(1, encodeNode(n))
  w.string(2, g.name)
  for (const t of g.initializers) w.message(5, encodeTensor(t))
  for (const v of g.inputs) w.message(11, encodeValueInfo(v))
  for (const v of g.outputs) w.message(12, encodeValueInfo(v))
  return w
}

/** Serialises a ModelProto. Defaults: IR version 8, default-domain opset 17. */
export function encodeModel(m: ModelSpec): Uint8Array {
  const w = new ProtoWriter()
  w.varint(1, m.irVersion ?? 8)
  w.string(2, m.producerName ?? 'popalign-studio')
  if (m.producerVersion) w.string(3, m.producerVersion)
  if (m.docString) w.string(6, m.docString)
  w.message(7, encodeGraph(m.graph))
  for (const o of m.opsets ?? [{ domain: '', version: 17 }]) {
    const op = new ProtoWriter()
    if (o.domain) op.string(1, o.domain)
    op.varint(2, o.version)
    w.message(8, op)
  }
  for (const [key, value] of Object.entries(m.metadata ?? {})) {
    const e = new ProtoWriter()
    e.string(1, key)
    e.string(2, value)
    w.message(14, e)
  }
  return w.finish()
}
