// Desktop packaging (issue 11, Electron shell; docs/methods/security.md). Packaging itself needs the
// Electron download and cannot run here, so this checks what can: electron-builder reads and validates
// electron-builder.yml with its own loader and schema, the three platforms have targets, and the
// afterPack hook flips every fuse, run on stand-in binaries that carry Electron's fuse wire (the
// sentinel, version 1, the wire length and one byte per fuse) at the paths electron-builder packs to.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join, resolve } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { tempDir } from '../store/helpers'

const root = resolve(__dirname, '../..')
const requireHere = createRequire(__filename)
const afterPack = requireHere(join(root, 'packaging/after-pack.cjs')) as ((context: unknown, log?: (line: string) => void) => Promise<void>) & {
  FUSES: Record<string, boolean>
  fuseConfig(platform: string, arch?: number): Record<string, unknown>
}
const { getCurrentFuseWire, FuseV1Options } = requireHere('@electron/fuses') as {
  getCurrentFuseWire(path: string): Promise<Record<string, number | string>>
  FuseV1Options: Record<string, number>
}
const SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX'
const ON = 49
const OFF = 48

/** What the issue asks for, fuse by fuse. */
const REQUIRED: Record<string, boolean> = {
  RunAsNode: false,
  EnableNodeOptionsEnvironmentVariable: false,
  EnableNodeCliInspectArguments: false,
  EnableEmbeddedAsarIntegrityValidation: true,
  OnlyLoadAppFromAsar: true,
  EnableCookieEncryption: true,
  GrantFileProtocolExtraPrivileges: false
}

/** A stock Electron binary's fuse wire: every fuse at '1' (enabled), inside other bytes. */
function fakeElectron(file: string, fuses = 8): void {
  mkdirSync(dirname(file), { recursive: true })
  writeFileSync(file, Buffer.concat([Buffer.alloc(4096, 7), Buffer.from(SENTINEL), Buffer.from([1, fuses]), Buffer.alloc(fuses, ON), Buffer.alloc(4096, 9)]))
}

const tmp = tempDir('packaging-')
afterAll(() => tmp.cleanup())

describe('electron-builder configuration', () => {
  it('is read and validated by electron-builder itself, with targets for Linux, Windows and macOS', async () => {
    const { getConfig, validateConfiguration } = requireHere('app-builder-lib/out/util/config/config') as {
      getConfig(dir: string, path: string | null, options: null): Promise<Record<string, any>>
      validateConfiguration(config: unknown, logger: unknown): Promise<void>
    }
    const { DebugLogger } = requireHere('builder-util') as { DebugLogger: new (enabled?: boolean) => unknown }
    const config = await getConfig(root, null, null)
    await expect(validateConfiguration(config, new DebugLogger(false))).resolves.toBeUndefined()
    expect(config.linux.target).toEqual(['AppImage', 'deb'])
    expect(config.win.target).toEqual(['nsis'])
    expect(config.mac.target).toEqual(['dmg'])
    expect(config.asar).toBe(true)
    expect(resolve(root, config.afterPack)).toBe(join(root, 'packaging/after-pack.cjs'))
    // Only the built app is packed: no sources, tests or the workspace of a developer.
    const files: string[] = config.files.flatMap((f: string | { filter: string[] }) => (typeof f === 'string' ? [f] : f.filter))
    expect(files.filter((f) => !f.startsWith('!'))).toEqual(['out/main/**', 'out/preload/**', 'out/renderer/**', 'package.json'])
    expect(config.extraResources).toEqual([expect.objectContaining({ from: 'resources', to: 'resources' })])
    // A misspelt key is refused by the same validation (so the check above can fail).
    await expect(validateConfiguration({ ...config, afterPak: config.afterPack }, new DebugLogger(false))).rejects.toThrow(/afterPak/)
  })
})

describe('afterPack fuses', () => {
  it('names every fuse the issue asks for, with the asked value', () => {
    for (const [name, value] of Object.entries(REQUIRED)) expect({ name, value: afterPack.FUSES[name] }).toEqual({ name, value })
    // Every fuse @electron/fuses knows is set explicitly, none left to inherit.
    const known = Object.keys(FuseV1Options).filter((k) => Number.isNaN(Number(k)))
    expect(Object.keys(afterPack.FUSES).sort()).toEqual(known.sort())
    expect(afterPack.fuseConfig('darwin', 3)).toMatchObject({ resetAdHocDarwinSignature: true })
    expect(afterPack.fuseConfig('darwin', 1)).not.toHaveProperty('resetAdHocDarwinSignature')
  })

  it.each([
    ['linux', 'popalign-studio', 'popalign-studio', 'popalign-studio'],
    ['win32', undefined, 'PopAlign Studio.exe', 'PopAlign Studio.exe'],
    // On macOS the wire is in the framework inside the bundle; @electron/fuses finds it from the .app.
    ['darwin', undefined, 'PopAlign Studio.app/Contents/Frameworks/Electron Framework.framework/Electron Framework', 'PopAlign Studio.app']
  ])('flips every fuse of a packaged %s app', async (platform, executableName, binary, app) => {
    const appOutDir = join(tmp.dir, platform)
    const file = join(appOutDir, binary)
    fakeElectron(file)
    const before = readFileSync(file)
    const context = { electronPlatformName: platform, appOutDir, arch: 1, packager: { appInfo: { productFilename: 'PopAlign Studio' }, executableName } }
    await afterPack(context, () => {})
    const wire = await getCurrentFuseWire(join(appOutDir, app))
    for (const [name, value] of Object.entries(REQUIRED)) expect({ name, state: wire[FuseV1Options[name]] }).toEqual({ name, state: value ? ON : OFF })
    // Only the wire changed: the rest of the binary is byte for byte the same.
    const after = readFileSync(file)
    expect(after.length).toBe(before.length)
    const changed = [...after.keys()].filter((i) => after[i] !== before[i])
    const wireStart = before.indexOf(SENTINEL) + SENTINEL.length + 2
    expect(changed.every((i) => i >= wireStart && i < wireStart + 8)).toBe(true)
  })

  it('sets its fuses on a longer wire from a newer Electron and says which are left at their defaults', async () => {
    const appOutDir = join(tmp.dir, 'newer')
    fakeElectron(join(appOutDir, 'popalign-studio'), 10)
    const lines: string[] = []
    await afterPack({ electronPlatformName: 'linux', appOutDir, arch: 1, packager: { appInfo: { productFilename: 'PopAlign Studio' }, executableName: 'popalign-studio' } }, (l) => lines.push(l))
    const wire = await getCurrentFuseWire(join(appOutDir, 'popalign-studio'))
    expect(wire[FuseV1Options.RunAsNode]).toBe(OFF)
    expect(wire[9]).toBe(ON)
    expect(lines.join('\n')).toMatch(/2 fuse\(s\) newer than @electron\/fuses knows/)
  })

  it('stops the build when the binary has no fuse wire', async () => {
    const appOutDir = join(tmp.dir, 'nowire')
    mkdirSync(appOutDir, { recursive: true })
    writeFileSync(join(appOutDir, 'popalign-studio'), Buffer.alloc(1024, 1))
    await expect(
      afterPack({ electronPlatformName: 'linux', appOutDir, arch: 1, packager: { appInfo: { productFilename: 'PopAlign Studio' }, executableName: 'popalign-studio' } }, () => {})
    ).rejects.toThrow(/sentinel/)
  })
})
