// The error a handler or a feature throws on purpose; its message is shown to the user. It lives in a
// leaf so that features, jobs and the store can throw it without importing the API layer above them
// (ARCHITECTURE.md §Layer rules); api/dispatch.ts turns it into an ApiError.
import type { ApiError } from '@shared/contract'

/** An error a handler throws on purpose; its message is shown to the user. */
export class ApiFailure extends Error {
  constructor(
    readonly code: ApiError['code'],
    message: string
  ) {
    super(message)
  }
}
