// Preference data: immutable, versioned snapshots of a project's judgements and their export for external trainers.
import { z } from 'zod'
import { Criterion, FsPath, Id, Name, method } from './common'
import { Job } from './jobs'

const RowCount = z.number().int().nonnegative()
export const SnapshotCounts = z.object({
  pairsInProject: RowCount,
  pairsJudged: RowCount,
  pairsUsed: RowCount,
  /** Per-image training rows: positiveRows (winning sets) + negativeRows (losing sets). */
  rows: RowCount,
  positiveRows: RowCount,
  negativeRows: RowCount,
  judgements: RowCount,
  undoneIgnored: RowCount,
  excluded: z.object({ tie: RowCount, cantJudge: RowCount, voteTie: RowCount, noNeutralPrompt: RowCount })
})
export type SnapshotCounts = z.infer<typeof SnapshotCounts>
export const PreferenceSnapshot = z.object({
  id: Id,
  projectId: Id,
  version: z.number().int().positive(),
  name: z.string(),
  criterion: Criterion,
  contentSha256: z.string().length(64),
  counts: SnapshotCounts,
  annotators: z.array(z.object({ id: Id, name: z.string(), kind: z.enum(['human', 'classifier']), judgements: RowCount })),
  /** The automatic judge's share, and which classifier versions saw its pairs' images. */
  classifier: z.object({ annotatorId: Id, judgements: RowCount, versions: z.array(z.object({ classifierId: z.string(), classifierVersion: z.string(), images: RowCount })) }).nullable(),
  adjudications: RowCount,
  createdAt: z.string()
})
export type PreferenceSnapshot = z.infer<typeof PreferenceSnapshot>
export const PreferenceSnapshotDetail = PreferenceSnapshot.extend({ judgementIds: z.array(Id), adjudicationIds: z.array(Id) })
export type PreferenceSnapshotDetail = z.infer<typeof PreferenceSnapshotDetail>
/** popalign_csv_safe: the same CSV with formula-like text cells guarded, for opening in a spreadsheet. */
export const ExportFormat = z.enum(['popalign_csv', 'popalign_csv_safe', 'pickapic_parquet', 'jsonl'])
export type ExportFormat = z.infer<typeof ExportFormat>

export const preferenceDataMethods = {
  'snapshots.create': method(z.object({ projectId: Id, criterion: Criterion.default('fairness'), name: Name.optional() }).strict(), PreferenceSnapshotDetail),
  'snapshots.list': method(z.object({ projectId: Id }).strict(), z.array(PreferenceSnapshot)),
  'snapshots.get': method(z.object({ snapshotId: Id }).strict(), PreferenceSnapshotDetail),
  /** Streams a snapshot (or the project's current judgements) to `outPath` as a background job. */
  'export.start': method(
    z
      .object({
        snapshotId: Id.optional(),
        projectId: Id.optional(),
        criterion: Criterion.default('fairness'),
        format: ExportFormat,
        outPath: FsPath,
        overwrite: z.boolean().default(false)
      })
      .strict()
      .refine((o) => (o.snapshotId === undefined) !== (o.projectId === undefined), 'give exactly one of snapshotId or projectId'),
    Job
  )
} as const
