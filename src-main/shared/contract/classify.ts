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
/**
 * A classifier's verdict on one image, the one status type of every classifier (core/classifier/classifier.ts):
 * judged; nothing to judge (no face, no figure: counted, never skipped); unsure on some axis; unreadable file.
 */
export const ClassificationStatus = z.enum(['ok', 'no_detection', 'low_confidence', 'error'])
export type ClassificationStatus = z.infer<typeof ClassificationStatus>

/** One classifier as lineage names it: its id and version (verdicts of two versions are never mixed). */
export const ClassifierKey = z.object({ id: z.string().min(1).max(200), version: z.string().min(1).max(200) }).strict()
export type ClassifierKey = z.infer<typeof ClassifierKey>

const Proportion = z.number().min(0).max(1)

/** How two classifiers that judged the same images agree (core/classifier/pair-agreement.ts). */
export const ClassifierPairAgreement = z.object({
  /** Images both classifiers have a verdict for. */
  images: z.number().int().nonnegative(),
  /** Both saw a person / only the first / only the second / neither (no_detection on both). */
  detection: z.object({ both: z.number().int().nonnegative(), onlyA: z.number().int().nonnegative(), onlyB: z.number().int().nonnegative(), neither: z.number().int().nonnegative() }),
  /** Images where at least one verdict is an error (unreadable file): not compared. */
  errors: z.number().int().nonnegative(),
  axes: z.array(
    z.object({
      axis: z.string(),
      images: z.number().int().nonnegative(),
      agreed: z.number().int().nonnegative(),
      percentAgreement: Proportion.nullable(),
      alpha: z.number().nullable(),
      /** Class of the first -> class of the second -> images. */
      table: z.record(z.string(), z.record(z.string(), z.number().int().nonnegative()))
    })
  )
})
export type ClassifierPairAgreement = z.infer<typeof ClassifierPairAgreement>

export const ClassifierChoice = z.union([z.literal('builtin'), z.literal('photo'), z.object({ onnxPath: FsPath.optional(), mappingPath: FsPath }).strict()]).default('builtin')
export type ClassifierChoice = z.infer<typeof ClassifierChoice>

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
        counts: z.record(ClassificationStatus, z.number().int()),
        unclassified: z.number().int().nonnegative(),
        axes: z.array(z.object({ axis: z.string(), counts: z.array(z.object({ cls: z.string(), count: z.number().int() })) }))
      })
    )
  ),
  /** Agreement of two classifiers on the project's images both have judged (e.g. the photo classifier's GEAR and faceres). */
  'classify.agreement': method(z.object({ projectId: Id, a: ClassifierKey, b: ClassifierKey }).strict(), ClassifierPairAgreement),
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
