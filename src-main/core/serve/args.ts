// Command-line options of the serve-mode entry (`node out/main/serve.js`), parsed as a pure function
// so every refusal has a test and a message naming the problem.
import { join } from 'node:path'

export interface ServeArgs {
  workspaceDir: string
  host: string
  /** null: not given, so the workspace's remembered port is used (see port-memory.ts). */
  port: number | null
  publicOrigin?: string
}

export const SERVE_USAGE = 'usage: node out/main/serve.js [--workspace DIR] [--port N] [--host H] [--public-origin URL]'

export class UsageError extends Error {
  override readonly name = 'UsageError'
}

/** Where the studio keeps its workspace when no --workspace is given. */
export function defaultWorkspaceDir(env: Readonly<Record<string, string | undefined>>, home: string): string {
  const fromEnv = env.POPALIGN_WORKSPACE
  return fromEnv && fromEnv.trim() !== '' ? fromEnv : join(home, '.popalign-studio')
}

export function parseServeArgs(argv: readonly string[], env: Readonly<Record<string, string | undefined>>, home: string): ServeArgs {
  const out: ServeArgs = { workspaceDir: defaultWorkspaceDir(env, home), host: '127.0.0.1', port: null }
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]
    const eq = arg.indexOf('=')
    const name = eq > 0 ? arg.slice(0, eq) : arg
    const takeValue = (): string => {
      const value = eq > 0 ? arg.slice(eq + 1) : argv[++i]
      if (value === undefined || value === '' || (eq < 0 && value.startsWith('--'))) throw new UsageError(`${name} needs a value\n${SERVE_USAGE}`)
      return value
    }
    switch (name) {
      case '--workspace':
        out.workspaceDir = takeValue()
        break
      case '--host':
        out.host = takeValue()
        if (!/^[A-Za-z0-9.:-]{1,253}$/.test(out.host)) throw new UsageError(`--host "${out.host}" is not a host name or IP address`)
        break
      case '--port': {
        const raw = takeValue()
        const port = /^\d{1,5}$/.test(raw) ? Number(raw) : NaN
        if (!Number.isInteger(port) || port > 65535) throw new UsageError(`--port "${raw}" is not a port number (0-65535; 0 picks any free one)`)
        out.port = port
        break
      }
      case '--public-origin':
        out.publicOrigin = takeValue()
        break
      case '--help':
      case '-h':
        throw new UsageError(SERVE_USAGE)
      default:
        throw new UsageError(`unknown option "${arg}"\n${SERVE_USAGE}`)
    }
  }
  return out
}
