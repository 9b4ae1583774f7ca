// A real studio on a temporary workspace for the engine-service tests, with fast progress reports.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Input, Job, MethodName, Output } from '@shared/contract'
import { contract } from '@shared/contract'
import type { CallContext } from '../../src-main/core/api/dispatch'
import { openStudio, type Studio, type StudioEngineOptions } from '../../src-main/core/studio'

export interface TestStudio {
  studio: Studio
  call<M extends MethodName>(method: M, input: Input<M>): Promise<Output<M>>
  events: Job[]
  close(): Promise<void>
}

export function tempRoot(prefix: string): { dir: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), prefix))
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) }
}

export async function open(workspaceDir: string, engine: StudioEngineOptions = {}): Promise<TestStudio> {
  const studio = await openStudio({ workspaceDir, log: () => {}, engine: { progressIntervalMs: 30, baseModelDir: join(workspaceDir, 'no-base'), ...engine } })
  const ctx: CallContext = (await studio.verifyToken(studio.ownerToken))!
  const events: Job[] = []
  studio.onEvent((_name, job) => events.push(job))
  return {
    studio,
    events,
    // Through the contract's schemas, as both transports call it (defaults filled, bad input refused).
    async call(method, input) {
      const parsed = contract[method].input.parse(input)
      const handler = studio.handlers[method] as (i: unknown, c: CallContext) => unknown
      return (await handler(parsed, ctx)) as never
    },
    close: () => studio.close()
  }
}

export async function waitFor<T>(what: string, probe: () => T | Promise<T>, timeoutMs = 40_000): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const v = await probe()
    if (v) return v as NonNullable<T>
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 25))
  }
}

export const FINAL: ReadonlySet<Job['state']> = new Set(['done', 'failed', 'cancelled'])
