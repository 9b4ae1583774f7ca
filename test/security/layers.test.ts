// Layer purity (ARCHITECTURE.md §Layer rules): shared code runs everywhere, core code runs without
// Electron (plain Node, workers, serve mode), and the renderer only speaks the shared contract.
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { builtinModules } from 'node:module'
import { join, relative, resolve, sep } from 'node:path'
import { describe, expect, it } from 'vitest'
import { featureImportsFrom, upwardImports } from './core-layers'

const root = resolve(__dirname, '../..')
const NODE_BUILTINS = new Set(builtinModules.flatMap((m) => [m, m.split('/')[0]]))

function sourceFiles(dir: string): string[] {
  const out: string[] = []
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules') continue
    const full = join(dir, name)
    if (statSync(full).isDirectory()) out.push(...sourceFiles(full))
    else if (/\.(ts|mts|cts|js|mjs|svelte)$/.test(name) && !name.endsWith('.d.ts')) out.push(full)
  }
  return out
}

/** Module specifiers of static imports, re-exports, dynamic imports and require calls. */
export function importsOf(source: string): string[] {
  const specs: string[] = []
  const patterns = [
    /\bimport\s+(?:type\s+)?(?:[\w*${}\s,]+?\s+from\s+)?["']([^"']+)["']/g,
    /\bexport\s+(?:type\s+)?(?:\*|\{[^}]*\})\s*(?:as\s+\w+\s+)?from\s+["']([^"']+)["']/g,
    /\bimport\s*\(\s*["']([^"']+)["']\s*\)/g,
    /\brequire\s*\(\s*["']([^"']+)["']\s*\)/g
  ]
  for (const re of patterns) for (const m of source.matchAll(re)) specs.push(m[1])
  return specs
}

function isNodeBuiltin(spec: string): boolean {
  return spec.startsWith('node:') || NODE_BUILTINS.has(spec) || NODE_BUILTINS.has(spec.split('/')[0])
}

function violations(dir: string, bad: (spec: string, file: string) => boolean): string[] {
  return sourceFiles(resolve(root, dir)).flatMap((file) =>
    importsOf(readFileSync(file, 'utf8'))
      .filter((spec) => bad(spec, file))
      .map((spec) => `${relative(root, file)} imports "${spec}"`)
  )
}

describe('importsOf', () => {
  it('finds every import form', () => {
    const src = `import a from "x1"; import type { B } from 'x2'; import * as c from "x3"; import "x4";
      export { d } from "x5"; export * from 'x6'; const e = await import("x7"); const f = require('x8')`
    expect(importsOf(src)).toEqual(expect.arrayContaining(['x1', 'x2', 'x3', 'x4', 'x5', 'x6', 'x7', 'x8']))
  })
})

describe('layer purity', () => {
  it('src-main/shared imports neither electron nor Node built-ins', () => {
    expect(violations('src-main/shared', (s) => s === 'electron' || s.startsWith('electron/') || isNodeBuiltin(s))).toEqual([])
  })

  it('src-main/core imports no electron', () => {
    expect(violations('src-main/core', (s) => s === 'electron' || s.startsWith('electron/') || s.startsWith('@electron/'))).toEqual([])
  })

  it('src-main/core does not reach up into main or preload', () => {
    expect(
      violations('src-main/core', (s, file) => {
        if (!s.startsWith('.')) return false
        const target = resolve(file, '..', s)
        return target.startsWith(resolve(root, 'src-main/main') + sep) || target.startsWith(resolve(root, 'src-main/preload') + sep)
      })
    ).toEqual([])
  })

  it('src-renderer imports nothing from src-main except src-main/shared, and no electron or Node', () => {
    const shared = resolve(root, 'src-main/shared') + sep
    const srcMain = resolve(root, 'src-main') + sep
    expect(
      violations('src-renderer', (s, file) => {
        if (s === 'electron' || s.startsWith('electron/') || isNodeBuiltin(s)) return true
        if (s.startsWith('@shared/')) return false
        if (!s.startsWith('.')) return false
        const target = resolve(file, '..', s)
        return target.startsWith(srcMain) && !target.startsWith(shared)
      })
    ).toEqual([])
  })
})

// Issue 12: inside core, imports run down the layer map (test/security/core-layers.ts).
function coreSources(): Record<string, string> {
  const core = resolve(root, 'src-main/core')
  return Object.fromEntries(sourceFiles(core).map((file) => [relative(core, file).split(sep).join('/'), readFileSync(file, 'utf8')]))
}

describe('layers inside src-main/core', () => {
  it('no import runs up the layer map, and every folder is on it', () => {
    expect(upwardImports(coreSources(), importsOf).map((u) => `${u.file} imports "${u.spec}" (${u.target})`)).toEqual([])
  })

  it('engine, stats, random, fs, store and the other lower folders import no feature folder', () => {
    expect(featureImportsFrom(coreSources(), importsOf).map((u) => `${u.file} imports "${u.spec}"`)).toEqual([])
  })

  it('fails on a deliberate upward import', () => {
    const sources = {
      'engine/train/trainer.ts': "import { popalign } from '../../features/fine-tuning/presets'\nimport { Rng } from '../../random/rng'",
      'store/repos/judgements.ts': "export { x } from '../../api/dispatch'",
      'random/rng.ts': "const m = await import('../world/taxonomy')",
      'features/team/agreement.ts': "import { b } from '../reports/figures/metrics'\nimport { s } from '../../stats/bootstrap'",
      'newfolder/x.ts': "import { y } from '../fs/safe-path'"
    }
    expect(upwardImports(sources, importsOf).map((u) => u.file)).toEqual(['engine/train/trainer.ts', 'store/repos/judgements.ts', 'random/rng.ts', 'newfolder/x.ts'])
    expect(featureImportsFrom(sources, importsOf).map((u) => u.target)).toEqual(['features/fine-tuning/presets'])
  })
})
