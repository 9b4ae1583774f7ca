// One annotator's labelling session on a project: the pair on screen, the decision being saved, the
// progress, and what the screen reader hears. Every decision goes to the server the moment it is made;
// the next pair is shown only once the server has acknowledged it, so "Saved" always means stored.
import type { Criterion, Input, PairTask, Progress } from '@shared/contract'
import type { ApiClient } from '../api'
import { labelActionForKey, type KeyLike, type ScreenChoice } from '../label-keys'
import { choiceForScreen, describeChoice } from '../sides'
import { DECISION_TIMEOUT_MS, sendUntilAnswered, type ResendOptions } from '../resend'
import { userMessage } from '../errors/wording'

export type SaveState =
  | { kind: 'idle' }
  /** `resend` counts automatic resends after the connection dropped (absent on the first try). */
  | { kind: 'saving'; resend?: number }
  | { kind: 'saved'; seq: number }
  | { kind: 'error'; message: string }

export interface LabelSessionOptions {
  criterion?: Criterion
  now?: () => number
  newKey?: () => string
  /** How unanswered decisions are resent (tests shorten the waits). */
  resend?: Pick<ResendOptions, 'delaysMs' | 'sleep' | 'untilCancelled'>
}

export class LabelSession {
  task = $state<PairTask | null>(null)
  /** True once the server says there is no unlabelled pair left. */
  finished = $state(false)
  loading = $state(false)
  loadError = $state<string | null>(null)
  save = $state<SaveState>({ kind: 'idle' })
  progress = $state<Progress>({ done: 0, total: 0 })
  announcement = $state('')
  helpOpen = $state(false)
  historyOpen = $state(false)
  /** Decisions the server acknowledged in this session (newest last); undo removes the last one. */
  acknowledged = $state<Array<{ pairId: number; judgementId: number; choice: ScreenChoice }>>([])

  readonly busy = $derived(this.loading || this.save.kind === 'saving')
  /** A decision that reached no acknowledgement and waits for Retry (same idempotency key). */
  /** Counts acknowledgements in this session (never goes down, even on undo): "Saved" #n. */
  private saveSeq = 0
  private pending: Input<'label.judge'> | null = null
  private pendingChoice: ScreenChoice | null = null
  private shownAt = 0
  private readonly criterion: Criterion
  private readonly now: () => number
  private readonly newKey: () => string
  private readonly resend: Pick<ResendOptions, 'delaysMs' | 'sleep' | 'untilCancelled'>
  private disposed = false

  constructor(
    private readonly api: ApiClient,
    readonly projectId: number,
    options: LabelSessionOptions = {}
  ) {
    this.criterion = options.criterion ?? 'fairness'
    this.now = options.now ?? (() => performance.now())
    this.newKey = options.newKey ?? (() => crypto.randomUUID())
    // Until the screen closes: a decision held while the studio restarts is sent once it is back.
    this.resend = options.resend ?? { untilCancelled: true }
  }

  /** The screen closed: stop resending (an unacknowledged decision stays unsaved, never half-saved). */
  dispose = (): void => {
    this.disposed = true
  }

  get hasUnsaved(): boolean {
    return this.pending !== null
  }

  start = async (): Promise<void> => {
    await this.loadNext()
  }

  /** The decision send or pair load under way, so that an undo pressed meanwhile can wait for it. */
  private inFlight: Promise<void> = Promise.resolve()

  private track = (work: Promise<void>): Promise<void> => {
    this.inFlight = work
    return work
  }

  private loadNext = (): Promise<void> => this.track(this.fetchNext())

  private fetchNext = async (): Promise<void> => {
    this.loading = true
    this.loadError = null
    // Paired with 'label:pair-painted' (LabelScreen) to time a pair from request to pixels.
    performance.mark('label:pair-requested')
    const next = await this.api.call('label.next', { projectId: this.projectId, criterion: this.criterion })
    this.loading = false
    if (!next.ok) {
      this.loadError = userMessage(next.error)
      return
    }
    this.task = next.value
    this.finished = next.value === null
    if (next.value) {
      this.progress = next.value.progress
      this.shownAt = this.now()
    } else {
      const progress = await this.api.call('label.progress', { projectId: this.projectId, criterion: this.criterion })
      if (progress.ok) this.progress = progress.value
    }
  }

