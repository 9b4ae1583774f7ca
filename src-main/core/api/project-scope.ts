// Annotator scope by project (issue 11, finding 6). An invited annotator may reach only the projects
// the invite named; every annotate-scope call is traced to its project (by projectId, or through the
// pair, judgement or chain it names) and refused otherwise. A method this table does not know is
// refused for restricted callers, so a new annotate method cannot silently skip the check.
import { contract, type MethodName } from '@shared/contract'
import type { ProjectOf } from '../store/repos/project-of'
import { ApiFailure, type CallContext, type Handlers } from './dispatch'

type Resolver = (input: Record<string, unknown>, projectOf: ProjectOf) => number | null

const byKey: Record<string, Resolver> = {
  projectId: (i) => i.projectId as number,
  pairId: (i, p) => p.pair(i.pairId as number),
  judgementId: (i, p) => p.judgement(i.judgementId as number),
  chainId: (i, p) => p.chain(i.chainId as number),
  imageId: (i, p) => p.image(i.imageId as number)
}

/** Methods that name no project: who am I, and the project list (filtered to the caller's). */
const PROJECT_FREE = new Set<MethodName>(['session.whoami', 'projects.list'])

/** True when the caller may reach `projectId`: the owner always, an annotator only where invited. */
export function allowsProject(ctx: Pick<CallContext, 'projects'>, projectId: number | null): boolean {
  if (ctx.projects === null || ctx.projects === undefined) return true
  return projectId !== null && ctx.projects.includes(projectId)
}

function refuse(): never {
  // The same answer for another project's row and for one that does not exist: an annotator learns
  // nothing about projects they were not invited to.
  throw new ApiFailure('forbidden', 'your invite does not cover this project; ask the project owner to invite you to it')
}

/** The projects a call touches, or 'unknown' when the method is not traced here. */
function projectsOfCall(method: MethodName, input: Record<string, unknown>, projectOf: ProjectOf): Array<number | null> | 'unknown' {
  const found = Object.keys(byKey)
    .filter((key) => input[key] !== undefined)
    .map((key) => byKey[key](input, projectOf))
  if (found.length > 0) return found
  return PROJECT_FREE.has(method) ? [] : 'unknown'
}

export function withProjectScope(handlers: Handlers, projectOf: ProjectOf): Handlers {
  const scoped: Record<string, unknown> = {}
  for (const name of Object.keys(handlers) as MethodName[]) {
    const handler = handlers[name] as (input: unknown, ctx: CallContext) => unknown
    scoped[name] = async (input: Record<string, unknown>, ctx: CallContext) => {
      if (ctx.projects === null || ctx.projects === undefined) return handler(input, ctx)
      // Owner-only methods are refused by dispatch before this; refuse them again should a caller
      // reach a handler directly.
      if (contract[name].scope === 'owner') refuse()
      const touched = projectsOfCall(name, input, projectOf)
      if (touched === 'unknown' || !touched.every((id) => allowsProject(ctx, id))) refuse()
      const value = await handler(input, ctx)
      if (name === 'projects.list') return (value as Array<{ id: number }>).filter((p) => allowsProject(ctx, p.id))
      return value
    }
  }
  return scoped as Handlers
}
