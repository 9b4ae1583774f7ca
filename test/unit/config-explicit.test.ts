// Configuration is passed in from the entry points (src-main/cli/serve.ts, src-main/main, src-main/cli),
// never read from the process inside src-main/core: a core module that reads process.env or
// process.cwd() behaves differently per caller and cannot be tested with other settings. The few
// places still reading them are listed below, each with its reason; a new one fails this test.
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join, relative, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'

const root = resolve(__dirname, '../..')
const core = join(root, 'src-main/core')

/** Files (relative to src-main/core) still allowed to read the process's configuration, and why. */
const STILL_READING: Record<string, string> = {
  'resources.ts':
    'defaultResourcesDir: the resources folder for callers not yet handed it by their entry point (engine workers, evaluation and experiment code); the studio gets it from serve.ts and main/',
  'python-env/find-python.ts': 'looks for a Python interpreter on the PATH of the process that starts the trainer',
  'python-env/env.ts': 'the venv is created and probed with the environment of the process (PATH, proxies for pip)',
  'python-env/paths.ts': 'POPALIGN_PYTHON_ENV chooses the managed venv folder',
  'python-env/probe.ts': 'the trainer child process inherits the environment (CUDA_VISIBLE_DEVICES, PATH)',
  'features/preference-data/export/out-path.ts': 'POPALIGN_EXPORT_ROOTS: the folders exports may be written to when the caller gives none'
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name)
    if (statSync(full).isDirectory()) return sourceFiles(full)
    return /\.(ts|mts|js|mjs)$/.test(name) && !name.endsWith('.d.ts') ? [full] : []
  })
}

/** Lines that read process.env or process.cwd(), comments left out (so a comment may name them). */
export function configReads(source: string): number[] {
  const code = source.replace(/\/\*[\s\S]*?\*\//g, (c) => c.replace(/[^\n]/g, ' ')).replace(/\/\/.*$/gm, '')
  return code.split('\n').flatMap((line, i) => (/\bprocess\.env\b|\bprocess\.cwd\s*\(/.test(line) ? [i + 1] : []))
}

describe('configuration is passed explicitly into src-main/core', () => {
  it('finds reads in code and ignores them in comments', () => {
    expect(configReads('const a = 1\nconst dir = process.env.X ?? process.cwd()\n')).toEqual([2])
    expect(configReads('// process.env.X is read by the entry point\n/* process.cwd() */\nconst a = 1\n')).toEqual([])
    expect(configReads('f(process.cwd ())')).toEqual([1])
  })

  it('no core module reads process.env or process.cwd() except the listed ones', () => {
    const found = sourceFiles(core)
      .map((file) => ({ file: relative(core, file).split('\\').join('/'), lines: configReads(readFileSync(file, 'utf8')) }))
      .filter((f) => f.lines.length > 0 && !(f.file in STILL_READING))
      .map((f) => `src-main/core/${f.file}:${f.lines.join(',')}`)
    expect(found).toEqual([])
  })

  it('every listed exception still exists and still reads the process (so the list only shrinks)', () => {
    const stale = Object.keys(STILL_READING).filter((file) => {
      try {
        return configReads(readFileSync(join(core, file), 'utf8')).length === 0
      } catch {
        return true
      }
    })
    expect(stale).toEqual([])
  })
})