  choose = async (choice: ScreenChoice): Promise<void> => {
    const task = this.task
    if (!task || this.busy) return
    if (this.pending) {
      this.save = { kind: 'error', message: 'The last decision is not saved yet: retry it first.' }
      return
    }
    this.pending = {
      pairId: task.pair.id,
      criterion: this.criterion,
      choice: choiceForScreen(task.shownLeft, choice),
      shownLeft: task.shownLeft,
      responseMs: Math.max(0, Math.round(this.now() - this.shownAt)),
      idempotencyKey: this.newKey()
    }
    this.pendingChoice = choice
    await this.track(this.send())
  }

  /** Sends the unacknowledged decision again; the server stores it once thanks to its key. */
  retry = async (): Promise<void> => {
    if (!this.pending || this.save.kind === 'saving') return
    await this.track(this.send())
  }

  private send = async (): Promise<void> => {
    const input = this.pending
    const choice = this.pendingChoice
    if (!input || !choice) return
    this.save = { kind: 'saving' }
    // The same input, key included, goes out each time: the server stores the decision once.
    const result = await sendUntilAnswered(() => this.api.call('label.judge', input, { timeoutMs: DECISION_TIMEOUT_MS }), {
      ...this.resend,
      cancelled: () => this.disposed,
      onResend: (attempt) => {
        this.save = { kind: 'saving', resend: attempt }
        if (attempt === 1) this.announcement = 'Connection lost. The decision is kept and sent again until the studio answers.'
      }
    })
    if (!result.ok) {
      this.save = { kind: 'error', message: userMessage(result.error) }
      this.announcement = `Not saved: ${userMessage(result.error)}`
      return
    }
    this.pending = null
    this.pendingChoice = null
    this.acknowledged = [...this.acknowledged, { pairId: input.pairId, judgementId: result.value.judgement.id, choice }]
    this.progress = result.value.progress
    this.save = { kind: 'saved', seq: ++this.saveSeq }
    this.announcement = `${describeChoice(choice)}. Saved, ${this.progress.done} of ${this.progress.total}.`
    await this.loadNext()
  }

  undo = async (): Promise<void> => {
    // Pressed right after a decision, while it is saved or the next pair loads ("oops"): wait for
    // that, then undo it, rather than dropping the key.
    if (this.busy) await this.inFlight
    if (this.busy) return
    if (this.pending) {
      // Nothing reached the server, so undoing means dropping the unsaved decision.
      this.pending = null
      this.pendingChoice = null
      this.save = { kind: 'idle' }
      this.announcement = 'Unsaved decision dropped.'
      return
    }
    this.loading = true
    // Name the decision being undone, so a retried undo cannot take back a second one.
    const last = this.acknowledged.at(-1)
    const result = await this.api.call('label.undo', { projectId: this.projectId, criterion: this.criterion, ...(last ? { judgementId: last.judgementId } : {}) })
    this.loading = false
    if (!result.ok) {
      this.save = { kind: 'error', message: userMessage(result.error) }
      return
    }
    this.progress = result.value.progress
    const undone = result.value.undone
    if (!undone) {
      this.announcement = 'Nothing to undo.'
      return
    }
    this.acknowledged = this.acknowledged.filter((d) => d.judgementId !== undone.id)
    this.save = { kind: 'idle' }
    this.announcement = `Undone. ${this.progress.done} of ${this.progress.total}.`
    await this.loadNext()
  }

  toggleHelp = (): void => {
    this.helpOpen = !this.helpOpen
  }

  /** Handles a key press on the labelling screen; returns true when the key was ours. */
  handleKey = (event: KeyLike): boolean => {
    const action = labelActionForKey(event)
    if (!action) return false
    if (action.kind === 'help') this.toggleHelp()
    else if (action.kind === 'history') this.historyOpen = !this.historyOpen
    else if (action.kind === 'undo') void this.undo()
    else void this.choose(action.choice)
    return true
  }
}
