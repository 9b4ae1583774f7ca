// Turns an untrusted (method, payload) pair into a typed handler call. Both transports (Electron IPC
// and serve mode) go through here, so validation and scope checks live in exactly one place.
import { contract, isMethodName, type ApiError, type MethodName, type Output, type ParsedInput, type Result, type Scope } from '@shared/contract'
import { ApiFailure } from '../errors/api-failure'

export interface CallContext {
  annotatorId: number
  scope: Scope
  /** The projects an invited annotator may reach (core/api/project-scope.ts); null or absent: every project (the owner). */
  projects?: readonly number[] | null
}

export type Handlers = {
  [M in MethodName]: (input: ParsedInput<M>, ctx: CallContext) => Output<M> | Promise<Output<M>>
}

export { ApiFailure } from '../errors/api-failure'

export interface DispatchOptions {
  /**
   * Check every handler's output against the method's output schema and answer `internal` when it
   * does not match. Off in production: the outputs are built by the core's own typed code, and
   * parsing every large list again would cost each call; tests switch it on so that a handler that
   * drifts from the contract fails there. The value passed on is the handler's own, never the parsed
   * copy, so switching the check on changes no answer that matches.
   */
  checkOutputs?: boolean
}

export async function dispatch(handlers: Handlers, method: string, payload: unknown, ctx: CallContext, options: DispatchOptions = {}): Promise<Result<unknown>> {
  if (!isMethodName(method)) return fail('not_found', `unknown method "${method.slice(0, 80)}"`)
  const spec = contract[method]
  if (spec.scope === 'owner' && ctx.scope !== 'owner') return fail('forbidden', `"${method}" is not allowed for annotator sessions`)
  const parsed = spec.input.safeParse(payload ?? {})
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    const where = issue?.path.length ? issue.path.join('.') : 'input'
    return fail('bad_request', `${method}: ${where}: ${issue?.message ?? 'invalid input'}`)
  }
  try {
    const handler = handlers[method] as (input: unknown, ctx: CallContext) => unknown
    const value = await handler(parsed.data, ctx)
    if (options.checkOutputs) {
      const mismatch = outputMismatch(method, value)
      if (mismatch !== null) return fail('internal', mismatch)
    }
    return { ok: true, value }
  } catch (err) {
    if (err instanceof ApiFailure) return fail(err.code, err.message)
    const message = err instanceof Error ? err.message : String(err)
    return fail('internal', message)
  }
}

/** Why `value` is not a valid output of `method` (a sentence naming the first wrong field), or null when it is. */
export function outputMismatch(method: MethodName, value: unknown): string | null {
  const checked = contract[method].output.safeParse(value)
  if (checked.success) return null
  const issue = checked.error.issues[0]
  const where = issue?.path.length ? issue.path.join('.') : 'output'
  return `${method} returned an output that does not match the contract: ${where}: ${issue?.message ?? 'invalid output'}`
}

function fail(code: ApiError['code'], message: string): Result<never> {
  return { ok: false, error: { code, message } }
}
