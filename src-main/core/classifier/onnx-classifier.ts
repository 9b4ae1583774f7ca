// Any ONNX attribute classifier described by a mapping (mapping.ts), run on image files through
// onnxruntime-node. Each image gets exactly one verdict: 'error' (unreadable file), 'no_detection'
// (the detector stage or the detection head does not see the attributes), 'low_confidence' (some
// axis's top mapped class is below the threshold) or 'ok'. Model-level problems (an output the mapping
// names but the model lacks, rows of the wrong width, values that are not probabilities) are mapping
// errors and throw: they would be wrong for every image.

import { readFile } from 'node:fs/promises'
import { MAX_MAPPING_BYTES, MAX_MODEL_BYTES, ownerFile, readOwnerFile } from '../fs/owner-file'
import { FileRefusedError } from '../fs/read-regular'
import { OrtRunner, type FloatTensor } from '../engine/onnx/ort-runner'
import { MappingError, parseMapping, type Activation, type ClassifierSpec, type HeadSpec, type InputSpec } from './mapping-file'
import { mappingModelFile } from './model-files'
import { DecodeError, decodeRgb, imageValues, inputDims, writeNormalised } from './preprocess'

export type VerdictStatus = 'ok' | 'no_detection' | 'low_confidence' | 'error'

export interface Verdict {
  status: VerdictStatus
  /** axis -> project class (ok and low_confidence only). */
  attributes: Record<string, string>
  /** Lowest top-class probability over the axes; the detection score for no_detection; null for errors. */
  confidence: number | null
  /** Why: the decode error, or which stage did not detect. */
  detail: string | null
}

/**
 * What the classification job, the acquisition and the audit need of any runner: its lineage id and
 * version, a verdict per file (never a throw for a bad file), and release. OnnxAttributeClassifier
 * below and the photo classifier (core/classifier/photo) implement it.
 */
export interface ImageClassifier {
  readonly id: string
  readonly version: string
  classifyFiles(paths: readonly string[]): Promise<Verdict[]>
  dispose(): Promise<void>
}

const PROB_TOLERANCE = 1e-3

function activate(values: Float32Array, activation: Activation | 'none' | 'sigmoid'): Float32Array {
  if (activation === 'sigmoid') return values.map((v) => 1 / (1 + Math.exp(-v)))
  if (activation === 'softmax') {
    const max = values.reduce((m, v) => Math.max(m, v), -Infinity)
    const e = values.map((v) => Math.exp(v - max))
    const s = e.reduce((a, b) => a + b, 0)
    return e.map((v) => v / s)
  }
  return values
}

function rowOf(t: FloatTensor, i: number, n: number, what: string): Float32Array {
  if (t.data.length % n !== 0) throw new MappingError(`${what} has ${t.data.length} values for ${n} images`)
  const width = t.data.length / n
  return t.data.subarray(i * width, (i + 1) * width)
}

export class OnnxAttributeClassifier implements ImageClassifier {
  private constructor(
    readonly spec: ClassifierSpec,
    private readonly model: OrtRunner,
    private readonly detector: OrtRunner | null
  ) {}

  /** Loads the mapping and the ONNX file(s) it names (relative to the mapping file; `modelPath` overrides the main one). */
  static async load(mappingPath: string, modelPath?: string): Promise<OnnxAttributeClassifier> {
    // The files may have changed since the job was started: checked again (regular, bounded).
    const spec = parseMapping(asMappingError(() => readOwnerFile(mappingPath, 'classifier mapping', MAX_MAPPING_BYTES)).toString('utf8'), `classifier mapping ${mappingPath}`)
    const model = await OrtRunner.fromFile(modelPath ? asMappingError(() => ownerFile(modelPath, 'classifier model', MAX_MODEL_BYTES)) : mappingModelFile(mappingPath, spec.model, 'model'))
    let detector: OrtRunner | null = null
    try {
      checkNames(spec.id, model, spec.input.name, [...spec.heads.map((h) => h.output), ...(spec.detection ? [spec.detection.output] : [])])
      if (spec.detector) {
        detector = await OrtRunner.fromFile(mappingModelFile(mappingPath, spec.detector.model, 'detector'))
        checkNames(`${spec.id} detector`, detector, spec.detector.input.name, [spec.detector.output])
      }
    } catch (e) {
      await model.dispose()
      await detector?.dispose()
      throw e
    }
    return new OnnxAttributeClassifier(spec, model, detector)
  }

