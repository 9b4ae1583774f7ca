// One classifier interface for audits, over the two runners the project has: the built-in world
// classifier (core/classifier: also gives the concept and penultimate features, so concept accuracy and
// the Frechet distance can be reported) and any ONNX model with a mapping file (core/classifier:
// statuses and taxonomy classes only). Both answer in the `Classification` shape auditFromClassifications
// reads, and every image gets a status: an unreadable file is 'error', never an exception.
import { readFile } from 'node:fs/promises'
import { isAbsolute, join } from 'node:path'
import type { AuditAxis } from './figures/types'
import { decodeForClassifier } from '../../classifier/decode'
import type { Classification } from '../../classifier/runner'
import { AttributeClassifier } from '../../classifier/runner'
import type { ClassifierMapping } from '../../classifier/mapping'
import { worldClassifierDir, WORLD_CLASSIFIER_MAPPING } from '../../classifier/world-classifier'
import { OnnxAttributeClassifier, type Verdict } from '../../classifier/onnx-classifier'
import { mapLimit } from '../import/map-limit'
import { MAX_MAPPING_BYTES, readOwnerFile } from '../../fs/owner-file'
import { parseAnyMapping, photoClassifierMapping } from '../../classifier/photo/any-mapping'
import { HumanPhotoClassifier, MAX_SIDE } from '../../classifier/photo/human-classifier'

export type ClassifierChoice = 'builtin' | 'photo' | { mappingPath: string; onnxPath?: string }

export interface AuditClassifier {
  readonly id: string
  readonly version: string
  /** The taxonomy axes the classifier predicts, with its class lists (ideal: uniform). */
  readonly axes: AuditAxis[]
  /** Concept classes (built-in world), for concept accuracy; null when the model has no concept head. */
  readonly concepts: string[] | null
  /** Whether classifications carry features (the Frechet distance needs them). */
  readonly hasFeatures: boolean
  /** Input side length of the model (the world reference is rendered at this size). */
  readonly imageSize: number
  /** The classifier's own words on what its attributes are and their limits (photo classifier), else null. */
  readonly notice: string | null
  classifyFiles(paths: readonly string[]): Promise<Classification[]>
  /** HWC [-1, 1] images at imageSize (built-in world only; null otherwise). */
  readonly classifyPixels: ((images: Float32Array, n: number) => Promise<Classification[]>) | null
  /** Image files decoded as the classifier sees them (HWC [-1, 1] at imageSize), null per unreadable file (built-in world only). */
  readonly readPixels: ((paths: readonly string[]) => Promise<(Float32Array | null)[]>) | null
  dispose(): Promise<void>
}

/** Files decoded at once: sharp works off the main thread, so a few in flight keep the cores busy. */
const DECODE_CONCURRENCY = 4

export async function openAuditClassifier(choice: ClassifierChoice, builtinDir: string = worldClassifierDir()): Promise<AuditClassifier> {
  if (choice === 'builtin') return openBuiltin(join(builtinDir, WORLD_CLASSIFIER_MAPPING))
  if (choice === 'photo') return openOnnx(photoClassifierMapping(), undefined)
  for (const p of [choice.mappingPath, choice.onnxPath]) {
    if (p !== undefined && !isAbsolute(p)) throw new Error(`classifier files must be absolute paths, got "${p}"`)
  }
  return openOnnx(choice.mappingPath, choice.onnxPath)
}

async function openBuiltin(mappingPath: string): Promise<AuditClassifier> {
  const c = await AttributeClassifier.load(mappingPath)
  const m = c.mapping
  const per = c.imageValues
  return {
    id: m.id,
    version: m.version,
    axes: m.axes.map((a) => ({ name: a.name, classes: [...a.classes] })),
    concepts: m.concept ? [...m.concept.classes] : null,
    hasFeatures: m.features !== null,
    imageSize: m.input.width,
    async classifyFiles(paths) {
      const pixels = new Float32Array(paths.length * per)
      const problems = await decodeInto(paths, m.input, pixels)
      const out = await c.classify(pixels, paths.length)
      return out.map((r, i) => (problems[i] === null ? r : { ...r, status: 'error' as const, error: problems[i] ?? undefined }))
    },
    async readPixels(paths) {
      const pixels = new Float32Array(paths.length * per)
      const problems = await decodeInto(paths, m.input, pixels)
      return problems.map((p, i) => (p === null ? pixels.subarray(i * per, (i + 1) * per) : null))
    },
    classifyPixels: (images, n) => c.classify(images, n),
    notice: null,
    dispose: () => c.dispose()
  }
}

