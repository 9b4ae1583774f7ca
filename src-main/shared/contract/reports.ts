// Bias reports (audit jobs): sources to compare, the report document and its export as HTML, PDF, JSON or CSV.
import { z } from 'zod'
import { REPORT_SCHEMA, type Report as AuditReport } from '../audit/report-model'
import { FsPath, Id, Name, method } from './common'
import { ClassifierChoice } from './classify'
import { Job, JobState } from './jobs'
import { SampleModelRef, SamplerName } from './models'
import { ImageSource } from './projects'

/** What a report compares: a model sampled on the report's prompts with its fixed seeds, or images already in the workspace. */
export const ReportSource = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('model'), model: SampleModelRef, label: Name.optional() }).strict(),
  /**
   * The project's images of the report's prompts, from the sources named in `from`: by default only the
   * imported pool, so images sampled, acquired or drawn in the studio never mix into it unasked (issue 10).
   */
  z
    .object({
      kind: z.literal('images'),
      label: Name.default('workspace images'),
      from: z.array(ImageSource).min(1).max(4).default(['imported']),
      /** Exactly these images instead (e.g. the samples of a real-model fine-tune); each must be of one of the report's prompts. */
      imageIds: z.array(Id).min(1).max(4096).optional()
    })
    .strict()
])
export type ReportSource = z.infer<typeof ReportSource>
export const ReportFormat = z.enum(['html', 'pdf', 'json', 'csv'])
export type ReportFormat = z.infer<typeof ReportFormat>
export const ReportSummary = z.object({
  /** The id of the audit job that builds the report. */
  reportId: Id,
  projectId: Id,
  title: z.string(),
  state: JobState,
  done: z.number().int().nonnegative(),
  total: z.number().int().nonnegative(),
  message: z.string(),
  error: z.string().nullable(),
  sources: z.array(z.string()),
  prompts: z.number().int().nonnegative(),
  createdAt: z.string()
})
export type ReportSummary = z.infer<typeof ReportSummary>
/** The report JSON (shared/audit/report-model.ts); built by the core, so only its schema tag is checked here. */
export const AuditReportDoc = z.custom<AuditReport>((v) => typeof v === 'object' && v !== null && (v as { schema?: unknown }).schema === REPORT_SCHEMA, 'not an audit report')

export const reportMethods = {
  /** Starts an audit job (kind 'audit'): samples the model sources, classifies every image, builds the report. */
  'report.start': method(
    z
      .object({
        projectId: Id,
        title: z.string().trim().min(1).max(200).optional(),
        sources: z.array(ReportSource).min(1).max(8),
        prompts: z.array(z.string().trim().min(1).max(300)).min(1).max(64),
        /** Seeds seedStart .. seedStart + count - 1 for every prompt of every model source. */
        seedStart: z
          .number()
          .int()
          .min(0)
          .max(2 ** 32 - 1)
          .default(0),
        count: z.number().int().min(1).max(256).default(16),
        steps: z.number().int().min(1).max(1000).default(20),
        sampler: SamplerName.default('ddim'),
        guidance: z.number().min(0).max(30).default(3),
        /** A guidance sweep (replaces `guidance`): every model is sampled at each scale; each (model, scale) is one point of the report and its frontier. */
        guidances: z.array(z.number().min(0).max(30)).min(1).max(8).optional(),
        /** The built-in world classifier, or a foreign ONNX model with its mapping file (absolute paths; checked against the project's taxonomy). */
        classifier: ClassifierChoice,
        resamples: z.number().int().min(1).max(10_000).default(1000)
      })
      .strict()
      .refine((o) => o.prompts.length * o.count <= 4096, 'prompts x count must be at most 4096 images per model')
      .refine((o) => o.sources.filter((s) => s.kind === 'model').length * (o.guidances?.length ?? 1) <= 16, 'models x guidance scales must be at most 16 sampled points')
      .refine((o) => o.seedStart + o.count - 1 <= 2 ** 32 - 1, 'seeds must stay below 2^32'),
    Job
  ),
  'report.list': method(z.object({ projectId: Id }).strict(), z.array(ReportSummary)),
  'report.get': method(z.object({ reportId: Id }).strict(), AuditReportDoc),
  /** Writes the report as one file; `outPath` must be absolute and its folder must exist. */
  'report.export': method(
    z.object({ reportId: Id, format: ReportFormat, outPath: FsPath, overwrite: z.boolean().default(false) }).strict(),
    z.object({ path: z.string(), bytes: z.number().int().nonnegative() })
  )
} as const