  get id(): string {
    return this.spec.id
  }

  get version(): string {
    return this.spec.version
  }

  /** Classifies files; never throws for a bad file (its verdict is 'error'), only for model/mapping problems. */
  async classifyFiles(paths: readonly string[]): Promise<Verdict[]> {
    const n = paths.length
    const verdicts = new Array<Verdict | null>(n).fill(null)
    const specs: InputSpec[] = [this.spec.input, ...(this.spec.detector ? [this.spec.detector.input] : [])]
    const tensors = specs.map((s) => new Float32Array(n * imageValues(s)))
    // One read and decode per file and input spec; a decode failure is that image's verdict.
    for (let i = 0; i < n; i++) {
      let bytes: Uint8Array
      try {
        bytes = await readFile(paths[i])
      } catch (e) {
        verdicts[i] = errorVerdict(`cannot read file: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`)
        continue
      }
      try {
        for (let s = 0; s < specs.length; s++) writeNormalised(await decodeRgb(bytes, specs[s]), specs[s], tensors[s], i)
      } catch (e) {
        if (!(e instanceof DecodeError)) throw e
        verdicts[i] = errorVerdict(e.message)
      }
    }
    const live = verdicts.map((v, i) => (v === null ? i : -1)).filter((i) => i >= 0)
    if (live.length === 0) return verdicts as Verdict[]

    const pick = (t: Float32Array, s: InputSpec): Float32Array => {
      if (live.length === n) return t
      const per = imageValues(s)
      const out = new Float32Array(live.length * per)
      live.forEach((i, j) => out.set(t.subarray(i * per, (i + 1) * per), j * per))
      return out
    }
    const m = live.length
    const outputs = [...this.spec.heads.map((h) => h.output), ...(this.spec.detection ? [this.spec.detection.output] : [])]
    const main = await this.model.run({ [this.spec.input.name]: { data: pick(tensors[0], this.spec.input), dims: inputDims(this.spec.input, m) } }, [...new Set(outputs)])
    let detected: Float32Array | null = null
    if (this.detector && this.spec.detector) {
      const d = this.spec.detector
      const out = await this.detector.run({ [d.input.name]: { data: pick(tensors[1], d.input), dims: inputDims(d.input, m) } }, [d.output])
      detected = new Float32Array(m)
      for (let j = 0; j < m; j++) {
        const row = activate(rowOf(out[d.output], j, m, `detector output "${d.output}"`), d.activation)
        detected[j] = row.reduce((a, b) => Math.max(a, b), -Infinity)
      }
    }
    live.forEach((i, j) => {
      verdicts[i] = this.verdictOf(main, detected ? detected[j] : null, j, m)
    })
    return verdicts as Verdict[]
  }

