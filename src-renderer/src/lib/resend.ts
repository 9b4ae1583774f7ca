// Resends a decision that got no answer. Every decision carries an idempotency key made when the
// user decided, so the server stores it once however many copies arrive; what this adds is that a
// dropped connection does not leave the decision waiting for the user to notice a Retry button.
import type { ApiError, Result } from '@shared/contract'
import { isUnanswered } from './api'

/**
 * How long one copy of a decision may go unanswered before it counts as lost and is resent (same
 * key). The studio stores a decision in milliseconds; this only ends waits on a dead connection.
 */
export const DECISION_TIMEOUT_MS = 15_000

/** Waits before each resend: short at first (a blip), then every few seconds (a restart). */
export const RESEND_DELAYS_MS: readonly number[] = [300, 700, 1500, 2000, 3000, 3000, 3000, 3000]

export interface ResendOptions {
  delaysMs?: readonly number[]
  sleep?: (ms: number) => Promise<void>
  /** Told before each resend, with its number (1 = the first resend). */
  onResend?: (attempt: number, error: ApiError) => void
  /** Checked before each resend: a closed screen stops resending (its decision shows as unsaved). */
  cancelled?: () => boolean
  /** Which failures are worth resending; by default those where no answer came back. */
  shouldResend?: (error: ApiError) => boolean
  /**
   * After the last wait, keep resending at that interval until answered or cancelled, instead of
   * giving up: a restarted studio can take minutes to come back, and the decision the user made
   * meanwhile must reach it then (issue 10, item 4). Screens that hold a decision turn this on.
   */
  untilCancelled?: boolean
}

const wait = (ms: number): Promise<void> => new Promise((done) => setTimeout(done, ms))

/**
 * Calls `send` until it is answered, or the delays run out. The same input (same key) must be sent
 * each time; this function never changes it. Answers that are errors (a refusal, a conflict) are
 * returned at once: resending cannot change them.
 */
export async function sendUntilAnswered<T>(send: () => Promise<Result<T>>, opts: ResendOptions = {}): Promise<Result<T>> {
  const delays = opts.delaysMs ?? RESEND_DELAYS_MS
  const sleep = opts.sleep ?? wait
  const shouldResend = opts.shouldResend ?? isUnanswered
  let result = await send()
  for (let attempt = 1; attempt <= delays.length || (opts.untilCancelled && delays.length > 0); attempt++) {
    if (result.ok || !shouldResend(result.error) || opts.cancelled?.()) return result
    opts.onResend?.(attempt, result.error)
    await sleep(delays[Math.min(attempt, delays.length) - 1])
    if (opts.cancelled?.()) return result
    result = await send()
  }
  return result
}
