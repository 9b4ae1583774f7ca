// The shipped resources folder (base model, world classifier, trainer source, demo sample): one rule
// for where it is. Entry points (serve.ts, main/, cli/) decide it with resourcesDirFrom and the
// process's environment; inside core only defaultResourcesDir reads the environment, for callers
// that are not yet handed the folder (test/unit/config-explicit.test.ts lists it as pending).
import { resolve } from 'node:path'

/** $POPALIGN_RESOURCES when set (the packaged app points it at its resources), else `<cwd>/resources` (repository checkouts). */
export function resourcesDirFrom(env: Readonly<Record<string, string | undefined>>, cwd: string): string {
  return env.POPALIGN_RESOURCES ?? resolve(cwd, 'resources')
}

/** The folder by the same rule, read from this process; pending removal (issue 12 item 5). */
export function defaultResourcesDir(): string {
  return resourcesDirFrom(process.env, process.cwd())
}
