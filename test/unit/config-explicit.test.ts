// Configuration is decided by the entry points (src-main/main, src-main/cli, bench, scripts) and passed
// into src-main/core as a StudioConfig (core/config.ts); core code never reads process.env,
// process.cwd() or os.homedir(), so it behaves the same for every caller and can be tested with any
// settings. The only reads left pass the environment on to a child process (the Python interpreter,
// pip, the trainer): they are listed below, each with its reason, and a new one elsewhere fails this test.
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join, relative, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'

const root = resolve(__dirname, '../..')
const core = join(root, 'src-main/core')

/** Files (relative to src-main/core) that hand this process's environment to a child process, and why. */
const PASSES_ENV_TO_CHILD: Record<string, string> = {
  'python-env/find-python.ts': 'looks for a Python interpreter on the PATH the trainer will be started with',
  'python-env/env.ts': 'creates and probes the venv with the environment pip needs (PATH, proxies)',
  'python-env/probe.ts': 'the trainer child process inherits the environment (CUDA_VISIBLE_DEVICES, PATH)'
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name)
    if (statSync(full).isDirectory()) return sourceFiles(full)
    return /\.(ts|mts|js|mjs)$/.test(name) && !name.endsWith('.d.ts') ? [full] : []
  })
}

/** Lines that read process.env, process.cwd() or the home folder, comments left out (so a comment may name them). */
export function configReads(source: string): number[] {
  const code = source.replace(/\/\*[\s\S]*?\*\//g, (c) => c.replace(/[^\n]/g, ' ')).replace(/\/\/.*$/gm, '')
  return code.split('\n').flatMap((line, i) => (/\bprocess\.env\b|\bprocess\.cwd\s*\(|\bprocess\s*\[\s*['"](env|cwd)['"]\s*\]|\bhomedir\s*\(/.test(line) ? [i + 1] : []))
}

/** `file:lines` of every read outside the allow-list, among `sources` (core-relative path -> text). */
export function configViolations(sources: Record<string, string>, allowed: Record<string, string> = PASSES_ENV_TO_CHILD): string[] {
  return Object.entries(sources)
    .map(([file, text]) => ({ file, lines: configReads(text) }))
    .filter((f) => f.lines.length > 0 && !Object.hasOwn(allowed, f.file))
    .map((f) => `src-main/core/${f.file}:${f.lines.join(',')}`)
}

function coreSources(): Record<string, string> {
  return Object.fromEntries(sourceFiles(core).map((file) => [relative(core, file).split('\\').join('/'), readFileSync(file, 'utf8')]))
}

describe('configuration is passed explicitly into src-main/core', () => {
  it('finds reads in code and ignores them in comments', () => {
    expect(configReads('const a = 1\nconst dir = process.env.X ?? process.cwd()\n')).toEqual([2])
    expect(configReads('// process.env.X is read by the entry point\n/* process.cwd() */\nconst a = 1\n')).toEqual([])
    expect(configReads('f(process.cwd ())')).toEqual([1])
    expect(configReads("const e = process['env']")).toEqual([1])
    // The home folder is configuration too (where the studio's data lives): entry points decide it.
    expect(configReads("import { homedir } from 'node:os'\nconst dir = join(homedir(), '.popalign-studio')")).toEqual([2])
  })

  it('fails on a deliberate read outside the allow-list', () => {
    const sources = {
      'classifier/open.ts': 'export const dir = process.env.POPALIGN_RESOURCES ?? "resources"',
      'features/reports/service.ts': 'const here = process.cwd()\n// process.env in a comment is fine',
      'python-env/probe.ts': 'spawn(python, [], { env: { ...process.env } })',
      'config.ts': 'export function f(env: EnvVars) { return env.POPALIGN_RESOURCES }'
    }
    expect(configViolations(sources)).toEqual(['src-main/core/classifier/open.ts:1', 'src-main/core/features/reports/service.ts:1'])
  })

  it('no core module reads process.env or process.cwd() except those passing it to a child process', () => {
    expect(configViolations(coreSources())).toEqual([])
  })

  it('every allowed file still exists and still reads the environment (so the list only shrinks)', () => {
    const stale = Object.keys(PASSES_ENV_TO_CHILD).filter((file) => {
      try {
        return configReads(readFileSync(join(core, file), 'utf8')).length === 0
      } catch {
        return true
      }
    })
    expect(stale).toEqual([])
  })
})