  private verdictOf(out: Record<string, FloatTensor>, detectorScore: number | null, j: number, m: number): Verdict {
    const s = this.spec
    if (s.detector && detectorScore !== null && !(detectorScore >= s.detector.threshold)) {
      return { status: 'no_detection', attributes: {}, confidence: clamp01(detectorScore), detail: `detector score ${detectorScore.toFixed(3)} below ${s.detector.threshold}` }
    }
    if (s.detection) {
      const row = rowOf(out[s.detection.output], j, m, `detection output "${s.detection.output}"`)
      const index = s.detection.index ?? 0
      if (s.detection.index === undefined && row.length !== 1) {
        throw new MappingError(`classifier ${s.id}: detection output "${s.detection.output}" gives ${row.length} values per image; set detection.index`)
      }
      if (index >= row.length) throw new MappingError(`classifier ${s.id}: detection.index ${index} is outside the ${row.length} values of "${s.detection.output}"`)
      const p = activate(row.subarray(index, index + 1), s.detection.activation)[0]
      if (!(p >= 0 && p <= 1)) throw new MappingError(`classifier ${s.id}: detection output "${s.detection.output}" gave ${p}, not a probability; set detection.activation to "sigmoid"`)
      if (p < s.detection.threshold) return { status: 'no_detection', attributes: {}, confidence: p, detail: `detection ${p.toFixed(3)} below ${s.detection.threshold}` }
    }
    const attributes: Record<string, string> = {}
    let confidence = 1
    let unsure: string | null = null
    for (const head of s.heads) {
      const { cls, p } = topClass(head, rowOf(out[head.output], j, m, `output "${head.output}"`), s.id)
      attributes[head.axis] = cls
      confidence = Math.min(confidence, p)
      if (p < s.confidenceThreshold && unsure === null) unsure = `${head.axis}: ${cls} at ${p.toFixed(3)} below ${s.confidenceThreshold}`
    }
    return { status: unsure ? 'low_confidence' : 'ok', attributes, confidence, detail: unsure }
  }

  async dispose(): Promise<void> {
    await this.model.dispose()
    await this.detector?.dispose()
  }
}

/** The head's probabilities summed per project class; the top class and its probability. */
export function topClass(head: HeadSpec, raw: Float32Array, classifierId: string): { cls: string; p: number } {
  if (raw.length !== head.labels.length) {
    throw new MappingError(`classifier ${classifierId}: output "${head.output}" gives ${raw.length} values per image but the mapping lists ${head.labels.length} labels`)
  }
  const probs = activate(raw, head.activation)
  let sum = 0
  for (const v of probs) {
    if (!(v >= -PROB_TOLERANCE && v <= 1 + PROB_TOLERANCE)) throw notProbabilities(head, classifierId, `value ${v}`)
    sum += v
  }
  // A softmax head sums to 1; independent sigmoids need not.
  if (head.activation !== 'sigmoid' && Math.abs(sum - 1) > 1e-2) throw notProbabilities(head, classifierId, `sum ${sum.toFixed(4)}`)
  const byClass = new Map<string, number>()
  probs.forEach((v, i) => byClass.set(head.classOf[i], (byClass.get(head.classOf[i]) ?? 0) + v))
  const total = head.activation === 'sigmoid' ? [...byClass.values()].reduce((a, b) => a + b, 0) || 1 : 1
  let best = { cls: head.classes[0], p: -Infinity }
  for (const cls of head.classes) {
    const p = (byClass.get(cls) ?? 0) / total
    if (p > best.p) best = { cls, p }
  }
  return { cls: best.cls, p: clamp01(best.p) }
}

function notProbabilities(head: HeadSpec, id: string, what: string): MappingError {
  return new MappingError(`classifier ${id}: output "${head.output}" is not a probability vector (${what}); set the head's activation to "softmax" if it gives logits`)
}

function clamp01(v: number): number {
  return Math.min(1, Math.max(0, v))
}

function errorVerdict(detail: string): Verdict {
  return { status: 'error', attributes: {}, confidence: null, detail }
}

function checkNames(id: string, runner: OrtRunner, input: string, outputs: readonly string[]): void {
  if (!runner.inputNames.includes(input)) throw new MappingError(`classifier ${id}: the mapping names input "${input}" but the model has: ${runner.inputNames.join(', ')}`)
  for (const name of outputs) {
    if (!runner.outputNames.includes(name)) throw new MappingError(`classifier ${id}: the mapping names output "${name}" but the model only has: ${runner.outputNames.join(', ')}`)
  }
}

/** A refused classifier file is a mapping problem to the caller (named in the job's error). */
function asMappingError<T>(fn: () => T): T {
  try {
    return fn()
  } catch (e) {
    if (e instanceof FileRefusedError) throw new MappingError(e.message)
    throw e
  }
}
