// Set refinement by MCMC (paper App. B): chains that propose swaps judged by a person or the classifier.
import { z } from 'zod'
import { Id, method } from './common'
import { Judgement } from './labelling'
import { ModelRef, SamplerName } from './models'
import { SetPair } from './projects'

export const McmcJudge = z.enum(['human', 'auto', 'mixed'])
export type McmcJudge = z.infer<typeof McmcJudge>
export const McmcDecision = z.enum(['accept', 'reject', 'stop'])
export type McmcDecision = z.infer<typeof McmcDecision>
/** Replace the member at `position` (the image `outImageId`) by `inImageId`. */
export const McmcProposal = z.object({ position: z.number().int().nonnegative(), outImageId: Id, inImageId: Id })
export type McmcProposal = z.infer<typeof McmcProposal>
/** Where a chain's proposed images come from: the prompt's pool, freshly sampled, or the pool until exhausted, then sampled. */
export const McmcProposalSource = z.enum(['pool', 'sample', 'mixed'])
export type McmcProposalSource = z.infer<typeof McmcProposalSource>
/** Where a chain's starting set comes from: drawn from the prompt's pool, or freshly sampled from a model. */
export const McmcStart = z.enum(['pool', 'generate'])
export type McmcStart = z.infer<typeof McmcStart>
/** The model and settings a chain samples its fresh proposals with (the seed of each comes from the chain's RNG). */
export const McmcSampling = z.object({
  model: z.string(),
  steps: z.number().int().positive(),
  sampler: z.enum(['ddpm', 'ddim']),
  guidance: z.number().nonnegative()
})
export type McmcSampling = z.infer<typeof McmcSampling>
/** Classifier counts of the current set on one axis; `unseen` members have no usable verdict. */
export const AxisTally = z.object({
  axis: z.string(),
  counts: z.array(z.object({ cls: z.string(), count: z.number().int().nonnegative() })),
  unseen: z.number().int().nonnegative()
})
export type AxisTally = z.infer<typeof AxisTally>
/** How the proposed (incoming) image was sampled, when it was: by this chain, or by a sample job. */
export const McmcIncoming = z.object({
  imageId: Id,
  source: z.enum(['chain', 'sample-job']),
  model: z.string(),
  modelLabel: z.string().nullable(),
  seed: z.number().int(),
  /** The chain step it was sampled for, or its position in a generated starting set (chain-sampled only). */
  chainStep: z.number().int().nonnegative().nullable(),
  role: z.enum(['start', 'proposal']).nullable()
})
export type McmcIncoming = z.infer<typeof McmcIncoming>
export const McmcChain = z.object({
  id: Id,
  /** Per-project number: "Chain 2". */
  number: z.number().int().positive(),
  projectId: Id,
  promptId: Id,
  judge: McmcJudge,
  state: z.enum(['running', 'finished']),
  setSize: z.number().int().positive(),
  imageIds: z.array(Id),
  /** The pending swap; null when the chain is finished or no image outside the set is left. */
  proposal: McmcProposal.nullable(),
  /** Who must judge the pending proposal: a person, or the classifier (call mcmc.runAuto). */
  awaiting: z.enum(['human', 'auto']).nullable(),
  step: z.number().int().nonnegative(),
  accepted: z.number().int().nonnegative(),
  rejected: z.number().int().nonnegative(),
  /** accepted / (accepted + rejected); null before the first decision. */
  acceptanceRate: z.number().min(0).max(1).nullable(),
  resultSetId: Id.nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
  /** Only when asked for (hidden by default so it does not anchor the judge). */
  tally: z.array(AxisTally).nullable(),
  /** Where proposals come from ('pool' when left out). */
  proposalSource: McmcProposalSource.optional(),
  sampling: McmcSampling.nullable().optional(),
  /** True while the next proposal is being sampled from the model (it appears once its image is in the workspace). */
  proposalPending: z.boolean().optional(),
  /** Why the last attempt to sample the pending proposal failed, if it did (the next mcmc.get retries). */
  proposalError: z.string().nullable().optional(),
  /** Where the starting set came from ('pool' when left out). */
  start: McmcStart.optional(),
  /** Starting images still to be sampled (a 'generate' chain shows no proposal before this is 0). */
  startPending: z.number().int().nonnegative().optional(),
  /** Provenance of the pending proposal's incoming image, when it was sampled from a model; null otherwise. */
  incoming: McmcIncoming.nullable().optional()
})
export type McmcChain = z.infer<typeof McmcChain>
export const McmcLogEntry = z.object({
  step: z.number().int().nonnegative(),
  decision: McmcDecision,
  proposal: McmcProposal.nullable(),
  judgeKind: z.enum(['human', 'auto']),
  annotatorId: Id,
  /** Who decided, by name (issue 10: people, not "person 1"). */
  annotatorName: z.string(),
  /** Classifier distance to the target (summed L2 over axes) before and after the swap; auto decisions only. */
  distanceBefore: z.number().nullable(),
  distanceAfter: z.number().nullable(),
  createdAt: z.string()
})
export type McmcLogEntry = z.infer<typeof McmcLogEntry>

