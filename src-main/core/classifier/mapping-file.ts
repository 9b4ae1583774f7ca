// The mapping file of any ONNX attribute classifier, as the classification job reads it. Two formats:
//  - formatVersion 1: the built-in world classifier's format (core/classifier/mapping.ts); it is read
//    unchanged and converted, so the shipped mapping stays the one source of truth for that model;
//  - formatVersion 2: for foreign models (a FairFace or DeepFace export): mean/std or range
//    normalisation, heads whose own labels ("Man", "Woman") are mapped onto the project's classes,
//    raw logits or probabilities, a detection head inside the model and/or a separate detector model.
// Both become one normalised `ClassifierSpec`, which is all the runner sees.
//
// Why format 1 is converted on read and never rewritten to format 2 (issue 12, "one mapping format"):
//  - it is not an older edition of format 2 but the world classifier's own description: its concept
//    head and penultimate features (the fidelity and Frechet figures) have no place in format 2;
//  - the only format-1 files are the ones the studio ships, written next to their ONNX model by
//    `npm run train-classifier`; they live in the resources folder, which is read-only in the packaged
//    app, so a rewrite on open could not be stored there;
//  - a mapping a user chooses is their file (given by absolute path, maybe shared or versioned); the
//    studio only reads it (fs/owner-file.ts) and never changes a file the user did not ask it to.
// So there is one reader (`parseMapping`) and one in-memory form; the two spellings on disk meet here.

import { z } from 'zod'
import { parseClassifierMapping } from './mapping'

const Name = z.string().min(1).max(200)
const Activation = z.enum(['none', 'softmax', 'sigmoid'])
export type Activation = z.infer<typeof Activation>

const Rgb = z.tuple([z.number(), z.number(), z.number()])
const Normalize = z.discriminatedUnion('kind', [
  /** Pixel values are mapped linearly from [0, 255] onto [min, max]. */
  z.object({ kind: z.literal('range'), range: z.tuple([z.number(), z.number()]) }).strict(),
  /** (pixel / 255 - mean) / std per RGB channel, the ImageNet convention. */
  z.object({ kind: z.literal('meanStd'), mean: Rgb, std: Rgb.refine((s) => s.every((v) => v > 0), 'every std must be positive') }).strict()
])

const InputSpec = z
  .object({
    name: Name,
    width: z.number().int().positive().max(4096),
    height: z.number().int().positive().max(4096),
    layout: z.enum(['NHWC', 'NCHW']),
    normalize: Normalize,
    /** 'area' = box average (exact for integer downscales), 'nearest', or 'bilinear'. */
    resize: z.enum(['area', 'nearest', 'bilinear']).default('bilinear')
  })
  .strict()
export type InputSpec = z.infer<typeof InputSpec>

export const Head = z
  .object({
    /** The project's taxonomy axis this head predicts. */
    axis: Name,
    output: Name,
    activation: Activation.default('none'),
    /** The model's own label of output i, in output order. */
    labels: z.array(Name).min(2).max(256),
    /** Model label -> project class; several labels may map to one class (their probabilities add). */
    map: z.record(Name, Name).optional()
  })
  .strict()

export type HeadInput = z.infer<typeof Head>

const DetectionHead = z
  .object({
    output: Name,
    activation: z.enum(['none', 'sigmoid']).default('none'),
    /** Which value of the output row is P(visible); rows of one value need none. */
    index: z.number().int().nonnegative().optional(),
    threshold: z.number().min(0).max(1)
  })
  .strict()

const Detector = z
  .object({
    /** ONNX file relative to the mapping file. */
    model: Name,
    input: InputSpec,
    output: Name,
    activation: z.enum(['none', 'sigmoid']).default('none'),
    /** The highest score of the row (e.g. over anchors) must reach this. */
    threshold: z.number().min(0).max(1)
  })
  .strict()

const MappingV2 = z
  .object({
    formatVersion: z.literal(2),
    id: Name,
    version: Name,
    model: Name,
    input: InputSpec,
    detection: DetectionHead.nullable().default(null),
    detector: Detector.nullable().default(null),
    heads: z.array(Head).min(1).max(32),
    /** An axis whose top (mapped) probability is below this makes the image low_confidence. */
    confidenceThreshold: z.number().min(0).max(1)
  })
  .strict()

export interface HeadSpec {
  axis: string
  output: string
  activation: Activation
  labels: string[]
  /** Project class of each label, in label order. */
  classOf: string[]
  /** Distinct project classes, in first-seen order. */
  classes: string[]
}

export interface ClassifierSpec {
  id: string
  version: string
  /** ONNX file relative to the mapping file. */
  model: string
  input: InputSpec
  detection: z.infer<typeof DetectionHead> | null
  detector: z.infer<typeof Detector> | null
  heads: HeadSpec[]
  confidenceThreshold: number
  /** A head naming what the image shows (format 1: the built-in world's concepts), argmax of the raw output. */
  concept: { output: string; classes: string[] } | null
  /** The penultimate layer (format 1), for the Frechet distance and the fidelity figures. */
  features: { output: string; size: number } | null
}

