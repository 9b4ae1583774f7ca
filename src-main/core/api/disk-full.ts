// A full disk, said in the user's words. When the disk under the workspace fills up, SQLite and the
// file writes fail in ways that name the symptom, not the cause (a job row that was never kept answers
// "job 2 does not exist"). Every handler failure is therefore checked against the free space of the
// workspace's disk: when it is (nearly) full, the user is told that, and what to do.
import { statfsSync } from 'node:fs'
import type { MethodName } from '@shared/contract'
import { ApiFailure, type CallContext, type Handlers } from './dispatch'

/** Below this many free bytes the disk counts as full (a job row, a WAL frame or a thumbnail no longer fits). */
export const DISK_FULL_BYTES = 1024 * 1024

/** Free bytes for unprivileged writers on the disk holding `dir`, or null when it cannot be read. */
export function freeBytes(dir: string): number | null {
  try {
    const s = statfsSync(dir)
    return Number(s.bavail) * Number(s.bsize)
  } catch {
    return null
  }
}

function isDiskFullError(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code
  return code === 'ENOSPC' || code === 'SQLITE_FULL'
}

export function diskFullMessage(dir: string, free: number | null): string {
  const left = free === null ? '' : ` (${Math.max(0, Math.floor(free / 1024))} KB left)`
  return `the disk holding the workspace ${dir} is full${left}: free some space there and try again`
}

/** Wraps every handler so a failure caused by a full disk says so. */
export function withDiskFullCheck(handlers: Handlers, workspaceDir: string, free: (dir: string) => number | null = freeBytes): Handlers {
  const wrapped: Record<string, unknown> = {}
  for (const name of Object.keys(handlers) as MethodName[]) {
    const handler = handlers[name] as (input: unknown, ctx: CallContext) => unknown
    wrapped[name] = async (input: unknown, ctx: CallContext) => {
      try {
        return await handler(input, ctx)
      } catch (err) {
        // A refusal on purpose (bad input, no such project) stays as it is unless the disk caused it.
        const bytes = free(workspaceDir)
        if (isDiskFullError(err) || (bytes !== null && bytes < DISK_FULL_BYTES)) throw new ApiFailure('internal', diskFullMessage(workspaceDir, bytes))
        throw err
      }
    }
  }
  return wrapped as Handlers
}
