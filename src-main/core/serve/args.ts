// Command-line options of the serve-mode entry (`node out/main/serve.js`), parsed as a pure function
// so every refusal has a test and a message naming the problem.
import { join } from 'node:path'
import { readFlags, UsageError } from '../cli-flags'

export interface ServeArgs {
  workspaceDir: string
  host: string
  /** null: not given, so the workspace's remembered port is used (see port-memory.ts). */
  port: number | null
  publicOrigin?: string
}

export const SERVE_USAGE = 'usage: node out/main/serve.js [--workspace DIR] [--port N] [--host H] [--public-origin URL]'

export { UsageError }

/** Where the studio keeps its workspace when no --workspace is given. */
export function defaultWorkspaceDir(env: Readonly<Record<string, string | undefined>>, home: string): string {
  const fromEnv = env.POPALIGN_WORKSPACE
  return fromEnv && fromEnv.trim() !== '' ? fromEnv : join(home, '.popalign-studio')
}

export function parseServeArgs(argv: readonly string[], env: Readonly<Record<string, string | undefined>>, home: string): ServeArgs {
  let read
  try {
    read = readFlags(argv, { values: ['workspace', 'host', 'port', 'public-origin'] })
  } catch (err) {
    if (err instanceof UsageError) throw new UsageError(`${err.message}\n${SERVE_USAGE}`)
    throw err
  }
  if (read.help) throw new UsageError(SERVE_USAGE)
  const { workspace, host, port, 'public-origin': publicOrigin } = read.values
  const out: ServeArgs = { workspaceDir: workspace ?? defaultWorkspaceDir(env, home), host: host ?? '127.0.0.1', port: null }
  if (!/^[A-Za-z0-9.:-]{1,253}$/.test(out.host)) throw new UsageError(`--host "${out.host}" is not a host name or IP address`)
  if (port !== undefined) {
    const n = /^\d{1,5}$/.test(port) ? Number(port) : NaN
    if (!Number.isInteger(n) || n > 65535) throw new UsageError(`--port "${port}" is not a port number (0-65535; 0 picks any free one)`)
    out.port = n
  }
  if (publicOrigin !== undefined) out.publicOrigin = publicOrigin
  return out
}
