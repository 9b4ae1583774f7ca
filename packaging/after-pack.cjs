// electron-builder afterPack hook: flips the Electron fuses of the packaged binary (docs:
// ../shared/docs/SECURITY.md §2a item 19; issue 11, Electron shell). Runs after the app is copied
// and before it is signed, so the signature covers the flipped binary. Plain CommonJS: electron-builder
// loads it with Node's require at package time, outside the app's bundle.
const { join } = require('node:path')
const { flipFuses, getCurrentFuseWire, FuseV1Options, FuseVersion } = require('@electron/fuses')

/** Every fuse the studio sets, by name; afterPack reads each one back from the binary. */
const FUSES = {
  // `ELECTRON_RUN_AS_NODE=1 <app>` would turn the signed app into a plain Node interpreter.
  RunAsNode: false,
  // Cookies (the serve-mode session is not one, but Chromium keeps others) encrypted at rest with the OS keychain.
  EnableCookieEncryption: true,
  // NODE_OPTIONS (--require, --inspect ...) cannot inject code into the app.
  EnableNodeOptionsEnvironmentVariable: false,
  // --inspect / --inspect-brk cannot open a debugger on the main process.
  EnableNodeCliInspectArguments: false,
  // app.asar is checked against the hash recorded at package time.
  EnableEmbeddedAsarIntegrityValidation: true,
  // The app is only ever loaded from app.asar, never from a loose app/ folder beside it.
  OnlyLoadAppFromAsar: true,
  LoadBrowserProcessSpecificV8Snapshot: false,
  // The studio serves its pages from app:// and never needs file:// privileges.
  GrantFileProtocolExtraPrivileges: false
}

/** The file holding the fuse wire, for a packaged app in `appOutDir`. */
function electronBinaryPath(context) {
  const name = context.packager.appInfo.productFilename
  switch (context.electronPlatformName) {
    case 'darwin':
    case 'mas':
      return join(context.appOutDir, `${name}.app`)
    case 'win32':
      return join(context.appOutDir, `${name}.exe`)
    default:
      return join(context.appOutDir, context.packager.executableName ?? name)
  }
}

/** electron-builder's Arch.arm64. */
const ARM64 = 3

function fuseConfig(platform, arch) {
  const config = { version: FuseVersion.V1 }
  for (const [name, value] of Object.entries(FUSES)) config[FuseV1Options[name]] = value
  // Flipping fuses invalidates the ad-hoc signature of an arm64 macOS binary, which then would not
  // start; it is re-signed ad hoc here (the release signature is applied after this hook).
  if ((platform === 'darwin' || platform === 'mas') && arch === ARM64) config.resetAdHocDarwinSignature = true
  return config
}

/** ASCII '0' / '1' in the wire. */
const WIRE = { false: 48, true: 49 }

async function afterPack(context, log = console.log) {
  const binary = electronBinaryPath(context)
  await flipFuses(binary, fuseConfig(context.electronPlatformName, context.arch))
  // Read back: a fuse this version of @electron/fuses does not know, or a wire too short for one of
  // ours, must stop the release rather than ship a binary with a fuse left at its default.
  const wire = await getCurrentFuseWire(binary)
  const wrong = Object.entries(FUSES).filter(([name, value]) => wire[FuseV1Options[name]] !== WIRE[value])
  if (wrong.length > 0) throw new Error(`fuses not set in ${binary}: ${wrong.map(([name]) => name).join(', ')}`)
  const known = Object.keys(FUSES).length
  const length = Object.keys(wire).filter((k) => k !== 'version').length
  if (length > known)
    log(`afterPack: ${binary} has ${length - known} fuse(s) newer than @electron/fuses knows; they keep Electron's defaults (update @electron/fuses and name them in packaging/after-pack.cjs)`)
}

module.exports = afterPack
module.exports.default = afterPack
module.exports.FUSES = FUSES
module.exports.electronBinaryPath = electronBinaryPath
module.exports.fuseConfig = fuseConfig
