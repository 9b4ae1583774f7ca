// Handlers over a bare workspace for tests of methods that start no import and cancel no job:
// those collaborators throw, so a test that reaches one fails loudly instead of passing vacuously.
import type { CallContext, Handlers } from '../../../src-main/core/api/dispatch'
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
