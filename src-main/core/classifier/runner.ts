// Runs an ONNX attribute classifier described by a mapping file through onnxruntime-node and turns its
// outputs into per-image verdicts with a status. Nothing is silently skipped: an unreadable image is
// 'error', an image whose attributes cannot be seen is 'no_detection', an unsure one 'low_confidence'.

import { readFile } from 'node:fs/promises'
import { dirname, resolve } from 'node:path'
import { OrtRunner, type FloatTensor } from '../engine/onnx/ort-runner'
import { parseClassifierMapping, type ClassifierMapping } from './mapping'

export type ClassificationStatus = 'ok' | 'no_detection' | 'low_confidence' | 'error'

export interface AxisVerdict {
  cls: string
  p: number
}

export interface Classification {
  status: ClassificationStatus
  /** Top concept (the built-in world), or null when the classifier has no concept head or the image is broken. */
  concept: string | null
  conceptP: number
  /** P(attributes visible), or null without a detection head. */
  detectionP: number | null
  /** Empty unless the attributes were detected: no guess is made on a hidden figure. */
  axes: Record<string, AxisVerdict>
  /** Penultimate features (for a Frechet distance), or null when not available. */
  features: Float32Array | null
  /** Why the status is 'error'. */
  error?: string
}

const CHUNK = 256

function argmax(values: Float32Array, offset: number, n: number): { index: number; p: number } {
  let index = 0
  for (let i = 1; i < n; i++) if (values[offset + i] > values[offset + index]) index = i
  return { index, p: values[offset + index] }
}

export class AttributeClassifier {
  private constructor(
    readonly mapping: ClassifierMapping,
    private readonly runner: OrtRunner
  ) {}

  /** Loads `mapping.json` and the ONNX file it names (relative to the mapping). */
  static async load(mappingPath: string): Promise<AttributeClassifier> {
    let text: string
    try {
      text = await readFile(mappingPath, 'utf8')
    } catch (e) {
      throw new Error(`cannot read classifier mapping ${mappingPath}: ${(e as Error).message}`)
    }
    const mapping = parseClassifierMapping(text)
    const runner = await OrtRunner.fromFile(resolve(dirname(mappingPath), mapping.model))
    AttributeClassifier.checkOutputs(mapping, runner)
    return new AttributeClassifier(mapping, runner)
  }

  private static checkOutputs(m: ClassifierMapping, runner: OrtRunner): void {
    const wanted = [...m.axes.map((a) => a.output), m.detection?.output, m.concept?.output, m.features?.output].filter((x): x is string => !!x)
    for (const name of wanted) {
      if (!runner.outputNames.includes(name)) throw new Error(`classifier mapping names output "${name}" but the model only has: ${runner.outputNames.join(', ')}`)
    }
    if (!runner.inputNames.includes(m.input.name)) throw new Error(`classifier mapping names input "${m.input.name}" but the model has: ${runner.inputNames.join(', ')}`)
  }

  /** Values per image the model expects. */
  get imageValues(): number {
    return this.mapping.input.width * this.mapping.input.height * this.mapping.input.channels
  }

  /**
   * Classifies `n` images given as one buffer in the model's own layout and value range (the renderer's
   * and the DiT's HWC [-1, 1] for the built-in classifier).
   */
  async classify(images: Float32Array, n: number): Promise<Classification[]> {
    const m = this.mapping
    const per = this.imageValues
    if (!Number.isInteger(n) || n < 0) throw new Error(`image count must be a non-negative integer, got ${String(n)}`)
    if (images.length !== n * per) throw new Error(`expected ${n} images of ${m.input.width}x${m.input.height}x3 (${n * per} values), got ${images.length}`)
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
    const dims = m.input.layout === 'NHWC' ? [n, m.input.height, m.input.width, 3] : [n, 3, m.input.height, m.input.width]
    const input: FloatTensor = { data: feed, dims }
    const out = await this.runner.runBatched({ [m.input.name]: input }, CHUNK)

    const results: Classification[] = []
    for (let i = 0; i < n; i++) {
      const blank: Classification = { status: 'error', concept: null, conceptP: 0, detectionP: null, axes: {}, features: null }
      if (broken[i] !== null) {
        results.push({ ...blank, error: broken[i] ?? undefined })
        continue
      }
      const r: Classification = { ...blank, status: 'ok' }
      if (m.features) r.features = out[m.features.output].data.slice(i * m.features.size, (i + 1) * m.features.size)
      if (m.concept) {
        const k = m.concept.classes.length
        const top = argmax(out[m.concept.output].data, i * k, k)
        r.concept = m.concept.classes[top.index]
        r.conceptP = top.p
      }
      if (m.detection) {
        r.detectionP = out[m.detection.output].data[i]
        if (r.detectionP < m.detection.threshold) {
          r.status = 'no_detection'
          results.push(r)
          continue
        }
      }
      for (const axis of m.axes) {
        const k = axis.classes.length
        const top = argmax(out[axis.output].data, i * k, k)
        r.axes[axis.name] = { cls: axis.classes[top.index], p: top.p }
        if (top.p < m.confidenceThreshold) r.status = 'low_confidence'
      }
      results.push(r)
    }
    return results
  }

  async dispose(): Promise<void> {
    await this.runner.dispose()
  }
}
