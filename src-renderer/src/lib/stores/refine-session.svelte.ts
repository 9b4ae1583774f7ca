// One MCMC refinement chain on screen (paper App. B): the pending swap, the judge's decision being
// saved, the log, the optional tally, and automatic runs. Like labelling, a decision carries an
// idempotency key and the step it was made for, and the next proposal appears only once the server
// has acknowledged it: a resend after a lost answer is stored once, a stale one is refused.
import type { McmcChain, McmcDecision, McmcLogEntry } from '@shared/contract'
import type { ApiClient } from '../api'
import { DECISION_TIMEOUT_MS, sendUntilAnswered, type ResendOptions } from '../resend'
import { percent } from '../refine/swap'
import type { SaveState } from './label-session.svelte'
import { userMessage } from '../errors/wording'

export interface RefineOptions {
  newKey?: () => string
  resend?: Pick<ResendOptions, 'delaysMs' | 'sleep' | 'untilCancelled'>
  /** Proposals the classifier judges per mcmc.runAuto call, so progress shows and Cancel is prompt. */
  autoBatch?: number
  /** How often the chain is re-read while its proposal (or starting set) is being sampled; default 1 s. */
  pollMs?: number
}

export interface AutoRun {
  running: boolean
  decided: number
  target: number
  note: string | null
}

const PAST: Record<McmcDecision, string> = { accept: 'Accepted', reject: 'Rejected', stop: 'Stopped' }

export class RefineSession {
  chain = $state<McmcChain | null>(null)
  log = $state<McmcLogEntry[]>([])
  loadError = $state<string | null>(null)
  save = $state<SaveState>({ kind: 'idle' })
  showTally = $state(false)
  helpOpen = $state(false)
  announcement = $state('')
  auto = $state<AutoRun>({ running: false, decided: 0, target: 0, note: null })
  loading = $state(false)

  readonly busy = $derived(this.loading || this.save.kind === 'saving' || this.auto.running)
  /** True when a person may accept or reject right now. */
  readonly canJudge = $derived(this.chain?.state === 'running' && this.chain.proposal !== null && this.chain.awaiting === 'human')

  private pending: { chainId: number; decision: McmcDecision; step: number; idempotencyKey: string } | null = null
  private saveSeq = 0
  private cancelAuto = false
  private disposed = false
  private readonly newKey: () => string
  private readonly resend: Pick<ResendOptions, 'delaysMs' | 'sleep' | 'untilCancelled'>
  private readonly autoBatch: number
  private readonly pollMs: number
  private pollTimer: ReturnType<typeof setTimeout> | null = null

  constructor(
    private readonly api: ApiClient,
    readonly chainId: number,
    options: RefineOptions = {}
  ) {
    this.newKey = options.newKey ?? (() => crypto.randomUUID())
    // Until the screen closes: a decision held while the studio restarts is sent once it is back.
    this.resend = options.resend ?? { untilCancelled: true }
    this.autoBatch = options.autoBatch ?? 10
    this.pollMs = options.pollMs ?? 1000
  }

  /** True while the server is sampling the chain's next proposal or its starting set. */
  get sampling(): boolean {
    return this.chain?.state === 'running' && this.chain.proposalPending === true
  }

  /** Shows a chain the server sent, and keeps re-reading it while its proposal is being sampled. */
  private show(chain: McmcChain): void {
    this.chain = chain
    this.schedulePoll()
  }

  private schedulePoll(): void {
    if (this.disposed || this.pollTimer !== null || !this.sampling) return
    this.pollTimer = setTimeout(() => {
      this.pollTimer = null
      void this.poll()
    }, this.pollMs)
  }

  /** One re-read while sampling; a decision or automatic run in flight answers with the chain itself. */
  private poll = async (): Promise<void> => {
    if (this.disposed || !this.sampling) return
    if (this.save.kind === 'saving' || this.auto.running || this.loading) {
      this.schedulePoll()
      return
    }
    const before = this.chain
    const got = await this.api.call('mcmc.get', { chainId: this.chainId, tally: this.showTally })
    if (this.disposed) return
    // Apply only if nothing newer arrived meanwhile (a decision answered while this read was out).
    if (got.ok && this.chain === before) {
      this.show(got.value)
      if (!got.value.proposalPending) {
        this.announcement = got.value.proposal ? 'The sampled proposal is ready.' : 'Sampling finished.'
        await this.loadLog()
      }
      return
    }
    this.schedulePoll()
  }

  get hasUnsaved(): boolean {
    return this.pending !== null
  }

  dispose = (): void => {
    this.disposed = true
    this.cancelAuto = true
    if (this.pollTimer !== null) clearTimeout(this.pollTimer)
    this.pollTimer = null
  }

