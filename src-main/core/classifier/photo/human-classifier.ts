// The built-in photo classifier: @vladmandic/human's BlazeFace detector and one of its perceived-
// attribute models (GEAR: gender + 5 perceived-ethnicity groups; or faceres: gender), run on the
// studio's own tfjs (core/engine/tf/backend: wasm with local .wasm files, or native tfjs-node where
// installed). Models come from local files through the file:// loader (tf-file-loader.ts); nothing is
// fetched at run time. It is one implementation of the studio's classifier interface (classifier/classifier.ts):
// no face is 'no_detection' (counted, never skipped), several faces are judged by the largest one (stated
// in the verdict's detail), an axis whose top mapped class is unsure is 'low_confidence'.
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { readFile } from 'node:fs/promises'
import sharp from 'sharp'
import { loadTf, type Tf } from '../../engine/tf/backend'
import { errorClassification, type Classification, type ClassifierAxis, type ImageClassifier } from '../classifier'
import { judgeHeads } from '../onnx-classifier'
import { MappingError } from '../mapping-file'
import { mappingModelFile } from '../model-files'
import { MAX_MAPPING_BYTES, readOwnerFile } from '../../fs/owner-file'
import { parsePhotoMapping, type PhotoClassifierSpec } from './mapping'
import { photoClassifierVersion } from './any-mapping'
import { fileUrl, registerFileLoader } from './tf-file-loader'

const localRequire: NodeRequire = typeof require === 'function' ? require : createRequire(import.meta.url)

/** Longest side an image is decoded at: BlazeFace sees 256x256 and attribute crops are small, so more only costs memory. */
export const MAX_SIDE = 1024

/** The part of Human's result this classifier reads. */
export interface HumanFace {
  score: number
  box: [number, number, number, number]
  gender?: string
  genderScore?: number
  race?: { score: number; race: string }[]
}
interface HumanInstance {
  version: string
  load(): Promise<void>
  detect(input: unknown): Promise<{ face: HumanFace[]; error?: string | null }>
}
type HumanConstructor = new (config: Record<string, unknown>) => HumanInstance

/** The folder of @vladmandic/human's own models (blazeface.json, faceres.json). */
export function humanModelsDir(): string {
  return join(dirname(dirname(localRequire.resolve('@vladmandic/human'))), 'models')
}

function humanConstructor(): HumanConstructor {
  // The node-wasm build requires only tfjs-core/-converter/-backend-wasm, which it shares with the
  // studio's @tensorflow/tfjs; the package's exports map spells its subpaths without "./", so the file
  // is required by path.
  const file = join(dirname(localRequire.resolve('@vladmandic/human')), 'human.node-wasm.js')
  return (localRequire(file) as { Human: HumanConstructor }).Human
}

export class HumanPhotoClassifier implements ImageClassifier {
  readonly axes: ClassifierAxis[]
  readonly concepts = null
  readonly hasFeatures = false
  /** Photos of any size are read; this is the longest side they are decoded at. */
  readonly imageSize = MAX_SIDE
  readonly classifyPixels = null
  readonly readPixels = null

  private constructor(
    readonly spec: PhotoClassifierSpec,
    private readonly tf: Tf,
    private readonly human: HumanInstance
  ) {
    this.axes = spec.heads.map((h) => ({ name: h.axis, classes: [...h.classes] }))
  }

  /** What the attributes are and are not, and the rules for no face and several faces: shown with every report. */
  get notice(): string {
    return this.spec.notice
  }

