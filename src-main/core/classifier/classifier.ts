// The one classifier interface of the studio. Three kinds implement it: the built-in world classifier and
// any ONNX classifier with a mapping file (both OnnxAttributeClassifier, onnx-classifier.ts) and the photo
// classifier (photo/human-classifier.ts). The classification job, the acquisition, the refinement's judge,
// reports, the headless audit, the quality check and the experiments all hold an ImageClassifier, so a
// new classifier is one more implementation, not one more code path. open.ts opens one from a choice.
import type { ClassificationStatus, ClassifierKey } from '@shared/contract'

export type { ClassificationStatus, ClassifierKey }

export interface AxisVerdict {
  cls: string
  p: number
}

/** One classifier's answer for one image: every image gets one, an unreadable file included. */
export interface Classification {
  status: ClassificationStatus
  /** Top concept (the built-in world), or null when the classifier has no concept head or the image is broken. */
  concept: string | null
  conceptP: number
  /** P(attributes visible) or the detector's score; null when the classifier has no detection stage. */
  detectionP: number | null
  /** Axis -> top project class and its probability; empty unless the attributes were detected. */
  axes: Record<string, AxisVerdict>
  /** Penultimate features (for a Frechet distance), or null when not available. */
  features: Float32Array | null
  /** Why the status is 'error'. */
  error?: string
  /** Why the verdict is what it is otherwise: the stage that did not detect, the unsure axis, how several faces were judged. */
  detail?: string
}

/** An axis the classifier predicts: its name in the project's taxonomy and the classes it can give. */
export interface ClassifierAxis {
  name: string
  classes: string[]
}

export interface ImageClassifier {
  /** Lineage: the id and version stored with every verdict. */
  readonly id: string
  readonly version: string
  readonly axes: ClassifierAxis[]
  /** Concept classes (built-in world), for concept accuracy; null when the model has no concept head. */
  readonly concepts: string[] | null
  /** Whether classifications carry features (the Frechet distance needs them). */
  readonly hasFeatures: boolean
  /** Input side length of the model (the world reference is rendered at this size); a photo classifier's longest decoded side. */
  readonly imageSize: number
  /** The classifier's own words on what its attributes are, their limits and its rules for no face and several faces (the photo classifier), else null. */
  readonly notice: string | null
  /** A verdict per file, in order; a bad file is an 'error' verdict, never a throw (throws are model or mapping problems). */
  classifyFiles(paths: readonly string[]): Promise<Classification[]>
  /** HWC images already in the model's own input layout and range (the built-in world's renders); null where the classifier reads files only. */
  readonly classifyPixels: ((images: Float32Array, n: number) => Promise<Classification[]>) | null
  /** Files decoded as classifyPixels expects them, null per unreadable file; null where classifyPixels is. */
  readonly readPixels: ((paths: readonly string[]) => Promise<(Float32Array | null)[]>) | null
  dispose(): Promise<void>
}

export function keyOf(c: Pick<ImageClassifier, 'id' | 'version'>): ClassifierKey {
  return { id: c.id, version: c.version }
}

export function errorClassification(error: string): Classification {
  return { status: 'error', concept: null, conceptP: 0, detectionP: null, axes: {}, features: null, error }
}

/** The lineage's classifier entry: id and version, and the classifier's notice where it has one. */
export function classifierLineage(c: Pick<ImageClassifier, 'id' | 'version' | 'notice'>): { id: string; version: string; notice?: string } {
  return c.notice ? { id: c.id, version: c.version, notice: c.notice } : { id: c.id, version: c.version }
}
