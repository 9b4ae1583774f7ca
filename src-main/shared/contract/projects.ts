// Projects and what they hold: prompts, taxonomy axes, images, image sets and the pairs of sets to judge.
import { z } from 'zod'
import { ClassificationStatus } from './classify'
import { Choice, Criterion, Id, LongText, Name, PromptKind, method, none } from './common'

export const Project = z.object({
  id: Id,
  name: Name,
  description: z.string(),
  createdAt: z.string()
})
export type Project = z.infer<typeof Project>

/** What a project holds, for its card on the Projects screen; a pair is labelled once a person decided it. */
export const ProjectCounts = z.object({
  images: z.number().int().nonnegative(),
  sets: z.number().int().nonnegative(),
  pairs: z.number().int().nonnegative(),
  labelledPairs: z.number().int().nonnegative(),
  /** Imports queued or running now: a project at 0 images may be filling (the demo, on first start). */
  importsRunning: z.number().int().nonnegative(),
  /**
   * The signed-in person's own share, for an annotator's card: the pairs open to them (under routing,
   * the ones assigned to them; else all) and how many of those they hold a live decision on.
   */
  mine: z.object({ pairs: z.number().int().nonnegative(), labelledPairs: z.number().int().nonnegative() })
})
export type ProjectCounts = z.infer<typeof ProjectCounts>
/** A project as the project list gives it: with its counts. */
export const ProjectCard = Project.extend({ counts: ProjectCounts })
export type ProjectCard = z.infer<typeof ProjectCard>

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

/** Where an image came from: imported from a folder, acquired, sampled from a model, or drawn by a refinement chain. */
export const ImageSource = z.enum(['imported', 'acquired', 'sampled', 'refinement'])
export type ImageSource = z.infer<typeof ImageSource>
export const ImageFilter = z.object({
  source: ImageSource.optional(),
  /** A model id as the facets list it ("base", "run:12@200"). */
  model: z.string().min(1).max(500).optional(),
  /** A classifier label: the class the classifier read on one axis. */
  label: z
    .object({ axis: z.string().min(1).max(200), cls: z.string().min(1).max(200) })
    .strict()
    .optional()
})
export type ImageFilter = z.infer<typeof ImageFilter>
export const ImageFacets = z.object({
  sources: z.array(z.object({ source: ImageSource, count: z.number().int().nonnegative() })),
  models: z.array(z.object({ model: z.string(), label: z.string(), count: z.number().int().nonnegative() })),
  labels: z.array(z.object({ axis: z.string(), cls: z.string(), count: z.number().int().nonnegative() }))
})
export type ImageFacets = z.infer<typeof ImageFacets>
/** One image with everything a person asks about it (the image detail view). */
export const ImageDetail = ImageSummary.extend({
  promptText: z.string(),
  promptKind: PromptKind,
  source: ImageSource,
  /** The model in words ("Run 2 · step 200"); null for an imported image with no generator. */
  model: z.string().nullable(),
  fileName: z.string(),
  createdAt: z.string(),
  verdicts: z.array(
    z.object({
      classifier: z.string(),
      status: ClassificationStatus,
      attributes: z.record(z.string(), z.string()),
      confidence: z.number().nullable()
    })
  ),
  sets: z.array(z.object({ id: Id, label: z.string() }))
})
export type ImageDetail = z.infer<typeof ImageDetail>

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

/** A set as a person reads it: "Set 3" or the name given to it, with its images in order. */
export const SetLabel = z.object({ id: Id, label: z.string(), imageIds: z.array(Id) })
/** A pair as the Pairs screen shows it: the prompt's text, both sets, and every live decision on it. */
export const PairOverview = z.object({
  id: Id,
  promptText: z.string(),
  setA: SetLabel,
  setB: SetLabel,
  /** Every live decision, by name; `kind` tells the classifier's verdicts from people's (adjudication weighs only people). */
  decisions: z.array(z.object({ annotator: z.string(), kind: z.enum(['human', 'classifier']), criterion: Criterion, choice: Choice }))
})
export type PairOverview = z.infer<typeof PairOverview>

export const projectMethods = {
  'projects.list': method(none, z.array(ProjectCard), 'annotate'),
  'projects.create': method(z.object({ name: Name, description: LongText.default('') }).strict(), Project),
  'projects.get': method(z.object({ projectId: Id }).strict(), Project, 'annotate'),

  'prompts.list': method(z.object({ projectId: Id }).strict(), z.array(Prompt), 'annotate'),
  'axes.list': method(z.object({ projectId: Id }).strict(), z.array(Axis), 'annotate'),
  'axes.save': method(z.object({ projectId: Id, name: Name, classes: z.array(Name).min(2).max(64), ideal: z.array(z.number().nonnegative()).max(64).nullable().default(null) }).strict(), Axis),

  'images.list': method(
    z
      .object({ projectId: Id, promptId: Id.optional(), offset: z.number().int().nonnegative().default(0), limit: z.number().int().positive().max(5000).default(500) })
      .extend(ImageFilter.shape)
      .strict(),
    z.object({ total: z.number().int().nonnegative(), items: z.array(ImageSummary) }),
    'annotate'
  ),
  'images.facets': method(z.object({ projectId: Id, promptId: Id.optional() }).strict(), ImageFacets, 'annotate'),
  'images.detail': method(z.object({ imageId: Id }).strict(), ImageDetail, 'annotate'),
  'sets.list': method(z.object({ projectId: Id, promptId: Id.optional() }).strict(), z.array(ImageSet), 'annotate'),
  'sets.create': method(z.object({ projectId: Id, promptId: Id, imageIds: z.array(Id).min(1).max(64) }).strict(), ImageSet),
  'sets.createRandom': method(
    z.object({ projectId: Id, promptId: Id, k: z.number().int().min(1).max(64).default(5), count: z.number().int().min(1).max(1000).default(4), seed: z.number().int().optional() }).strict(),
    z.array(ImageSet)
  ),

  /**
   * Pairs every two sets of the same prompt and size that are not yet paired; returns how many were created
   * and how many sets stay unpaired because no other set of their prompt has their size.
   */
  'pairs.createAll': method(z.object({ projectId: Id, promptId: Id.optional() }).strict(), z.object({ created: z.number().int().nonnegative(), unpaired: z.number().int().nonnegative() })),
  'pairs.list': method(z.object({ projectId: Id }).strict(), z.array(SetPair)),
  'pairs.overview': method(
    z
      .object({
        projectId: Id,
        /** Only these pairs (the adjudication queue's), in id order; total still counts the project's pairs. */
        pairIds: z.array(Id).max(1000).optional(),
        offset: z.number().int().nonnegative().default(0),
        limit: z.number().int().positive().max(1000).default(200)
      })
      .strict(),
    z.object({ total: z.number().int().nonnegative(), items: z.array(PairOverview) })
  )
} as const
