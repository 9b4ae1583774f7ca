// JSON export of the whole report (metrics, intervals, n, evidence, lineage) and a strict reader that
// checks the schema, so a report.json edited by hand or from another version fails with a clear error.

import { z } from 'zod'
import { IMAGE_STATUSES } from '../figures/types'
import { READABLE_SCHEMA_VERSIONS, REPORT_SCHEMA, REPORT_SCHEMA_VERSION, type Report } from '../figures/report-model'

const nullableNumber = z.number().nullable()

const EstimateSchema = z
  .object({
    value: nullableNumber,
    ciLow: nullableNumber,
    ciHigh: nullableNumber,
    n: z.number().int().nonnegative(),
    method: z.enum(['prompts+images', 'images', 'prompts', 'pairs']),
    sentence: z.string(),
    evidence: z.array(z.string())
  })
  .strict()

const statusRecord = <T extends z.ZodType>(value: T) => z.object(Object.fromEntries(IMAGE_STATUSES.map((s) => [s, value])) as Record<(typeof IMAGE_STATUSES)[number], T>).strict()

const CoverageSchema = z
  .object({ total: z.number().int().nonnegative(), counts: statusRecord(z.number().int().nonnegative()), evidence: statusRecord(z.array(z.string())), ratio: EstimateSchema })
  .strict()

const DistributionSchema = z
  .object({
    discrepancy: EstimateSchema.nullable(),
    classes: z.array(z.object({ cls: z.string(), ideal: z.number(), count: z.number().nonnegative(), share: EstimateSchema }).strict()),
    unlabelled: z.number().int().nonnegative()
  })
  .strict()

const SnapshotLineageSchema = z
  .object({
    id: z.number().int(),
    name: z.string(),
    criterion: z.string(),
    contentSha256: z.string(),
    pairsUsed: z.number().int().nonnegative(),
    pairsJudged: z.number().int().nonnegative(),
    trainingPairs: z.number().int().nonnegative().nullable(),
    annotators: z.array(z.object({ id: z.number().int(), name: z.string(), kind: z.enum(['human', 'classifier']), judgements: z.number().int().nonnegative() }).strict()),
    agreement: z.object({ pairs: z.number().int().nonnegative(), percent: nullableNumber, alpha: nullableNumber, alphaLow: nullableNumber, alphaHigh: nullableNumber }).strict(),
    acquisitionClassifiers: z.array(z.object({ id: z.string(), version: z.string(), images: z.number().int().nonnegative() }).strict())
  })
  .strict()

const TrainingSchema = z
  .object({
    runId: z.number().int(),
    label: z.string().optional(),
    method: z.string(),
    preset: z.string().nullable(),
    beta: nullableNumber,
    alpha: nullableNumber,
    steps: z.number().int().nonnegative(),
    checkpointStep: z.number().int().nullable(),
    seed: z.number().int(),
    backend: z.string().nullable(),
    codeVersion: z.string().nullable(),
    base: z.object({ model: z.string(), checkpoint: z.string(), step: z.number().int() }).strict().nullable(),
    snapshot: SnapshotLineageSchema.nullable()
  })
  .strict()

const LineageSchema = z
  .object({
    checkpoint: z.string().nullable(),
    run: z.string().nullable(),
    snapshot: z.string().nullable(),
    annotators: z.array(z.string()),
    agreement: nullableNumber,
    classifier: z.object({ id: z.string(), version: z.string(), notice: z.string().nullable().optional() }).strict(),
    prompts: z.string(),
    seeds: z.array(z.number()),
    sampler: z.string().nullable(),
    guidance: nullableNumber,
    model: z.string().nullable().optional(),
    origin: z.string().nullable().optional(),
    steps: z.number().int().nullable().optional(),
    promptTexts: z.array(z.string()).optional(),
    training: TrainingSchema.nullable().optional()
  })
  .strict()

export const ReportSchema = z
  .object({
    schema: z.literal(REPORT_SCHEMA),
    schemaVersion: z.number().int(),
    title: z.string(),
    createdAt: z.string().nullable(),
    settings: z.object({ resamples: z.number().int().positive(), frechetResamples: z.number().int().positive(), seed: z.number().int(), confidence: z.number() }).strict(),
    axes: z.array(z.object({ name: z.string(), classes: z.array(z.string()), ideal: z.array(z.number()) }).strict()),
    reference: z.object({ label: z.string(), images: z.number().int().nonnegative() }).strict().nullable(),
    fidelity: z.object({ reference: z.string() }).strict().nullable().optional(),
    models: z.array(
      z
        .object({
          id: z.string(),
          label: z.string(),
          lineage: LineageSchema,
          images: z.number().int().nonnegative(),
          coverage: CoverageSchema,
          conceptAccuracy: EstimateSchema.nullable(),
          fidelity: EstimateSchema.nullable().optional(),
          featureFidelity: EstimateSchema.nullable().optional(),
          frechet: EstimateSchema.nullable(),
          recallOverall: EstimateSchema.nullable(),
          prompts: z.array(z.object({ promptId: z.string(), text: z.string(), kind: z.enum(['neutral', 'specific']), coverage: CoverageSchema }).strict()),
          axes: z.array(
            z
              .object({
                axis: z.string(),
                classes: z.array(z.string()),
                ideal: z.array(z.number()),
                pooled: DistributionSchema,
                recall: EstimateSchema.nullable(),
                prompts: z.array(z.object({ promptId: z.string(), askedClass: z.string().nullable(), distribution: DistributionSchema, recall: EstimateSchema.nullable() }).strict())
              })
              .strict()
          )
        })
        .strict()
    )
  })
  .strict()

export function reportToJson(report: Report): string {
  return `${JSON.stringify(report, null, 2)}\n`
}

export function parseReportJson(text: string): Report {
  let data: unknown
  try {
    data = JSON.parse(text)
  } catch (e) {
    throw new Error(`report JSON does not parse: ${(e as Error).message}`)
  }
  if (typeof data === 'object' && data !== null) {
    const d = data as Record<string, unknown>
    if (d.schema !== REPORT_SCHEMA) throw new Error(`not an audit report: schema is ${JSON.stringify(d.schema)}, expected "${REPORT_SCHEMA}"`)
    if (!READABLE_SCHEMA_VERSIONS.includes(d.schemaVersion as number)) {
      throw new Error(`audit report schema version ${JSON.stringify(d.schemaVersion)} is not supported (this build reads ${READABLE_SCHEMA_VERSIONS.join(', ')})`)
    }
  }
  const parsed = ReportSchema.safeParse(data)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    throw new Error(`audit report is malformed at ${issue.path.join('.') || '(root)'}: ${issue.message}`)
  }
  // Versions 2 and 3 only add optional fields, so an older report reads as the current one without them.
  return { ...(parsed.data as Omit<Report, 'schemaVersion'>), schemaVersion: REPORT_SCHEMA_VERSION }
}
