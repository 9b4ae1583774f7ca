// Classifying a project's images (the built-in classifier or any ONNX model with a mapping) and
// automated preference acquisition, which samples, classifies and pairs images by the classifier's verdicts.
import { z } from 'zod'
import { FsPath, Id, method } from './common'
import { Job } from './jobs'

/**
 * The built-in world classifier, the built-in photo classifier ('photo': face detector + GEAR's perceived
 * gender and five groups, docs/photo-classifier.md), or a foreign ONNX model (or a photo-classifier
 * mapping copied and edited) with its mapping file (absolute paths; checked against the project's taxonomy).
 */
export const ClassifierChoice = z.union([z.literal('builtin'), z.literal('photo'), z.object({ onnxPath: FsPath.optional(), mappingPath: FsPath }).strict()]).default('builtin')

export const classifyMethods = {
  'classify.start': method(
    z
      .object({
        projectId: Id,
        promptId: Id.optional(),
        classifier: ClassifierChoice
      })
      .strict(),
    Job
  ),
  'classify.summary': method(
    z.object({ projectId: Id }).strict(),
    z.array(
      z.object({
        classifierId: z.string(),
        classifierVersion: z.string(),
        counts: z.object({ ok: z.number().int(), no_detection: z.number().int(), low_confidence: z.number().int(), error: z.number().int() }),
        unclassified: z.number().int().nonnegative(),
        axes: z.array(z.object({ axis: z.string(), counts: z.array(z.object({ cls: z.string(), count: z.number().int() })) }))
      })
    )
  ),
  'acquire.start': method(
    z
      .object({
        projectId: Id,
        neutralPrompts: z.array(z.string().trim().min(1).max(300)).min(1).max(500),
        /** A checkpoint file, or a model id ('base'); the base model when both are left out. */
        checkpoint: FsPath.optional(),
        model: z.string().min(1).max(100).optional(),
        nPerNeutral: z.number().int().min(1).max(1000).optional(),
        mPerSpecific: z.number().int().min(1).max(1000).optional(),
        k: z.number().int().min(1).max(64).default(5),
        pairsPerPrompt: z.number().int().min(1).max(10_000).default(20),
        seed: z
          .number()
          .int()
          .min(0)
          .max(2 ** 32 - 1)
          .default(1),
        templates: z.array(z.string().min(1).max(500)).max(20).optional(),
        sampling: z
          .object({ sampler: z.enum(['ddim', 'ddpm']).optional(), steps: z.number().int().min(1).max(1000).optional(), guidance: z.number().min(0).max(30).optional() })
          .strict()
          .optional(),
        classifier: ClassifierChoice
      })
      .strict(),
    Job
  ),
  'acquire.ledger': method(
    z.object({ jobId: Id }).strict(),
    z.object({
      jobId: Id,
      counts: z.record(z.string(), z.number().int()),
      kept: z.object({ neutral: z.number().int(), augmented: z.number().int() }),
      pairs: z.number().int().nonnegative(),
      swapped: z.number().int().nonnegative(),
      drops: z.array(z.object({ stage: z.enum(['sample', 'gate', 'pairs']), reason: z.string(), detail: z.string(), imageId: Id.nullable(), promptId: Id.nullable(), prompt: z.string().nullable() }))
    })
  )
} as const