export class MappingError extends Error {}

/** Parses mapping JSON text (format 1 or 2); errors name the field and the problem. */
export function parseMapping(text: string, label = 'classifier mapping'): ClassifierSpec {
  let raw: unknown
  try {
    raw = JSON.parse(text)
  } catch (e) {
    throw new MappingError(`${label} is not valid JSON: ${(e as Error).message}`)
  }
  const version = (raw as { formatVersion?: unknown } | null)?.formatVersion
  if (version === 1) {
    let v1
    try {
      v1 = parseClassifierMapping(text)
    } catch (e) {
      throw new MappingError(`${label}: ${(e as Error).message.replace(/^classifier mapping: /, '')}`)
    }
    return checkSpec(
      {
        id: v1.id,
        version: v1.version,
        model: v1.model,
        input: { ...v1.input, normalize: { kind: 'range', range: v1.input.range }, resize: v1.input.resize },
        detection: v1.detection ? { ...v1.detection, activation: 'none' } : null,
        detector: null,
        heads: v1.axes.map((a) => ({ axis: a.name, output: a.output, activation: 'none' as const, labels: a.classes, classOf: a.classes, classes: a.classes })),
        confidenceThreshold: v1.confidenceThreshold,
        concept: v1.concept,
        features: v1.features
      },
      label
    )
  }
  if (version !== 2) throw new MappingError(`${label}: formatVersion must be 1 or 2, got ${JSON.stringify(version)}`)
  const parsed = MappingV2.safeParse(raw)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    throw new MappingError(`${label}: ${issue.path.join('.') || '(root)'}: ${issue.message}`)
  }
  const m = parsed.data
  const heads = m.heads.map((h, i) => headSpecOf(h, i, label))
  return checkSpec(
    { id: m.id, version: m.version, model: m.model, input: m.input, detection: m.detection, detector: m.detector, heads, confidenceThreshold: m.confidenceThreshold, concept: null, features: null },
    label
  )
}

/**
 * A mapping head as the runners read it: the model's labels, each label's project class, the distinct
 * classes. Shared by ONNX mappings and the photo classifier's mappings (core/classifier/photo).
 */
export function headSpecOf(h: HeadInput, i: number, label: string): HeadSpec {
  if (new Set(h.labels).size !== h.labels.length) throw new MappingError(`${label}: heads.${i} (${h.axis}) lists a label twice`)
  const map = h.map ?? Object.fromEntries(h.labels.map((l) => [l, l]))
  for (const key of Object.keys(map)) {
    if (!h.labels.includes(key)) throw new MappingError(`${label}: heads.${i} (${h.axis}) maps "${key}", which is not one of its labels (${h.labels.join(', ')})`)
  }
  const classOf = h.labels.map((l) => {
    const cls = map[l]
    if (cls === undefined) throw new MappingError(`${label}: heads.${i} (${h.axis}) does not map label "${l}" to a project class`)
    return cls
  })
  const classes = [...new Set(classOf)]
  if (classes.length < 2) throw new MappingError(`${label}: heads.${i} (${h.axis}) maps every label onto one class "${classes[0]}"; an axis needs two`)
  return { axis: h.axis, output: h.output, activation: h.activation, labels: h.labels, classOf, classes }
}

/** Refuses a mapping whose heads predict one axis twice. */
export function checkSpec<T extends { heads: HeadSpec[] }>(spec: T, label: string): T {
  const axes = spec.heads.map((h) => h.axis)
  const twice = axes.find((a, i) => axes.indexOf(a) !== i)
  if (twice) throw new MappingError(`${label}: axis "${twice}" is predicted by two heads`)
  return spec
}

/**
 * Checks the mapping against the project's taxonomy: every head must name an axis of the project and
 * map only onto that axis's classes. A project without axes accepts the mapping's own classes.
 */
export function checkAgainstTaxonomy(spec: Pick<ClassifierSpec, 'id' | 'heads'>, axes: readonly { name: string; classes: readonly string[] }[]): void {
  if (axes.length === 0) return
  for (const head of spec.heads) {
    const axis = axes.find((a) => a.name === head.axis)
    if (!axis) throw new MappingError(`classifier ${spec.id}: head "${head.output}" predicts axis "${head.axis}", but the project's axes are ${axes.map((a) => a.name).join(', ')}`)
    for (let i = 0; i < head.labels.length; i++) {
      if (!axis.classes.includes(head.classOf[i])) {
        throw new MappingError(
          `classifier ${spec.id}: label "${head.labels[i]}" of head "${head.output}" maps to "${head.classOf[i]}", which is not a class of axis "${axis.name}" (${axis.classes.join(', ')})`
        )
      }
    }
  }
}
