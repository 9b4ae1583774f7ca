// Sampling images from a model (prompts x seeds) as a job, with each image's provenance.
import { z } from 'zod'
import { Count, Id, method } from './common'
import { Job } from './jobs'
import { ImageSamplerName, SampleModelRef } from './models'

export const SampleProvenance = z.object({
  model: z.string(),
  modelLabel: z.string(),
  checkpoint: z.string(),
  step: Count,
  prompt: z.string(),
  seed: z.number().int(),
  sampler: ImageSamplerName,
  steps: Count,
  guidance: z.number(),
  backend: z.string(),
  jobId: Id
})
export type SampleProvenance = z.infer<typeof SampleProvenance>
export const SampleResult = z.object({ imageId: Id, promptId: Id, provenance: SampleProvenance })
export type SampleResult = z.infer<typeof SampleResult>

export const sampleMethods = {
  'sample.start': method(
    z
      .object({
        projectId: Id,
        model: SampleModelRef,
        prompts: z.array(z.string().trim().min(1).max(300)).min(1).max(64),
        seedStart: z
          .number()
          .int()
          .min(0)
          .max(2 ** 32 - 1)
          .default(0),
        count: z.number().int().min(1).max(256).default(4),
        steps: z.number().int().min(1).max(1000).default(50),
        sampler: ImageSamplerName.default('ddim'),
        guidance: z.number().min(0).max(30).default(3)
      })
      .strict()
      .refine((o) => o.prompts.length * o.count <= 4096, 'prompts x count must be at most 4096 images')
      .refine((o) => o.seedStart + o.count - 1 <= 2 ** 32 - 1, 'seeds must stay below 2^32'),
    Job
  ),
  'sample.results': method(z.object({ jobId: Id }).strict(), z.array(SampleResult))
} as const