/** Decodes each file into its slot of `pixels`; per file null, or why it could not be read (the slot is then NaN). */
async function decodeInto(paths: readonly string[], input: ClassifierMapping['input'], pixels: Float32Array): Promise<(string | null)[]> {
  const per = input.width * input.height * input.channels
  return mapLimit(paths, DECODE_CONCURRENCY, async (path, i) => {
    try {
      pixels.set(await decodeForClassifier(await readFile(path), input), i * per)
      return null
    } catch (e) {
      // A NaN image makes the runner mark it 'error'; the caller puts the reason back.
      pixels.fill(Number.NaN, i * per, (i + 1) * per)
      return (e as NodeJS.ErrnoException).code ? `cannot read file: ${(e as NodeJS.ErrnoException).code}` : (e as Error).message
    }
  })
}

async function openOnnx(mappingPath: string, onnxPath: string | undefined): Promise<AuditClassifier> {
  // A photo-classifier mapping (engine "human") names no ONNX file: the same choice opens that runner.
  const text = readOwnerFile(mappingPath, 'classifier mapping', MAX_MAPPING_BYTES).toString('utf8')
  const photo = parseAnyMapping(text, `classifier mapping ${mappingPath}`).kind === 'photo'
  const c = photo ? await HumanPhotoClassifier.load(mappingPath) : await OnnxAttributeClassifier.load(mappingPath, onnxPath)
  const heads = c.spec.heads
  return {
    id: c.id,
    version: c.version,
    axes: heads.map((h) => ({ name: h.axis, classes: [...h.classes] })),
    concepts: null,
    hasFeatures: false,
    // Only the built-in world renders references at this size; a photo classifier takes any size.
    imageSize: c instanceof OnnxAttributeClassifier ? c.spec.input.width : MAX_SIDE,
    async classifyFiles(paths) {
      return (await c.classifyFiles(paths)).map(fromVerdict)
    },
    classifyPixels: null,
    notice: c instanceof HumanPhotoClassifier ? c.spec.notice : null,
    readPixels: null,
    dispose: () => c.dispose()
  }
}

/** The lineage's classifier entry: id and version, and the classifier's notice where it has one. */
export function classifierLineage(c: Pick<AuditClassifier, 'id' | 'version' | 'notice'>): { id: string; version: string; notice?: string } {
  return c.notice ? { id: c.id, version: c.version, notice: c.notice } : { id: c.id, version: c.version }
}

/** A stored or fresh verdict in the runner's Classification shape (no concept, no features). */
export function fromVerdict(v: Pick<Verdict, 'status' | 'attributes' | 'confidence'> & { detail?: string | null }): Classification {
  const axes: Classification['axes'] = {}
  for (const [axis, cls] of Object.entries(v.attributes)) axes[axis] = { cls, p: v.confidence ?? 0 }
  const out: Classification = { status: v.status, concept: null, conceptP: 0, detectionP: null, axes, features: null }
  if (v.status === 'error' && v.detail) out.error = v.detail
  return out
}

/** The verdict to store for a classification (lowest axis probability as the confidence). */
export function toVerdict(c: Classification): { status: Classification['status']; attributes: Record<string, string>; confidence: number | null } {
  const attributes: Record<string, string> = {}
  let confidence: number | null = null
  if (c.status === 'ok' || c.status === 'low_confidence') {
    for (const [axis, v] of Object.entries(c.axes)) {
      attributes[axis] = v.cls
      confidence = confidence === null ? v.p : Math.min(confidence, v.p)
    }
  } else if (c.status === 'no_detection') {
    confidence = c.detectionP
  }
  return { status: c.status, attributes, confidence }
}
