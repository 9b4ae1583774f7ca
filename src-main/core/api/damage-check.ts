// Every handler, seen through the workspace's health (issue 11, finding 9): the first SQLite
// corruption error any call meets puts the workspace in the damaged state, and from then on every
// call but the two that lead out of it answers `workspace_damaged` with the problem and the way out,
// instead of each screen failing in turn with "database disk image is malformed".
import type { MethodName } from '@shared/contract'
import type { WorkspaceHealth } from '../store/damage'
import { ApiFailure, type CallContext, type Handlers } from './dispatch'

/** Answered while damaged: they report the state and restore the workspace. */
export const DAMAGE_EXEMPT: ReadonlySet<MethodName> = new Set<MethodName>(['workspace.health', 'workspace.restore'])

export function withDamageCheck(handlers: Handlers, health: WorkspaceHealth, message: () => string): Handlers {
  const wrapped: Record<string, unknown> = {}
  for (const name of Object.keys(handlers) as MethodName[]) {
    const handler = handlers[name] as (input: unknown, ctx: CallContext) => unknown
    if (DAMAGE_EXEMPT.has(name)) {
      wrapped[name] = handler
      continue
    }
    wrapped[name] = async (input: unknown, ctx: CallContext) => {
      if (health.damage) throw new ApiFailure('workspace_damaged', message())
      try {
        return await handler(input, ctx)
      } catch (err) {
        if (health.observe(err)) throw new ApiFailure('workspace_damaged', message())
        throw err
      }
    }
  }
  return wrapped as Handlers
}
