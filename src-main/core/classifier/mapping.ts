// The mapping file that tells a runner how to feed an ONNX attribute classifier and how to read its
// outputs as the project's taxonomy. It is deliberately generic (the auditing runner reads the same
// format for user-supplied FairFace/DeepFace exports); the built-in classifier ships one.

import { z } from 'zod'

const Name = z.string().min(1).max(200)

export const ClassifierMapping = z
  .object({
    formatVersion: z.literal(1),
    id: Name,
    version: Name,
    /** ONNX file, relative to the mapping file. */
    model: Name,
    input: z
      .object({
        name: Name,
        width: z.number().int().positive().max(4096),
        height: z.number().int().positive().max(4096),
        channels: z.literal(3),
        layout: z.enum(['NHWC', 'NCHW']),
        /** Pixel values are mapped linearly from [0, 255] onto [min, max]. */
        range: z.tuple([z.number(), z.number()]),
        /** How larger images are brought to width x height ('area' = box average, exact for nearest-upscaled PNGs). */
        resize: z.enum(['area', 'nearest'])
      })
      .strict(),
    /** Optional detection head: P(the attributes can be seen); below the threshold the status is no_detection. */
    detection: z
      .object({ output: Name, threshold: z.number().min(0).max(1) })
      .strict()
      .nullable(),
    /** Optional head naming what the image shows (the built-in world's concepts). */
    concept: z
      .object({ output: Name, classes: z.array(Name).min(1) })
      .strict()
      .nullable(),
    /** One entry per taxonomy axis; classes[i] is the taxonomy class of the head's output i. */
    axes: z.array(z.object({ name: Name, output: Name, classes: z.array(Name).min(2) }).strict()).min(1),
    /** Penultimate-layer output, for the Frechet distance between sample and reference sets. */
    features: z.object({ output: Name, size: z.number().int().positive() }).strict().nullable(),
    /** An axis whose top probability is below this makes the image low_confidence. */
    confidenceThreshold: z.number().min(0).max(1)
  })
  .strict()
export type ClassifierMapping = z.infer<typeof ClassifierMapping>

/** Parses untrusted JSON text into a mapping; errors name the offending field. */
export function parseClassifierMapping(text: string): ClassifierMapping {
  let raw: unknown
  try {
    raw = JSON.parse(text)
  } catch (e) {
    throw new Error(`classifier mapping is not valid JSON: ${(e as Error).message}`)
  }
  const parsed = ClassifierMapping.safeParse(raw)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    throw new Error(`classifier mapping: ${issue.path.join('.') || '(root)'}: ${issue.message}`)
  }
  return parsed.data
}
