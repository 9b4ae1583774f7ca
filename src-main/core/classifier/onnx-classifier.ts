// The one ONNX classifier runner: the built-in world classifier and any ONNX attribute classifier
// described by a mapping (mapping-file.ts), run through onnxruntime-node on image files or, for the
// world's renders, on pixels already in the model's input layout. Each image gets exactly one verdict:
// 'error' (unreadable file, non-finite pixels), 'no_detection' (the detector stage or the detection head
// does not see the attributes), 'low_confidence' (some axis's top mapped class is below the threshold)
// or 'ok'. Model-level problems (an output the mapping names but the model lacks, rows of the wrong
// width, values that are not probabilities) are mapping errors and throw: they would be wrong for every image.

import { readFile } from 'node:fs/promises'
import { MAX_MAPPING_BYTES, MAX_MODEL_BYTES, ownerFile, readOwnerFile } from '../fs/owner-file'
import { FileRefusedError } from '../fs/read-regular'
import { OrtRunner, type FloatTensor } from '../engine/onnx/ort-runner'
import { errorClassification, type Classification, type ClassifierAxis, type ImageClassifier } from './classifier'
import { MappingError, parseMapping, type Activation, type ClassifierSpec, type HeadSpec, type InputSpec } from './mapping-file'
import { mappingModelFile } from './model-files'
import { DecodeError, decodeRgb, imageValues, inputDims, writeNormalised } from './decode'

