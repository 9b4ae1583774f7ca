// The error of one control or panel (issue 10, item 5): it is shown next to what caused it, in the
// user's words, and cleared when that panel's next call succeeds. A panel's error lives as long as the
// panel: screens are remounted on navigation, so an error never follows the user to another screen.
import type { ApiError, Result } from '@shared/contract'
import { userMessage, type WordingOptions } from './wording'

export class PanelError {
  message = $state<string | null>(null)

  /**
   * `onDamaged` takes a workspace_damaged answer away from the panel: the app then shows one damaged
   * panel instead (AppStore.panelError passes it), since no panel can fix a damaged workspace.
   */
  constructor(
    private readonly wording: WordingOptions = {},
    private readonly onDamaged?: (error: ApiError) => void
  ) {}

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
    if (typeof error !== 'string' && error.code === 'workspace_damaged' && this.onDamaged) {
      this.message = null
      return this.onDamaged(error)
    }
    this.message = userMessage(error, this.wording)
  }

  clear = (): void => {
    this.message = null
  }
}
