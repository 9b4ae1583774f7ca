// Projects and what they hold: prompts, taxonomy axes, images, image sets and the pairs of sets to judge.
import { z } from 'zod'
import { Id, LongText, Name, PromptKind, method, none } from './common'

export const Project = z.object({
  id: Id,
  name: Name,
  description: z.string(),
  createdAt: z.string()
})
export type Project = z.infer<typeof Project>

export const Prompt = z.object({
  id: Id,
  projectId: Id,
  text: z.string(),
  kind: PromptKind,
  neutralPromptId: Id.nullable(),
  imageCount: z.number().int().nonnegative()
})
export type Prompt = z.infer<typeof Prompt>

export const Axis = z.object({
  id: Id,
  projectId: Id,
  name: Name,
  classes: z.array(Name).min(2).max(64),
  /** Ideal distribution over `classes`; null means uniform. */
  ideal: z.array(z.number().nonnegative()).nullable()
})
export type Axis = z.infer<typeof Axis>

export const ImageSummary = z.object({
  id: Id,
  promptId: Id,
  width: z.number().int().positive(),
  height: z.number().int().positive(),
  sha256: z.string(),
  seed: z.number().int().nullable(),
  generator: z.string().nullable()
})
export type ImageSummary = z.infer<typeof ImageSummary>

export const SetOrigin = z.enum(['random', 'manual', 'mcmc', 'generated'])
export const ImageSet = z.object({
  id: Id,
  projectId: Id,
  promptId: Id,
  origin: SetOrigin,
  /** The name a person gave it; null shows as "Set <number>". */
  name: Name.nullable(),
  /** Per-project number, given at creation and never reused or shifted by a deletion. */
  number: z.number().int().positive(),
  imageIds: z.array(Id)
})
export type ImageSet = z.infer<typeof ImageSet>

export const SetPair = z.object({ id: Id, projectId: Id, promptId: Id, setA: Id, setB: Id })
export type SetPair = z.infer<typeof SetPair>

export const projectMethods = {
  'projects.list': method(none, z.array(Project), 'annotate'),
  'projects.create': method(z.object({ name: Name, description: LongText.default('') }).strict(), Project),
  'projects.get': method(z.object({ projectId: Id }).strict(), Project, 'annotate'),

  'prompts.list': method(z.object({ projectId: Id }).strict(), z.array(Prompt), 'annotate'),
  'axes.list': method(z.object({ projectId: Id }).strict(), z.array(Axis), 'annotate'),
  'axes.save': method(
    z.object({ projectId: Id, name: Name, classes: z.array(Name).min(2).max(64), ideal: z.array(z.number().nonnegative()).max(64).nullable().default(null) }).strict(),
    Axis
  ),

  'images.list': method(
    z.object({ projectId: Id, promptId: Id.optional(), offset: z.number().int().nonnegative().default(0), limit: z.number().int().positive().max(5000).default(500) }).strict(),
    z.object({ total: z.number().int().nonnegative(), items: z.array(ImageSummary) }),
    'annotate'
  ),
  'sets.list': method(z.object({ projectId: Id, promptId: Id.optional() }).strict(), z.array(ImageSet), 'annotate'),
  'sets.create': method(z.object({ projectId: Id, promptId: Id, imageIds: z.array(Id).min(1).max(64) }).strict(), ImageSet),
  'sets.createRandom': method(
    z.object({ projectId: Id, promptId: Id, k: z.number().int().min(1).max(64).default(5), count: z.number().int().min(1).max(1000).default(4), seed: z.number().int().optional() }).strict(),
    z.array(ImageSet)
  ),

  /** Pairs every two sets of the same prompt that are not yet paired; returns how many were created. */
  'pairs.createAll': method(z.object({ projectId: Id, promptId: Id.optional() }).strict(), z.object({ created: z.number().int().nonnegative() })),
  'pairs.list': method(z.object({ projectId: Id }).strict(), z.array(SetPair))
} as const
