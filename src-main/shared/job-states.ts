// The states of a background job, and which of them are final, defined once for the contract, the
// core and the renderer. Free of zod so the renderer can import it without the contract's schemas.
export const JOB_STATES = ['queued', 'running', 'paused', 'done', 'failed', 'cancelled'] as const
export type JobStateName = (typeof JOB_STATES)[number]

/** The states a job never leaves: whoever follows a job stops polling there and reads its result. */
export const FINAL_JOB_STATES: ReadonlySet<JobStateName> = new Set<JobStateName>(['done', 'failed', 'cancelled'])
export const isFinalJobState = (state: JobStateName): boolean => FINAL_JOB_STATES.has(state)
