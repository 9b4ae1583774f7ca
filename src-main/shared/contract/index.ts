// The one typed API of the studio. Every method is declared once, with run-time schemas for its input and
// output, in the file of its domain; this index assembles them into `contract`, which two transports serve
// (Electron IPC and serve-mode HTTP/WebSocket).
// Runtime-neutral: imports neither electron nor node:* (enforced by test/security/layers.test.ts).
import type { z } from 'zod'
import { classifyMethods } from './classify'
import { finetuneMethods } from './finetune'
import { housekeepingMethods } from './housekeeping'
import { importMethods } from './import'
import { Job, jobMethods } from './jobs'
import { labellingMethods } from './labelling'
import { modelMethods } from './models'
import { preferenceDataMethods } from './preference-data'
import { projectMethods } from './projects'
import { realFinetuneMethods } from './real-finetune'
import { refinementMethods } from './refinement'
import { reportMethods } from './reports'
import { sampleMethods } from './sample'
import { sandbox1dMethods } from './sandbox1d'
import { sessionMethods } from './session'
import { teamMethods } from './team'
import { trainMethods } from './train'
import { workspaceMethods } from './workspace'

export { Choice, Count, Criterion, FsPath, Id, Interval, LongText, Name, PromptKind, Scope, SetSide } from './common'
export type { MethodSpec } from './common'
export * from './classify'
export * from './finetune'
export * from './housekeeping'
export * from './import'
export * from './jobs'
export * from './labelling'
export * from './models'
export * from './preference-data'
export * from './projects'
export * from './real-finetune'
export * from './refinement'
export * from './reports'
export * from './sample'
export * from './sandbox1d'
export * from './session'
export * from './team'
export * from './train'
export * from './workspace'

export const contract = {
  ...sessionMethods,
  ...projectMethods,
  ...importMethods,
  ...jobMethods,
  ...labellingMethods,
  ...refinementMethods,
  ...teamMethods,
  ...modelMethods,
  ...trainMethods,
  ...sampleMethods,
  ...sandbox1dMethods,
  ...classifyMethods,
  ...preferenceDataMethods,
  ...reportMethods,
  ...finetuneMethods,
  ...realFinetuneMethods,
  ...housekeepingMethods,
  ...workspaceMethods
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
  /** workspace_damaged: the database is damaged; the message names the problem and the backup to restore from. */
  code: 'bad_request' | 'not_found' | 'conflict' | 'forbidden' | 'unauthorized' | 'internal' | 'workspace_damaged'
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
