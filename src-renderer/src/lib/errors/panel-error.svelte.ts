// The error of one control or panel (issue 10, item 5): it is shown next to what caused it, in the
// user's words, and cleared when that panel's next call succeeds. A panel's error lives as long as the
// panel: screens are remounted on navigation, so an error never follows the user to another screen.
import type { ApiError, Result } from '@shared/contract'
import { userMessage, type WordingOptions } from './wording'

export class PanelError {
  message = $state<string | null>(null)

  constructor(private readonly wording: WordingOptions = {}) {}

  /** True (narrowing the result) when it is ok, which also clears the panel's error; else shows it. */
  check = <T>(result: Result<T>): result is { ok: true; value: T } => {
    if (result.ok) {
      this.message = null
      return true
    }
    this.show(result.error)
    return false
  }

  show = (error: ApiError | string): void => {
    this.message = userMessage(error, this.wording)
  }

  clear = (): void => {
    this.message = null
  }
}