  load = async (): Promise<void> => {
    this.loading = true
    const got = await this.api.call('mcmc.get', { chainId: this.chainId, tally: this.showTally })
    this.loading = false
    if (!got.ok) {
      this.loadError = userMessage(got.error)
      return
    }
    this.loadError = null
    this.show(got.value)
    await this.loadLog()
  }

  private loadLog = async (): Promise<void> => {
    const log = await this.api.call('mcmc.log', { chainId: this.chainId })
    if (log.ok) this.log = log.value
  }

  /** Re-reads the chain with its tally when the tally is shown (decisions answer without one). */
  private refreshTally = async (): Promise<void> => {
    if (!this.showTally) return
    const got = await this.api.call('mcmc.get', { chainId: this.chainId, tally: true })
    if (got.ok) this.show(got.value)
  }

  decide = async (decision: McmcDecision): Promise<void> => {
    const chain = this.chain
    if (!chain || chain.state !== 'running' || this.busy) return
    if (decision !== 'stop' && !this.canJudge) return
    if (this.pending) {
      this.save = { kind: 'error', message: 'The last decision is not saved yet: retry it first.' }
      return
    }
    this.pending = { chainId: chain.id, decision, step: chain.step, idempotencyKey: this.newKey() }
    await this.send()
  }

  retry = async (): Promise<void> => {
    if (!this.pending || this.save.kind === 'saving') return
    await this.send()
  }

  private send = async (): Promise<void> => {
    const input = this.pending
    if (!input) return
    this.save = { kind: 'saving' }
    const result = await sendUntilAnswered(() => this.api.call('mcmc.decide', input, { timeoutMs: DECISION_TIMEOUT_MS }), {
      ...this.resend,
      cancelled: () => this.disposed,
      onResend: (attempt) => {
        this.save = { kind: 'saving', resend: attempt }
        if (attempt === 1) this.announcement = 'Connection lost. The decision is kept and sent again until the studio answers.'
      }
    })
    if (!result.ok) {
      if (result.error.code === 'conflict') {
        // The step was decided elsewhere (another window, or the chain finished): show the chain as it is now.
        this.pending = null
        this.save = { kind: 'error', message: userMessage(result.error) }
        this.announcement = `Not applied: ${userMessage(result.error)}`
        await this.load()
        return
      }
      this.save = { kind: 'error', message: userMessage(result.error) }
      this.announcement = `Not saved: ${userMessage(result.error)}`
      return
    }
    this.pending = null
    this.show(result.value)
    this.save = { kind: 'saved', seq: ++this.saveSeq }
    this.announcement = this.describe(input.decision, result.value)
    await Promise.all([this.loadLog(), this.refreshTally()])
  }

  private describe(decision: McmcDecision, chain: McmcChain): string {
    if (decision === 'stop') return `Stopped after ${chain.accepted + chain.rejected} decisions. The set is saved as a new set of the prompt.`
    const next = chain.proposal ? 'Next proposal shown.' : 'No image left to propose: stop the chain.'
    return `${PAST[decision]}. Saved. Step ${chain.step}, acceptance rate ${percent(chain.acceptanceRate)}. ${next}`
  }

  toggleTally = async (): Promise<void> => {
    this.showTally = !this.showTally
    if (this.showTally) await this.refreshTally()
    this.announcement = this.showTally ? 'Attribute tally shown.' : 'Attribute tally hidden.'
  }

  /** Lets the classifier judge up to `steps` proposals, a batch at a time; stops for a person's turn. */
  runAuto = async (steps: number, stopAtEnd: boolean): Promise<void> => {
    if (!this.chain || this.busy) return
    this.cancelAuto = false
    this.auto = { running: true, decided: 0, target: steps, note: null }
    let note: string | null = null
    while (this.auto.decided < steps && !this.cancelAuto) {
      const batch = Math.min(this.autoBatch, steps - this.auto.decided)
      const last = this.auto.decided + batch >= steps
      const result = await this.api.call('mcmc.runAuto', { chainId: this.chainId, maxSteps: batch, stopAtEnd: stopAtEnd && last })
      if (!result.ok) {
        note = `Stopped: ${userMessage(result.error)}`
        break
      }
      this.chain = result.value.chain
      this.auto = { ...this.auto, decided: this.auto.decided + result.value.decided }
      if (result.value.needsHuman) {
        note = 'The classifier cannot see this proposal: a person must judge it.'
        break
      }
      if (result.value.chain.state === 'finished' || !result.value.chain.proposal || result.value.decided === 0) break
    }
    if (this.cancelAuto && !note) note = 'Cancelled.'
    this.auto = { ...this.auto, running: false, note }
    this.schedulePoll()
    this.announcement = `Automatic judge decided ${this.auto.decided} proposals. ${note ?? ''}`.trim()
    await Promise.all([this.loadLog(), this.refreshTally()])
  }

  stopAuto = (): void => {
    this.cancelAuto = true
  }
}
