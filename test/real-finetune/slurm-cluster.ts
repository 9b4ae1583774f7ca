// A one-node Slurm cluster on loopback for the Slurm tests: munged with a fresh key, slurmctld and
// slurmd (Debian's slurm-wlm, installed by .ci/run) with a minimal slurm.conf in a temporary folder,
// on free ports, as root. startLoopbackCluster() answers { skip } with the reason in one line where
// the daemons are missing or do not come up, so the test can say exactly why it did not run.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { cpus } from 'node:os'
import { join } from 'node:path'
import { tempDir } from '../store/helpers'

export interface LoopbackCluster {
  dir: string
  /** The environment Slurm's commands need (SLURM_CONF). */
  env: NodeJS.ProcessEnv
  stop(): Promise<void>
}

const SEARCH = ['/usr/sbin', '/usr/bin', '/usr/local/sbin', '/usr/local/bin']

function which(name: string): string | null {
  for (const dir of [...SEARCH, ...(process.env.PATH ?? '').split(':')]) if (dir && existsSync(join(dir, name))) return join(dir, name)
  return null
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0))
    })
  })
}

const tail = (file: string): string => (existsSync(file) ? readFileSync(file, 'utf8').trim().split('\n').slice(-3).join(' | ') : 'no log')

export async function startLoopbackCluster(): Promise<LoopbackCluster | { skip: string }> {
  const bins = Object.fromEntries(['munged', 'slurmctld', 'slurmd', 'sinfo', 'sbatch'].map((n) => [n, which(n)]))
  const missing = Object.entries(bins)
    .filter(([, p]) => !p)
    .map(([n]) => n)
  if (missing.length) return { skip: `Slurm is not installed here (${missing.join(', ')} missing; .ci/run installs slurm-wlm with apt-get)` }
  if (process.getuid?.() !== 0) return { skip: 'the loopback Slurm cluster needs root (slurmd runs jobs as their user)' }

  const tmp = tempDir('popalign-slurm-')
  const dir = tmp.dir
  for (const sub of ['state', 'spool', 'log', 'munge']) mkdirSync(join(dir, sub), { recursive: true })
  chmodSync(join(dir, 'munge'), 0o700)
  const key = join(dir, 'munge', 'munge.key')
  writeFileSync(key, randomBytes(1024), { mode: 0o400 })
  const socket = join(dir, 'munge', 'socket')
  const children: ChildProcess[] = []
  const stopAll = async (): Promise<void> => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGTERM')
    await Promise.all(children.map((c) => (c.exitCode === null && c.signalCode === null ? new Promise((r) => c.once('exit', r)) : Promise.resolve())))
    tmp.cleanup()
  }

  // munged forks and writes its pid file; -F keeps it in the foreground so it is this test's child.
  const munged = spawn(
    bins.munged!,
    ['-F', '-f', `--socket=${socket}`, `--key-file=${key}`, `--log-file=${join(dir, 'log', 'munged.log')}`, `--pid-file=${join(dir, 'munge', 'pid')}`, `--seed-file=${join(dir, 'munge', 'seed')}`],
    { stdio: 'ignore' }
  )
  children.push(munged)
  const [ctldPort, slurmdPort] = [await freePort(), await freePort()]
  const conf = join(dir, 'slurm.conf')
  writeFileSync(
    conf,
    [
      'ClusterName=popalign-loopback',
      'SlurmctldHost=localhost(127.0.0.1)',
      `SlurmctldPort=${ctldPort}`,
      `SlurmdPort=${slurmdPort}`,
      'AuthType=auth/munge',
      'CredType=cred/munge',
      `AuthInfo=socket=${socket}`,
      'SlurmUser=root',
      'SlurmdUser=root',
      `StateSaveLocation=${join(dir, 'state')}`,
      `SlurmdSpoolDir=${join(dir, 'spool')}`,
      `SlurmctldPidFile=${join(dir, 'slurmctld.pid')}`,
      `SlurmdPidFile=${join(dir, 'slurmd.pid')}`,
      `SlurmctldLogFile=${join(dir, 'log', 'slurmctld.log')}`,
      `SlurmdLogFile=${join(dir, 'log', 'slurmd.log')}`,
      // No cgroups: process groups track the jobs, so it runs inside containers too.
      'ProctrackType=proctrack/pgid',
      'TaskPlugin=task/none',
      'JobAcctGatherType=jobacct_gather/none',
      'AccountingStorageType=accounting_storage/none',
      'JobCompType=jobcomp/none',
      'SchedulerType=sched/backfill',
      'SelectType=select/cons_tres',
      'SelectTypeParameters=CR_Core',
      'ReturnToService=2',
      'MpiDefault=none',
      // Cancel: SIGTERM, then SIGKILL after 30 s (Slurm's default; the trainer checkpoints at its next step in between).
      'KillWait=30',
      `NodeName=localhost NodeAddr=127.0.0.1 CPUs=${cpus().length} RealMemory=500 State=UNKNOWN`,
      'PartitionName=debug Nodes=localhost Default=YES MaxTime=INFINITE State=UP',
      ''
    ].join('\n')
  )
  const env = { ...process.env, SLURM_CONF: conf, PATH: `${[...new Set(SEARCH)].join(':')}:${process.env.PATH ?? ''}` }
  children.push(spawn(bins.slurmctld!, ['-D', '-f', conf], { stdio: 'ignore', env }))
  children.push(spawn(bins.slurmd!, ['-D', '-f', conf, '-N', 'localhost'], { stdio: 'ignore', env }))

  const started = Date.now()
  for (;;) {
    const info = spawnSync(bins.sinfo!, ['-h', '-o', '%t'], { env, encoding: 'utf8' })
    if (info.status === 0 && /^idle/m.test(info.stdout)) break
    const dead = children.find((c) => c.exitCode !== null)
    if (dead || Date.now() - started > 30_000) {
      const why = `munged: ${tail(join(dir, 'log', 'munged.log'))}; slurmctld: ${tail(join(dir, 'log', 'slurmctld.log'))}; slurmd: ${tail(join(dir, 'log', 'slurmd.log'))}`
      await stopAll()
      return { skip: `the loopback Slurm cluster did not come up (${dead ? 'a daemon exited' : 'no idle node after 30 s'}): ${why}` }
    }
    await new Promise((r) => setTimeout(r, 300))
  }
  return { dir, env, stop: stopAll }
}
