// The references of the fidelity figures for images of the built-in world. The world knows its own
// renderer, so every audited image can be paired with a clean render of what it shows: the concept its
// prompt asks for, with the attributes the classifier read on it. Those references share the audited
// set's attribute mix exactly, so the figure measures how well the images are drawn and nothing about
// how fair the mix is (see features/reports/figures/fidelity.ts for the statistic).
import { featureDescriptor, kernelScaleOf, pixelDescriptor, type Descriptor } from './figures/fidelity'
import type { FidelityEvidence, FidelityScale } from './figures/types'
import type { Classification } from '../../classifier/classifier'
import { Rng } from '../../random/rng'
import { CHANNELS, renderFigureInto } from '../../world/renderer'
import { parsePrompt } from '../../world/prompts'
import { SILHOUETTES, TONES, VISIBLE_CONCEPTS, isSilhouette, isTone, type FigureSpec } from '../../world/taxonomy'
import type { ImageClassifier } from '../../classifier/classifier'

export const FIDELITY_REFERENCE = 'a clean render of the concept its prompt asks for, with the attributes the classifier read on it (attributes drawn at random where it read none)'

/** Renders behind the fixed kernel bandwidths: enough for stable medians, few enough to be instant. */
const SCALE_IMAGES = 256
/** Images decoded, rendered and classified at once. */
const FILE_CHUNK = 256

export interface FidelityInput {
  imageId: string
  promptText: string
  /** HWC [-1, 1] at the classifier's size; null when the file could not be read (no evidence then). */
  pixels: Float32Array | null
  classification: Classification
}

export interface FidelityFile {
  imageId: string
  promptText: string
  /** null: the file is known to be unreadable (no evidence). */
  path: string | null
  classification: Classification
}

export interface WorldFidelity {
  scale: FidelityScale
  /** Evidence per image id, for the images whose prompt names a world concept. */
  evidence(images: readonly FidelityInput[]): Promise<Map<string, FidelityEvidence>>
  /** The same for image files, decoded as the classifier sees them; adds to `into`. */
  evidenceForFiles(files: readonly FidelityFile[], into: Map<string, FidelityEvidence>, signal?: AbortSignal): Promise<void>
}

/** The matched reference's figure: the prompt's concept, the attributes read (or drawn where none was read). */
export function matchedSpec(promptText: string, c: Classification, rng: Rng): FigureSpec | null {
  const concept = parsePrompt(promptText).concept
  if (concept === null) return null
  const silhouette = c.axes.silhouette?.cls
  const tone = c.axes.tone?.cls
  return {
    concept,
    silhouette: silhouette !== undefined && isSilhouette(silhouette) ? silhouette : SILHOUETTES[rng.int(SILHOUETTES.length)],
    tone: tone !== undefined && isTone(tone) ? tone : TONES[rng.int(TONES.length)]
  }
}

/**
 * Fidelity references for the built-in classifier, or null for a classifier that cannot read world
 * renders (an ONNX model of the user's: no reference can be drawn for arbitrary images).
 */
export async function openWorldFidelity(classifier: ImageClassifier, seed = 0): Promise<WorldFidelity | null> {
  const classifyPixels = classifier.classifyPixels
  if (!classifyPixels || classifier.concepts === null) return null
  const size = classifier.imageSize
  const per = size * size * CHANNELS

  /** Descriptors of `n` images; `known` features (the audited images' own classification) are not computed again. */
  const describe = async (images: Float32Array, n: number, known?: readonly (Float32Array | null)[]): Promise<{ pixels: Descriptor; features: Descriptor | null }[]> => {
    const missing = classifier.hasFeatures && (!known || known.some((f) => f === null))
    const classified = missing ? await classifyPixels(images, n) : null
    return Array.from({ length: n }, (_, i) => {
      const f = known?.[i] ?? classified?.[i].features
      return { pixels: pixelDescriptor(images.subarray(i * per, (i + 1) * per), size), features: f ? featureDescriptor(f) : null }
    })
  }

  // The bandwidths: fair clean renders of every visible concept from one fixed seed, the same for every
  // model and every report, so figures can be compared across them.
  const scaleRng = Rng.derive(seed, 'fidelity-scale')
  const scaleImages = new Float32Array(SCALE_IMAGES * per)
  for (let i = 0; i < SCALE_IMAGES; i++) {
    const spec: FigureSpec = { concept: VISIBLE_CONCEPTS[i % VISIBLE_CONCEPTS.length], silhouette: SILHOUETTES[scaleRng.int(SILHOUETTES.length)], tone: TONES[scaleRng.int(TONES.length)] }
    renderFigureInto(scaleImages, i * per, spec, scaleRng, { size })
  }
  const canonical = await describe(scaleImages, SCALE_IMAGES)
  const featureSet = canonical.map((d) => d.features).filter((d): d is Descriptor => d !== null)
  const scale: FidelityScale = {
    reference: FIDELITY_REFERENCE,
    pixels: kernelScaleOf(canonical.map((d) => d.pixels)),
    features: featureSet.length >= 2 ? kernelScaleOf(featureSet) : null
  }

  const readPixels = classifier.readPixels
  const evidence = async (images: readonly FidelityInput[]): Promise<Map<string, FidelityEvidence>> => {
    const usable: { input: FidelityInput; pixels: Float32Array }[] = []
    const references: Float32Array[] = []
    for (const input of images) {
      if (!input.pixels || input.pixels.length !== per) continue
      // Seeded by the image id: the same image always meets the same reference.
      const rng = Rng.derive(seed, 'fidelity', input.imageId)
      const spec = matchedSpec(input.promptText, input.classification, rng)
      if (!spec) continue
      const reference = new Float32Array(per)
      renderFigureInto(reference, 0, spec, rng, { size })
      usable.push({ input, pixels: input.pixels })
      references.push(reference)
    }
    const out = new Map<string, FidelityEvidence>()
    for (let start = 0; start < usable.length; start += FILE_CHUNK) {
      const part = usable.slice(start, start + FILE_CHUNK)
      const n = part.length
      const imgs = new Float32Array(n * per)
      const refs = new Float32Array(n * per)
      part.forEach((u, k) => {
        imgs.set(u.pixels, k * per)
        refs.set(references[start + k], k * per)
      })
      const [di, dr] = [
        await describe(
          imgs,
          n,
          part.map((u) => u.input.classification.features)
        ),
        await describe(refs, n)
      ]
      part.forEach((u, k) => {
        const e: FidelityEvidence = { pixels: { image: di[k].pixels, reference: dr[k].pixels } }
        const fi = di[k].features
        const fr = dr[k].features
        if (fi && fr) e.features = { image: fi, reference: fr }
        out.set(u.input.imageId, e)
      })
    }
    return out
  }
  return {
    scale,
    evidence,
    async evidenceForFiles(files, into, signal) {
      if (!readPixels) return
      for (let start = 0; start < files.length && !signal?.aborted; start += FILE_CHUNK) {
        const part = files.slice(start, start + FILE_CHUNK).filter((f) => f.path !== null)
        const pixels = await readPixels(part.map((f) => f.path as string))
        const found = await evidence(part.map((f, k) => ({ imageId: f.imageId, promptText: f.promptText, pixels: pixels[k], classification: f.classification })))
        for (const [id, e] of found) into.set(id, e)
      }
    }
  }
}
