// Background jobs (import, train, sample, classify, acquire, export, audit): their states and progress.
import { z } from 'zod'
import { JOB_STATES } from '../job-states'
import { Id, method } from './common'

export const JobKind = z.enum(['import', 'train', 'sample', 'classify', 'acquire', 'export', 'audit'])
export const JobState = z.enum(JOB_STATES)
export const Job = z.object({
  id: Id,
  projectId: Id.nullable(),
  kind: JobKind,
  state: JobState,
  done: z.number().int().nonnegative(),
  total: z.number().int().nonnegative(),
  message: z.string(),
  error: z.string().nullable(),
  /** Per project and kind ("fine-tune 2"), never reused; and the name a person gave it, if any. */
  number: z.number().int().positive(),
  name: z.string().min(1).max(200).nullable(),
  createdAt: z.string(),
  updatedAt: z.string()
})
export type Job = z.infer<typeof Job>

export const jobMethods = {
  'jobs.list': method(z.object({ projectId: Id.optional() }).strict(), z.array(Job)),
  'jobs.get': method(z.object({ jobId: Id }).strict(), Job),
  'jobs.cancel': method(z.object({ jobId: Id }).strict(), Job)
} as const
