// State of the 1-D sandbox screen: the form, one run in flight at a time, its elapsed time (the call
// is one request of a few seconds with no progress events, so elapsed time is the honest progress),
// the last result, and the error of the last attempt.
import type { Output } from '@shared/contract'
import type { ApiClient } from '../api'
import { checkForm, DEFAULTS, type FormValues, type Preset, type Sandbox1dRequest } from './settings'
import { userMessage } from '../errors/wording'

export type Sandbox1dResult = Output<'sandbox1d.run'>

export class SandboxRun {
  form = $state<FormValues>({ ...DEFAULTS })
  busy = $state(false)
  elapsedMs = $state(0)
  error = $state<string | null>(null)
  result = $state.raw<Sandbox1dResult | null>(null)
  /** The request that produced `result` (for file names and the caption). */
  shown = $state.raw<Sandbox1dRequest | null>(null)
  /** Bumped per finished run so tests and screen readers can tell a new result from the old. */
  runs = $state(0)

  readonly checked = $derived(checkForm(this.form))
  private timer: ReturnType<typeof setInterval> | null = null

  constructor(private readonly api: ApiClient) {}

  apply = (preset: Preset): void => {
    this.form = { ...this.form, ...preset.settings }
  }

  run = async (): Promise<void> => {
    if (this.busy) return
    const checked = this.checked
    if (!checked.ok) {
      this.error = checked.errors.join(' ')
      return
    }
    this.busy = true
    this.error = null
    const started = performance.now()
    this.elapsedMs = 0
    this.timer = setInterval(() => (this.elapsedMs = performance.now() - started), 100)
    try {
      const r = await this.api.call('sandbox1d.run', checked.request)
      if (r.ok) {
        this.result = r.value
        this.shown = checked.request
        this.runs++
      } else {
        this.error = userMessage(r.error)
      }
    } finally {
      this.stopTimer()
      this.elapsedMs = performance.now() - started
      this.busy = false
    }
  }

  stop = (): void => this.stopTimer()

  private stopTimer(): void {
    if (this.timer !== null) clearInterval(this.timer)
    this.timer = null
  }
}
