// The one typed API of the studio. Every method is declared once here, with run-time schemas for its
// input and output, and served by two transports (Electron IPC and serve-mode HTTP/WebSocket).
// Runtime-neutral: imports neither electron nor node:* (enforced by test/security/layers.test.ts).
import { z } from 'zod'

export const Id = z.number().int().positive().max(Number.MAX_SAFE_INTEGER)
const Name = z.string().trim().min(1).max(200)
const LongText = z.string().max(10_000)
/** Absolute folder or file path typed by the owner; checked again by the core before any file access. */
export const FsPath = z.string().min(1).max(4096).refine((p) => !p.includes('\0'), 'path contains a NUL byte')

export const Criterion = z.enum(['fairness', 'quality'])
export type Criterion = z.infer<typeof Criterion>
/** A choice is stored relative to the pair's sets a and b, never relative to screen sides. */
export const Choice = z.enum(['a', 'b', 'tie', 'cant_judge'])
export type Choice = z.infer<typeof Choice>
export const SetSide = z.enum(['a', 'b'])
export type SetSide = z.infer<typeof SetSide>
export const PromptKind = z.enum(['neutral', 'specific'])
export const Scope = z.enum(['owner', 'annotate'])
export type Scope = z.infer<typeof Scope>

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
  imageIds: z.array(Id)
})
export type ImageSet = z.infer<typeof ImageSet>

export const SetPair = z.object({ id: Id, projectId: Id, promptId: Id, setA: Id, setB: Id })
export type SetPair = z.infer<typeof SetPair>

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

export const JobKind = z.enum(['import', 'train', 'sample', 'classify', 'acquire', 'export', 'audit'])
export const JobState = z.enum(['queued', 'running', 'paused', 'done', 'failed', 'cancelled'])
export const Job = z.object({
  id: Id,
  projectId: Id.nullable(),
  kind: JobKind,
  state: JobState,
  done: z.number().int().nonnegative(),
  total: z.number().int().nonnegative(),
  message: z.string(),
  error: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string()
})
export type Job = z.infer<typeof Job>

export const ImportFailure = z.object({ file: z.string(), reason: z.string() })
export const ImportReport = z.object({
  jobId: Id,
  imported: z.number().int().nonnegative(),
  duplicates: z.number().int().nonnegative(),
  failures: z.array(ImportFailure)
})
export type ImportReport = z.infer<typeof ImportReport>

export const Annotator = z.object({ id: Id, name: Name, kind: z.enum(['human', 'classifier']) })
export type Annotator = z.infer<typeof Annotator>

export const Session = z.object({ annotator: Annotator, scope: Scope })
export type Session = z.infer<typeof Session>

/** A method: strict input schema, output schema, and the least scope allowed to call it. */
interface MethodSpec<I extends z.ZodType, O extends z.ZodType> {
  input: I
  output: O
  scope: Scope
}
function method<I extends z.ZodType, O extends z.ZodType>(input: I, output: O, scope: Scope = 'owner'): MethodSpec<I, O> {
  return { input, output, scope }
}
const none = z.object({}).strict()

export const contract = {
  'session.whoami': method(none, Session, 'annotate'),

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

  'import.start': method(z.object({ projectId: Id, folder: FsPath }).strict(), Job),
  'import.report': method(z.object({ jobId: Id }).strict(), ImportReport),

  'jobs.list': method(z.object({ projectId: Id.optional() }).strict(), z.array(Job)),
  'jobs.get': method(z.object({ jobId: Id }).strict(), Job),
  'jobs.cancel': method(z.object({ jobId: Id }).strict(), Job),

  'sets.list': method(z.object({ projectId: Id, promptId: Id.optional() }).strict(), z.array(ImageSet), 'annotate'),
  'sets.create': method(z.object({ projectId: Id, promptId: Id, imageIds: z.array(Id).min(1).max(64) }).strict(), ImageSet),
  'sets.createRandom': method(
    z.object({ projectId: Id, promptId: Id, k: z.number().int().min(1).max(64).default(5), count: z.number().int().min(1).max(1000).default(4), seed: z.number().int().optional() }).strict(),
    z.array(ImageSet)
  ),

  /** Pairs every two sets of the same prompt that are not yet paired; returns how many were created. */
  'pairs.createAll': method(z.object({ projectId: Id, promptId: Id.optional() }).strict(), z.object({ created: z.number().int().nonnegative() })),
  'pairs.list': method(z.object({ projectId: Id }).strict(), z.array(SetPair)),

  'label.next': method(z.object({ projectId: Id, criterion: Criterion.default('fairness') }).strict(), PairTask.nullable(), 'annotate'),
  'label.judge': method(
    z.object({
      pairId: Id,
      criterion: Criterion,
      choice: Choice,
      shownLeft: SetSide,
      responseMs: z.number().int().nonnegative().max(86_400_000),
      /** Client-made key: a retried decision is stored once. */
      idempotencyKey: z.string().min(8).max(100)
    }).strict(),
    z.object({ judgement: Judgement, progress: Progress }),
    'annotate'
  ),
  'label.undo': method(
    z.object({ projectId: Id, criterion: Criterion.default('fairness') }).strict(),
    z.object({ undone: Judgement.nullable(), progress: Progress }),
    'annotate'
  ),
  'label.progress': method(z.object({ projectId: Id, criterion: Criterion.default('fairness') }).strict(), Progress, 'annotate')
} as const

export type Contract = typeof contract
export type MethodName = keyof Contract
export type Input<M extends MethodName> = z.input<Contract[M]['input']>
export type ParsedInput<M extends MethodName> = z.output<Contract[M]['input']>
export type Output<M extends MethodName> = z.output<Contract[M]['output']>

export const methodNames = Object.keys(contract) as MethodName[]
export function isMethodName(name: string): name is MethodName {
  return Object.prototype.hasOwnProperty.call(contract, name)
}

export interface ApiError {
  code: 'bad_request' | 'not_found' | 'conflict' | 'forbidden' | 'unauthorized' | 'internal'
  message: string
}
export type Result<T> = { ok: true; value: T } | { ok: false; error: ApiError }

/** Server-pushed events, carried by IPC `webContents.send` and by the serve-mode WebSocket. */
export const events = {
  'job.progress': Job
} as const
export type EventName = keyof typeof events
export type EventPayload<E extends EventName> = z.infer<(typeof events)[E]>

/** Image bytes are fetched by id, never by path. */
export type ImageVariant = 'full' | 'thumb'
