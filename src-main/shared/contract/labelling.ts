// Labelling: the next pair to judge, a decision, undo and edit, and the labeller's progress.
import { z } from 'zod'
import { Choice, Criterion, Id, SetSide, method } from './common'
import { ImageSet, SetPair } from './projects'

export const Judgement = z.object({
  id: Id,
  pairId: Id,
  annotatorId: Id,
  criterion: Criterion,
  choice: Choice,
  shownLeft: SetSide,
  responseMs: z.number().int().nonnegative(),
  createdAt: z.string()
})
export type Judgement = z.infer<typeof Judgement>

export const Progress = z.object({ done: z.number().int().nonnegative(), total: z.number().int().nonnegative() })
export type Progress = z.infer<typeof Progress>

/** One pair to label, with the side each set is shown on already drawn (and recorded with the decision). */
export const PairTask = z.object({
  pair: SetPair,
  promptText: z.string(),
  setA: ImageSet,
  setB: ImageSet,
  shownLeft: SetSide,
  progress: Progress
})
export type PairTask = z.infer<typeof PairTask>
export const JudgementEdit = z.object({ judgementId: Id, oldChoice: Choice, newChoice: Choice, editedBy: Id, createdAt: z.string() })
export const RecentJudgement = Judgement.extend({ edits: z.number().int().nonnegative() })

export const labellingMethods = {
  'label.next': method(z.object({ projectId: Id, criterion: Criterion.default('fairness') }).strict(), PairTask.nullable(), 'annotate'),
  'label.judge': method(
    z
      .object({
        pairId: Id,
        criterion: Criterion,
        choice: Choice,
        shownLeft: SetSide,
        responseMs: z.number().int().nonnegative().max(86_400_000),
        /** Client-made key: a retried decision is stored once. */
        idempotencyKey: z.string().min(8).max(100)
      })
      .strict(),
    z.object({ judgement: Judgement, progress: Progress }),
    'annotate'
  ),
  'label.undo': method(
    z
      .object({
        projectId: Id,
        criterion: Criterion.default('fairness'),
        /**
         * The decision to undo. With it, undo is idempotent: a retry after a lost answer finds it
         * already undone and undoes nothing else. Without it, the caller's latest live decision.
         */
        judgementId: Id.optional()
      })
      .strict(),
    z.object({ undone: Judgement.nullable(), progress: Progress }),
    'annotate'
  ),
  'label.progress': method(z.object({ projectId: Id, criterion: Criterion.default('fairness') }).strict(), Progress, 'annotate'),
  /** The caller's own recent decisions, newest first: the ones label.edit may change. */
  'label.recent': method(z.object({ projectId: Id, criterion: Criterion.default('fairness'), limit: z.number().int().min(1).max(100).default(20) }).strict(), z.array(RecentJudgement), 'annotate'),
  'label.edit': method(z.object({ judgementId: Id, choice: Choice }).strict(), z.object({ judgement: Judgement, edited: z.boolean() }), 'annotate')
} as const
