// Preference fine-tuning from the command line, through the same studio core as the app: the run is
// a job in the workspace (visible in the app's Fine-tune screen), with the same immutable record,
// curves and checkpoints.
//
//   npx tsx src-main/cli/finetune.ts --workspace DIR --snapshot ID --base base|run:ID[@STEP]
//        --method popalign|dpo|sft [--preset paper-scaled|quick] [--steps N] [--beta B]
//        [--alpha A] [--lr LR] [--batch N] [--seed S] [--weighting constant|debias]
//        [--dropout P] [--checkpoint-every N] [--backend tfjs|onnxruntime]
//        [--provider auto|cuda|dml|coreml|cpu] [--base-dir DIR] [--out FILE.ckpt]
//   npx tsx src-main/cli/finetune.ts --workspace DIR --resume JOB_ID [--out FILE.ckpt]
//
// Prints one progress line per report. Ctrl-C stops at the next step with a checkpoint; the run
// continues with --resume JOB_ID (or when the app next opens the workspace).
import { copyFileSync, writeFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { contract, type FinetuneSettings, type Input, type Job, type MethodName, type Output } from '@shared/contract'
import { isFinalJobState } from '@shared/job-states'
import type { CallContext } from '../core/api/dispatch'
import { openStudio } from '../core/studio'
import { parseFlags } from './flags'
import { processConfig } from './process-config'

const VALUE_FLAGS = [
  'workspace',
  'snapshot',
  'base',
  'method',
  'preset',
  'steps',
  'beta',
  'alpha',
  'lr',
  'batch',
  'seed',
  'weighting',
  'dropout',
  'checkpoint-every',
  'backend',
  'provider',
  'base-dir',
  'out',
  'resume'
] as const
type Flag = (typeof VALUE_FLAGS)[number]

function parseArgs(argv: string[]): Partial<Record<Flag, string>> {
  return parseFlags(
    argv,
    { values: VALUE_FLAGS },
    `usage: finetune --workspace DIR --snapshot ID --base MODEL --method popalign|dpo|sft ${VALUE_FLAGS.slice(4)
      .map((f) => `[--${f} V]`)
      .join(' ')}`
  )
}

function num(args: Partial<Record<Flag, string>>, flag: Flag): number | undefined {
  const raw = args[flag]
  if (raw === undefined) return undefined
  const v = Number(raw)
  if (!Number.isFinite(v)) throw new Error(`--${flag} must be a number, got "${raw}"`)
  return v
}

function settingsFrom(args: Partial<Record<Flag, string>>): Partial<FinetuneSettings> {
  const s: Record<string, unknown> = {
    steps: num(args, 'steps'),
    beta: num(args, 'beta'),
    alpha: num(args, 'alpha'),
    learningRate: num(args, 'lr'),
    batchSize: num(args, 'batch'),
    seed: num(args, 'seed'),
    condDropout: num(args, 'dropout'),
    checkpointEvery: num(args, 'checkpoint-every'),
    weighting: args.weighting
  }
  return Object.fromEntries(Object.entries(s).filter(([, v]) => v !== undefined))
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2))
  if (!args.workspace) throw new Error('--workspace DIR is required')
  const studio = await openStudio({
    workspaceDir: resolve(args.workspace),
    config: processConfig(),
    log: (l) => console.error(`  ${l}`),
    engine: { progressIntervalMs: 1000, ...(args['base-dir'] ? { baseModelDir: resolve(args['base-dir']) } : {}) }
  })
  const ctx: CallContext = (await studio.verifyToken(studio.ownerToken))!
  // Through the contract's schemas, as the app calls it: the same defaults and the same errors.
  const call = async <M extends MethodName>(method: M, input: Input<M>): Promise<Output<M>> => {
    const parsed = contract[method].input.safeParse(input)
    if (!parsed.success) throw new Error(`${method}: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'input'}: ${i.message}`).join('; ')}`)
    const handler = studio.handlers[method] as (i: unknown, c: CallContext) => unknown
    return (await handler(parsed.data, ctx)) as Output<M>
  }
  let stopping = false
  process.on('SIGINT', () => {
    if (stopping) process.exit(130)
    stopping = true
    console.error('\nstopping at the next step (a checkpoint is written); Ctrl-C again to quit at once')
    void studio.close().then(() => process.exit(130))
  })
  try {
    let job: Job
    if (args.resume) {
      job = await call('jobs.get', { jobId: Number(args.resume) })
      if (job.kind !== 'train') throw new Error(`job ${job.id} is not a fine-tuning run`)
      if (job.state === 'paused') job = await call('train.resume', { jobId: job.id })
    } else {
      if (!args.snapshot || !args.base || !args.method) throw new Error('--snapshot, --base and --method are required (or --resume JOB_ID)')
      const snapshot = await call('snapshots.get', { snapshotId: Number(args.snapshot) })
      job = await call('finetune.start', {
        projectId: snapshot.projectId,
        snapshotId: snapshot.id,
        base: args.base,
        method: args.method as never,
        preset: (args.preset ?? 'paper-scaled') as never,
        settings: settingsFrom(args),
        // The contract checks both names; a provider this install lacks is refused with the reason.
        ...(args.backend ? { backend: args.backend as never } : {}),
        ...(args.provider ? { provider: args.provider as never } : {})
      })
    }
    console.log(`run ${job.id}: ${job.message} (continue after an interruption with --resume ${job.id})`)
    const final = await new Promise<Job>((resolveJob) => {
      let last = ''
      const show = (j: Job): void => {
        if (j.id !== job.id || j.message === last) return
        last = j.message
        console.log(`[${j.state}] ${j.message}`)
        if (isFinalJobState(j.state)) resolveJob(j)
      }
      studio.onEvent((_name, j) => show(j))
      void call('jobs.get', { jobId: job.id }).then(show)
    })
    if (final.state !== 'done') throw new Error(`run ${job.id} ended ${final.state}${final.error ? `: ${final.error}` : ''}`)
    const [cmp] = await call('runs.compare', { runIds: [job.id] })
    const f = cmp.final
    console.log(
      `final (mean of last ${f.points} points): loss ${f.loss?.toFixed(4) ?? '–'} · implicit accuracy ${f.implicitAccuracy?.toFixed(3) ?? '–'} · reward margin ${f.rewardMargin?.toFixed(3) ?? '–'}${f.Z !== null ? ` · Z ${f.Z.toFixed(5)}` : ''}`
    )
    const metrics = await call('finetune.metrics', { jobId: job.id })
    console.log(`model: ${metrics.checkpoint?.modelId ?? '(no checkpoint)'}`)
    if (args.out && metrics.checkpoint) {
      const entry = (await call('models.list', {})).find((m) => m.id === metrics.checkpoint!.modelId)!
      copyFileSync(entry.path, resolve(args.out))
      writeFileSync(`${resolve(args.out)}.json`, JSON.stringify(cmp, null, 2) + '\n')
      console.log(`wrote ${resolve(args.out)} and its record ${resolve(args.out)}.json`)
    }
  } finally {
    if (!stopping) await studio.close()
  }
}

main().catch((err: unknown) => {
  console.error(`finetune: ${err instanceof Error ? err.message : String(err)}`)
  process.exit(1)
})
