// Follows one fine-tuning run on the Fine-tune screen: starts it, mirrors its job.progress events,
// and polls finetune.metrics for the three curves. Pause, resume and cancel are the training job's.
import type { FinetuneMetrics, Input, Job } from '@shared/contract'
import type { ApiClient } from '../api'

const POLL_MS = 700
const FINAL_STATES: ReadonlySet<Job['state']> = new Set(['done', 'failed', 'cancelled'])

export class FinetuneRun {
  job = $state<Job | null>(null)
  metrics = $state<FinetuneMetrics | null>(null)
  error = $state<string | null>(null)
  busy = $state(false)

  readonly active = $derived(this.job !== null && !FINAL_STATES.has(this.job.state))
  readonly paused = $derived(this.job?.state === 'paused')

  private unsubscribe: (() => void) | null = null
  private poll: ReturnType<typeof setInterval> | null = null
  private extraPolls = 0

  constructor(
    private readonly api: ApiClient,
    /** Told when a run ends, so the runs table can refresh. */
    private readonly onFinished: () => void = () => {}
  ) {}

  follow = async (job: Job): Promise<void> => {
    this.stop()
    this.job = job
    this.metrics = null
    this.extraPolls = 0
    this.unsubscribe = this.api.onEvent('job.progress', (j) => {
      if (this.job && j.id === this.job.id) this.job = j
    })
    this.poll = setInterval(() => void this.refresh(), POLL_MS)
    await this.refresh()
  }

  start = async (input: Input<'finetune.start'>): Promise<void> => {
    this.error = null
    this.busy = true
    const started = await this.api.call('finetune.start', input)
    this.busy = false
    if (!started.ok) {
      this.error = started.error.message
      return
    }
    await this.follow(started.value)
  }

  private control = async (method: 'train.pause' | 'train.resume' | 'train.cancel'): Promise<void> => {
    if (!this.job) return
    this.error = null
    this.busy = true
    const r = await this.api.call(method, { jobId: this.job.id })
    this.busy = false
    if (!r.ok) this.error = r.error.message
    else this.job = r.value
    await this.refresh()
  }

  pause = (): Promise<void> => this.control('train.pause')
  resume = (): Promise<void> => this.control('train.resume')
  cancel = (): Promise<void> => this.control('train.cancel')

  refresh = async (): Promise<void> => {
    const job = this.job
    if (!job) return
    const [m, j] = await Promise.all([this.api.call('finetune.metrics', { jobId: job.id }), this.api.call('jobs.get', { jobId: job.id })])
    if (this.job?.id !== job.id) return
    if (m.ok) this.metrics = m.value
    if (j.ok) this.job = j.value
    // A cancelled run writes its last checkpoint just after the job turns final: keep polling a few
    // more times until the checkpoint has caught up with the step reached.
    const settled = m.ok && (m.value.checkpoint?.step === m.value.step || ++this.extraPolls > 10)
    if (j.ok && FINAL_STATES.has(j.value.state) && this.poll && settled) {
      clearInterval(this.poll)
      this.poll = null
      if (j.value.state === 'failed' && j.value.error) this.error = j.value.error
      this.onFinished()
    }
  }

  stop = (): void => {
    this.unsubscribe?.()
    this.unsubscribe = null
    if (this.poll) clearInterval(this.poll)
    this.poll = null
  }
}
