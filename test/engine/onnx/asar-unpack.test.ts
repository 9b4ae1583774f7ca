// The packaged app loads onnxruntime-node's native files from app.asar.unpacked: a .node addon cannot be
// loaded from inside the archive, and the shared libraries beside it (libonnxruntime, the CUDA and
// TensorRT provider libraries that the install option adds, DirectML on Windows) are found by the
// dynamic linker next to the addon. Packaging needs the Electron download and cannot run here, so this
// runs electron-builder's own asarUnpack matcher (getFileMatchers, the code asarUtil uses) over every
// native file the installed package ships for each platform, plus the provider libraries its install
// metadata names, and checks the main bundle leaves onnxruntime-node as a runtime require.
import { readdirSync, readFileSync, statSync, type Stats } from 'node:fs'
import { createRequire } from 'node:module'
import { join, relative, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'

const root = resolve(__dirname, '../../..')
const requireHere = createRequire(__filename)
const ortDir = join(root, 'node_modules/onnxruntime-node')
const NATIVE = /\.(node|dll|dylib)$|\.so(\.\d+)*$/

type Filter = (file: string, stat: Stats) => boolean

async function unpackFilter(patch?: (config: Record<string, any>) => void): Promise<Filter> {
  const { getConfig } = requireHere('app-builder-lib/out/util/config/config') as { getConfig(dir: string, path: string | null, options: null): Promise<Record<string, any>> }
  const { getFileMatchers } = requireHere('app-builder-lib/out/fileMatcher') as {
    getFileMatchers(config: unknown, name: string, dest: string, options: Record<string, unknown>): { createFilter(): Filter }[] | null
  }
  const config = await getConfig(root, null, null)
  patch?.(config)
  const matchers = getFileMatchers(config, 'asarUnpack', join(root, 'dist/app'), { defaultSrc: root, customBuildOptions: {}, globalOutDir: join(root, 'dist'), macroExpander: (p: string) => p })
  if (!matchers) throw new Error('electron-builder.yml has no asarUnpack patterns')
  const filters = matchers.map((m) => m.createFilter())
  return (file, stat) => filters.some((f) => f(file, stat))
}

function nativeFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? nativeFiles(join(dir, e.name)) : NATIVE.test(e.name) ? [join(dir, e.name)] : []))
}

/** Provider libraries onnxruntime-node's install option downloads, at the paths it writes them to. */
function providerLibraries(): string[] {
  const meta = requireHere(join(ortDir, 'script/install-metadata.js')) as { manifests: Record<string, Record<string, unknown>> }
  return Object.entries(meta.manifests).flatMap(([key, files]) => {
    const platformArch = key.split(':')[0] // e.g. linux/x64
    return Object.keys(files).map((f) => join(ortDir, 'bin/napi-v6', platformArch, f))
  })
}

const fileStat = statSync(join(ortDir, 'package.json'))

describe('packaged app: onnxruntime-node native files are unpacked from app.asar', () => {
  it('every addon and shared library of every platform, and the CUDA provider libraries, match asarUnpack', async () => {
    const filter = await unpackFilter()
    const shipped = nativeFiles(join(ortDir, 'bin'))
    const providers = providerLibraries()
    expect(shipped.some((f) => f.endsWith('linux/x64/libonnxruntime.so.1'))).toBe(true)
    expect(shipped.some((f) => f.endsWith('linux/x64/onnxruntime_binding.node'))).toBe(true)
    expect(providers.some((f) => f.endsWith('linux/x64/libonnxruntime_providers_cuda.so'))).toBe(true)
    const packed = [...shipped, ...providers].filter((f) => !filter(f, fileStat)).map((f) => relative(root, f))
    expect(packed).toEqual([])
  })

  it('the check fails when the onnxruntime-node pattern is missing: its shared libraries would stay in the archive', async () => {
    const filter = await unpackFilter((c) => {
      c.asarUnpack = (c.asarUnpack as string[]).filter((p) => !p.includes('onnxruntime-node'))
    })
    expect(filter(join(ortDir, 'bin/napi-v6/linux/x64/onnxruntime_binding.node'), fileStat)).toBe(true) // '**/*.node' still unpacks the addon
    expect(filter(join(ortDir, 'bin/napi-v6/linux/x64/libonnxruntime.so.1'), fileStat)).toBe(false)
    expect(filter(join(ortDir, 'bin/napi-v6/win32/x64/DirectML.dll'), fileStat)).toBe(false)
  })

  it('the main-process bundle keeps onnxruntime-node as a runtime require (so it loads from node_modules, unpacked)', () => {
    const viteConfig = readFileSync(join(root, 'electron.vite.config.ts'), 'utf8')
    const external = /external:\s*\[([^\]]*)\]/.exec(viteConfig)?.[1] ?? ''
    expect(external).toContain("'onnxruntime-node'")
  })
})