  /** Loads the mapping at `mappingPath` and the models it needs, from local files only. */
  static async load(mappingPath: string): Promise<HumanPhotoClassifier> {
    const label = `classifier mapping ${mappingPath}`
    let raw: unknown
    try {
      raw = JSON.parse(readOwnerFile(mappingPath, 'classifier mapping', MAX_MAPPING_BYTES).toString('utf8'))
    } catch (e) {
      throw new MappingError(`${label}: ${(e as Error).message}`)
    }
    const spec = parsePhotoMapping(raw, label)
    const gear = spec.gearModel ? mappingModelFile(mappingPath, spec.gearModel, 'model') : null
    const { tf } = await loadTf()
    registerFileLoader(tf)
    const wasmDir = dirname(localRequire.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm'))
    const Human = humanConstructor()
    const human = new Human({
      // Whatever backend the studio runs on (Human would otherwise switch the whole process to its own).
      backend: tf.getBackend(),
      wasmPath: join(wasmDir, '/'),
      modelBasePath: fileUrl(join(humanModelsDir(), '/')),
      cacheModels: false,
      debug: false,
      async: false,
      warmup: 'none',
      filter: { enabled: false },
      face: {
        enabled: true,
        detector: { rotation: false, maxDetected: 20, minConfidence: spec.minFaceScore, skipFrames: 0, skipTime: 0, return: false },
        mesh: { enabled: false },
        iris: { enabled: false },
        emotion: { enabled: false },
        antispoof: { enabled: false },
        liveness: { enabled: false },
        // faceres gives gender (and a descriptor); GEAR, when on, overrides its gender and adds race.
        description: { enabled: spec.attributeModel === 'faceres', skipFrames: 0, skipTime: 0 },
        // minConfidence 0 would fall back to Human's 0.2 (it tests `|| 0.2`): a tiny positive keeps all five scores.
        gear: { enabled: spec.attributeModel === 'gear', modelPath: gear ? fileUrl(gear) : '', minConfidence: 1e-9, skipFrames: 0, skipTime: 0 }
      },
      body: { enabled: false },
      hand: { enabled: false },
      object: { enabled: false },
      gesture: { enabled: false },
      segmentation: { enabled: false }
    })
    await human.load()
    return new HumanPhotoClassifier(spec, tf, human)
  }

  get id(): string {
    return this.spec.id
  }

  /** The mapping's version and the installed library's, so an upgrade of Human is new lineage, not the same verdicts. */
  get version(): string {
    return photoClassifierVersion(this.spec)
  }

  /** Classifies files; a bad file is an 'error' verdict, never a throw. */
  async classifyFiles(paths: readonly string[]): Promise<Classification[]> {
    const out: Classification[] = []
    for (const path of paths) out.push(await this.classifyFile(path))
    return out
  }

  private async classifyFile(path: string): Promise<Classification> {
    let pixels: { data: Buffer; info: { width: number; height: number; channels: number } }
    try {
      const bytes = await readFile(path)
      if (bytes.length === 0) return errorClassification('empty file')
      pixels = await sharp(bytes).rotate().resize(MAX_SIDE, MAX_SIDE, { fit: 'inside', withoutEnlargement: true }).removeAlpha().toColourspace('srgb').raw().toBuffer({ resolveWithObject: true })
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code
      return errorClassification(code ? `cannot read file: ${code}` : `cannot decode image: ${(e as Error).message}`)
    }
    const { width, height, channels } = pixels.info
    if (channels !== 3) return errorClassification(`decoded image has ${channels} channels, expected 3`)
    const input = this.tf.tensor4d(Float32Array.from(pixels.data), [1, height, width, 3])
    let faces: HumanFace[]
    try {
      const result = await this.human.detect(input)
      if (result.error) return errorClassification(`face model failed: ${result.error}`)
      faces = result.face
    } finally {
      input.dispose()
    }
    return judgeFaces(this.spec, faces)
  }

  async dispose(): Promise<void> {
    // Human keeps its models in the shared tfjs engine for the process; nothing to release per job.
  }
}

/**
 * The rule applied to Human's faces: none -> no_detection; several -> the largest box is judged and
 * the detail says how many there were; each head's labels are read as probabilities and summed per
 * project class (the same topClass as ONNX heads).
 */
export function judgeFaces(spec: PhotoClassifierSpec, faces: readonly HumanFace[]): Classification {
  const blank: Classification = { status: 'no_detection', concept: null, conceptP: 0, detectionP: 0, axes: {}, features: null }
  const seen = faces.filter((f) => f.score >= spec.minFaceScore)
  if (seen.length === 0) return { ...blank, detail: `no face scored ${spec.minFaceScore} or more` }
  const area = (f: HumanFace): number => f.box[2] * f.box[3]
  const face = seen.reduce((a, b) => (area(b) > area(a) ? b : a))
  const several = seen.length > 1 ? `${seen.length} faces; the largest (${Math.round(face.box[2])}x${Math.round(face.box[3])} px, score ${face.score.toFixed(2)}) is judged` : null
  const { detail: unsure, ...judged } = judgeHeads(spec, (head) => probabilities(head.output, head.labels, face))
  const detail = [several, unsure].filter((x) => !!x).join('; ')
  const verdict: Classification = { ...blank, ...judged, detectionP: face.score }
  return detail ? { ...verdict, detail } : verdict
}

/** One face's probabilities for an output, in the model's label order (Human rounds them to 0.01). */
function probabilities(output: string, labels: readonly string[], face: HumanFace): Float32Array {
  const p = new Float32Array(labels.length)
  if (output === 'gender') {
    const i = labels.indexOf(face.gender ?? '')
    if (i < 0) return p.fill(1 / labels.length) // Human says 'unknown': no opinion either way
    const s = Math.min(1, Math.max(0, face.genderScore ?? 0))
    p.fill((1 - s) / (labels.length - 1))
    p[i] = s
    return p
  }
  const race = face.race ?? []
  for (const r of race) {
    const i = labels.indexOf(r.race)
    if (i >= 0) p[i] = r.score
  }
  const sum = p.reduce((a, b) => a + b, 0)
  return sum > 0 ? p.map((v) => v / sum) : p.fill(1 / labels.length)
}