const PROB_TOLERANCE = 1e-3
/** Images per onnxruntime call: bounds the memory of one run on large batches. */
const CHUNK = 256
/** Files decoded at once: sharp works off the main thread, so a few in flight keep the cores busy. */
const DECODE_CONCURRENCY = 4

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
  readonly axes: ClassifierAxis[]
  readonly concepts: string[] | null
  readonly hasFeatures: boolean
  readonly imageSize: number
  readonly notice = null
  /** Pixels in the model's own layout: only where the model needs no separate detector (the built-in world's renders). */
  readonly classifyPixels: ((images: Float32Array, n: number) => Promise<Classification[]>) | null
  readonly readPixels: ((paths: readonly string[]) => Promise<(Float32Array | null)[]>) | null

  private constructor(
    readonly spec: ClassifierSpec,
    private readonly model: OrtRunner,
    private readonly detector: OrtRunner | null
  ) {
    this.axes = spec.heads.map((h) => ({ name: h.axis, classes: [...h.classes] }))
    this.concepts = spec.concept ? [...spec.concept.classes] : null
    this.hasFeatures = spec.features !== null
    this.imageSize = spec.input.width
    // Pixels make sense only for a model whose features describe the image (the world's fidelity and
    // Frechet figures); a foreign ONNX model is given files.
    this.classifyPixels = spec.features && !detector ? (images, n) => this.classify(images, n) : null
    this.readPixels = this.classifyPixels ? (paths) => this.readInputs(paths) : null
  }

  /** Loads the mapping and the ONNX file(s) it names (relative to the mapping file; `modelPath` overrides the main one). */
  static async load(mappingPath: string, modelPath?: string): Promise<OnnxAttributeClassifier> {
    // The files may have changed since the job was started: checked again (regular, bounded).
    const spec = parseMapping(asMappingError(() => readOwnerFile(mappingPath, 'classifier mapping', MAX_MAPPING_BYTES)).toString('utf8'), `classifier mapping ${mappingPath}`)
    const model = await OrtRunner.fromFile(modelPath ? asMappingError(() => ownerFile(modelPath, 'classifier model', MAX_MODEL_BYTES)) : mappingModelFile(mappingPath, spec.model, 'model'))
    let detector: OrtRunner | null = null
    try {
      checkNames(spec.id, model, spec.input.name, mainOutputs(spec))
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

  /** Values per image of the model's input. */
  get imageValues(): number {
    return imageValues(this.spec.input)
  }

  /** Classifies files; never throws for a bad file (its verdict is 'error'), only for model/mapping problems. */
  async classifyFiles(paths: readonly string[]): Promise<Classification[]> {
    const n = paths.length
    const verdicts = new Array<Classification | null>(n).fill(null)
    const specs: InputSpec[] = [this.spec.input, ...(this.spec.detector ? [this.spec.detector.input] : [])]
    const tensors = specs.map((s) => new Float32Array(n * imageValues(s)))
    // One read and decode per file and input spec; a decode failure is that image's verdict.
    await forEachLimit(n, DECODE_CONCURRENCY, async (i) => {
      const problem = await decodeInto(paths[i], specs, tensors, i)
      if (problem !== null) verdicts[i] = errorClassification(problem)
    })
    const live = verdicts.map((v, i) => (v === null ? i : -1)).filter((i) => i >= 0)
    if (live.length === 0) return verdicts as Classification[]

    const pick = (t: Float32Array, s: InputSpec): Float32Array => {
      if (live.length === n) return t
      const per = imageValues(s)
      const out = new Float32Array(live.length * per)
      live.forEach((i, j) => out.set(t.subarray(i * per, (i + 1) * per), j * per))
      return out
    }
    const m = live.length
    const main = await this.runMain(pick(tensors[0], this.spec.input), m)
    let detected: Float32Array | null = null
    if (this.detector && this.spec.detector) {
      const d = this.spec.detector
      const out = await this.detector.runBatched({ [d.input.name]: { data: pick(tensors[1], d.input), dims: inputDims(d.input, m) } }, CHUNK, [d.output])
      detected = new Float32Array(m)
      for (let j = 0; j < m; j++) {
        const row = activate(rowOf(out[d.output], j, m, `detector output "${d.output}"`), d.activation)
        detected[j] = row.reduce((a, b) => Math.max(a, b), -Infinity)
      }
    }
    live.forEach((i, j) => {
      verdicts[i] = this.verdictOf(main, detected ? detected[j] : null, j, m)
    })
    return verdicts as Classification[]
  }

  /**
   * Classifies `n` images given as one buffer in the model's own layout and value range (the renderer's
   * and the DiT's HWC [-1, 1] for the built-in classifier). A non-finite pixel makes that image 'error'.
   */
  async classify(images: Float32Array, n: number): Promise<Classification[]> {
    if (this.detector) throw new Error(`classifier ${this.id} needs its detector's input too: give it image files`)
    const per = this.imageValues
    const input = this.spec.input
    if (!Number.isInteger(n) || n < 0) throw new Error(`image count must be a non-negative integer, got ${String(n)}`)
    if (images.length !== n * per) throw new Error(`expected ${n} images of ${input.width}x${input.height}x3 (${n * per} values), got ${images.length}`)
    if (n === 0) return []
    // A broken image (NaN, Inf) gets 'error' and a blank stand-in so the batch still runs.
    const feed = new Float32Array(images)
    const broken = new Array<string | null>(n).fill(null)
    for (let i = 0; i < n; i++) {
      for (let k = i * per; k < (i + 1) * per; k++) {
        if (!Number.isFinite(feed[k])) {
          broken[i] = `pixel ${k - i * per} is ${feed[k]}`
          feed.fill(0, i * per, (i + 1) * per)
          break
        }
      }
    }
    const out = await this.runMain(feed, n)
    return broken.map((b, i) => (b !== null ? errorClassification(b) : this.verdictOf(out, null, i, n)))
  }

  /** Files decoded as classifyPixels expects them; null for a file that cannot be read. */
  private async readInputs(paths: readonly string[]): Promise<(Float32Array | null)[]> {
    const per = this.imageValues
    const pixels = new Float32Array(paths.length * per)
    const ok = new Array<boolean>(paths.length).fill(false)
    await forEachLimit(paths.length, DECODE_CONCURRENCY, async (i) => {
      ok[i] = (await decodeInto(paths[i], [this.spec.input], [pixels], i)) === null
    })
    return ok.map((good, i) => (good ? pixels.subarray(i * per, (i + 1) * per) : null))
  }

  private runMain(data: Float32Array, m: number): Promise<Record<string, FloatTensor>> {
    return this.model.runBatched({ [this.spec.input.name]: { data, dims: inputDims(this.spec.input, m) } }, CHUNK, mainOutputs(this.spec))
  }

  private verdictOf(out: Record<string, FloatTensor>, detectorScore: number | null, j: number, m: number): Classification {
    const s = this.spec
    const r: Classification = { status: 'ok', concept: null, conceptP: 0, detectionP: null, axes: {}, features: null }
    // Concept and features describe the image whether or not the attributes are visible (concept accuracy counts hidden figures too).
    if (s.features) r.features = rowOf(out[s.features.output], j, m, `features output "${s.features.output}"`).slice()
    if (s.concept) {
      const row = rowOf(out[s.concept.output], j, m, `concept output "${s.concept.output}"`)
      let top = 0
      for (let i = 1; i < row.length; i++) if (row[i] > row[top]) top = i
      r.concept = s.concept.classes[top]
      r.conceptP = row[top]
    }
    if (s.detector && detectorScore !== null) {
      r.detectionP = clamp01(detectorScore)
      if (!(detectorScore >= s.detector.threshold)) return { ...r, status: 'no_detection', detail: `detector score ${detectorScore.toFixed(3)} below ${s.detector.threshold}` }
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
      r.detectionP = p
      if (p < s.detection.threshold) return { ...r, status: 'no_detection', detail: `detection ${p.toFixed(3)} below ${s.detection.threshold}` }
    }
    return { ...r, ...judgeHeads(s, (head) => rowOf(out[head.output], j, m, `output "${head.output}"`)) }
  }

  async dispose(): Promise<void> {
    await this.model.dispose()
    await this.detector?.dispose()
  }
}

/**
 * Every head's top mapped class (the axes of the verdict) and the status they give: 'low_confidence'
 * with the first unsure axis named when a top class is below the spec's threshold. Shared with the
 * photo classifier, whose heads read a face's scores instead of an ONNX output.
 */
export function judgeHeads(spec: { id: string; heads: readonly HeadSpec[]; confidenceThreshold: number }, raw: (head: HeadSpec) => Float32Array): Pick<Classification, 'status' | 'axes' | 'detail'> {
  const axes: Classification['axes'] = {}
  let unsure: string | null = null
  for (const head of spec.heads) {
    const top = topClass(head, raw(head), spec.id)
    axes[head.axis] = top
    if (top.p < spec.confidenceThreshold && unsure === null) unsure = `${head.axis}: ${top.cls} at ${top.p.toFixed(3)} below ${spec.confidenceThreshold}`
  }
  return unsure ? { status: 'low_confidence', axes, detail: unsure } : { status: 'ok', axes }
}

/** The main model's outputs a spec reads. */
function mainOutputs(s: ClassifierSpec): string[] {
  const names = [...s.heads.map((h) => h.output), s.detection?.output, s.concept?.output, s.features?.output].filter((x): x is string => x !== undefined)
  return [...new Set(names)]
}

/** Reads and decodes one file into slot `i` of each input spec's tensor; null, or why it could not be read. */
async function decodeInto(path: string, specs: readonly InputSpec[], tensors: readonly Float32Array[], i: number): Promise<string | null> {
  let bytes: Uint8Array
  try {
    bytes = await readFile(path)
  } catch (e) {
    return `cannot read file: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`
  }
  try {
    for (let s = 0; s < specs.length; s++) writeNormalised(await decodeRgb(bytes, specs[s]), specs[s], tensors[s], i)
    return null
  } catch (e) {
    if (!(e instanceof DecodeError)) throw e
    return e.message
  }
}

/** Runs fn(0..n-1) with at most `limit` in flight. */
async function forEachLimit(n: number, limit: number, fn: (i: number) => Promise<void>): Promise<void> {
  let next = 0
  const worker = async (): Promise<void> => {
    while (next < n) await fn(next++)
  }
  await Promise.all(Array.from({ length: Math.min(limit, n) }, worker))
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
