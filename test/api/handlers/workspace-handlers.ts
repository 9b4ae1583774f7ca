// Handlers over a bare workspace for tests of methods that start no import and cancel no job:
// those collaborators throw, so a test that reaches one fails loudly instead of passing vacuously.
import { contract, type MethodName, type Output } from '@shared/contract'
import { dispatch, type CallContext, type Handlers } from '../../../src-main/core/api/dispatch'
import type { Workspace } from '../../../src-main/core/store/open'
import { createHandlers } from '../../../src-main/core/api/handlers/handlers'

export function workspaceOnlyHandlers(ws: Workspace): { handlers: Handlers; owner: CallContext } {
  const refuse = () => {
    throw new Error('not used')
  }
  return {
    handlers: createHandlers({ ws, imports: { start: refuse, report: refuse }, jobs: { cancel: refuse } }),
    owner: { annotatorId: ws.annotators.owner().id, scope: 'owner' }
  }
}

/**
 * `call` (unwraps an answer, checked against the contract) and `failure` (the error of a call that
 * must fail) through the real dispatcher; `current` gives the handlers and owner of the running test.
 */
export function apiCallers(current: () => { handlers: Handlers; owner: CallContext }) {
  return {
    async call<M extends MethodName>(method: M, payload: unknown, ctx: CallContext = current().owner): Promise<Output<M>> {
      const result = await dispatch(current().handlers, method, payload, ctx, { checkOutputs: true })
      if (!result.ok) throw new Error(`${result.error.code}: ${result.error.message}`)
      return contract[method].output.parse(result.value) as Output<M>
    },
    async failure(method: MethodName, payload: unknown, ctx: CallContext = current().owner) {
      const result = await dispatch(current().handlers, method, payload, ctx)
      if (result.ok) throw new Error(`${method} unexpectedly succeeded`)
      return result.error
    }
  }
}