export const refinementMethods = {
  'mcmc.start': method(
    z
      .object({
        projectId: Id,
        promptId: Id,
        size: z.number().int().min(1).max(64).default(5),
        judge: McmcJudge.default('human'),
        seed: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).optional(),
        /** Which classifier's verdicts the automatic judge reads; the latest of any when left out. */
        classifierId: z.string().min(1).max(200).optional(),
        /** Where proposed images come from; 'sample' and 'mixed' need `sampling`. */
        proposals: McmcProposalSource.default('pool'),
        /** Where the N starting images come from; 'generate' samples them from `sampling`'s model. */
        start: McmcStart.default('pool'),
        sampling: z
          .object({
            model: ModelRef,
            steps: z.number().int().min(1).max(1000).default(20),
            sampler: SamplerName.default('ddim'),
            guidance: z.number().min(0).max(30).default(3)
          })
          .strict()
          .optional()
      })
      .strict()
      .refine((o) => o.proposals === 'pool' || o.sampling !== undefined, 'freshly sampled proposals need `sampling` (at least the model id)')
      .refine((o) => o.start === 'pool' || o.sampling !== undefined, 'a generated starting set needs `sampling` (at least the model id)'),
    McmcChain
  ),
  'mcmc.get': method(z.object({ chainId: Id, tally: z.boolean().default(false) }).strict(), McmcChain, 'annotate'),
  'mcmc.list': method(z.object({ projectId: Id }).strict(), z.array(McmcChain), 'annotate'),
  'mcmc.decide': method(
    z
      .object({
        chainId: Id,
        decision: McmcDecision,
        /** The step the judge saw; a decision for a step that has passed is refused, not applied twice. */
        step: z.number().int().nonnegative().optional(),
        idempotencyKey: z.string().min(8).max(100)
      })
      .strict(),
    McmcChain,
    'annotate'
  ),
  'mcmc.runAuto': method(
    z.object({ chainId: Id, maxSteps: z.number().int().min(1).max(10_000).default(100), stopAtEnd: z.boolean().default(false) }).strict(),
    z.object({ chain: McmcChain, decided: z.number().int().nonnegative(), needsHuman: z.boolean() })
  ),
  'mcmc.log': method(z.object({ chainId: Id }).strict(), z.array(McmcLogEntry), 'annotate'),
  /** Pairs a finished chain's set with another set of its prompt and records the owner's fairness decision for the chain's set. */
  'mcmc.makePair': method(z.object({ chainId: Id, loserSetId: Id, idempotencyKey: z.string().min(8).max(100) }).strict(), z.object({ pair: SetPair, judgement: Judgement }))
} as const
