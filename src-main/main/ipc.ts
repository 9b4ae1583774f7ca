// The one IPC channel, `api:invoke`: sender check, then dispatch() (which parses the payload against
// the contract and checks scope). Electron-free apart from types so it is unit-tested under Node.
import type { Result } from '@shared/contract'
import { dispatch, type CallContext, type DispatchOptions, type Handlers } from '../core/api/dispatch'
import { validateSender } from './security/sender'
import { APP_ORIGIN } from './security/urls'

/** The parts of IpcMainInvokeEvent we read. */
export interface InvokeEventLike {
  senderFrame: { url: string; parent: unknown } | null
}

export function createInvokeHandler(opts: {
  handlers: Handlers
  /** The desktop user is the workspace owner. */
  owner: CallContext
  trusted?: readonly string[]
  log?: (line: string) => void
  /** Passed to dispatch(); the app leaves it off, tests switch `checkOutputs` on. */
  dispatch?: DispatchOptions
}): (event: InvokeEventLike, method: unknown, input: unknown) => Promise<Result<unknown>> {
  const trusted = opts.trusted ?? [APP_ORIGIN]
  return async (event, method, input) => {
    const frame = event.senderFrame
    if (!frame || !validateSender({ url: frame.url, isMainFrame: frame.parent === null }, trusted)) {
      opts.log?.(`refused IPC from ${String(frame?.url).slice(0, 200)}`)
      return { ok: false, error: { code: 'forbidden', message: 'IPC sender is not the studio window' } }
    }
    if (typeof method !== 'string' || method.length > 100) {
      return { ok: false, error: { code: 'bad_request', message: 'method name must be a string' } }
    }
    return dispatch(opts.handlers, method, input, opts.owner, opts.dispatch)
  }
}
