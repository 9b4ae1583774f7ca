// Serve mode entry for plain Node: `node out/main/serve.js [--workspace DIR] [--port N] [--host H]`.
// Serves the same UI and API as the desktop app at http://127.0.0.1:<port>, for browsers (remote
// annotators, or machines where the Electron binary is not available). Prints one line with the
// owner's address, token included; tests and users open that. The port and the browser sessions are
// kept in the workspace, so a restart comes back at the same address with everyone still signed in.
import { existsSync } from 'node:fs'
import { homedir } from 'node:os'
import { join } from 'node:path'
import { processConfig } from './process-config'
import { openStudio } from '../core/studio'
import { UsageError, parseServeArgs } from '../core/serve/args'
import { openInBrowser } from '../core/serve/open-browser'
import { portTakenMessage, portToBind, rememberPort, shouldRemember } from '../core/serve/port-memory'
import { startServeMode } from '../core/serve/server'

/** Browser sessions kept across restarts (serve/sessions.ts); mode 0600 like the owner token. */
const SESSIONS_FILE = 'serve-sessions.json'

async function main(): Promise<void> {
  const args = parseServeArgs(process.argv.slice(2), process.env, homedir())
  // Built layout: out/main/serve.js next to out/renderer/.
  const rendererDir = join(__dirname, '../renderer')
  if (!existsSync(join(rendererDir, 'index.html'))) throw new Error(`the built UI is missing at ${rendererDir}; run "npm run build" first`)

  // Built layout: out/main/serve.js, two levels below the repository's resources/ folder.
  const config = processConfig(join(__dirname, '../../resources'))
  const studio = await openStudio({
    workspaceDir: args.workspaceDir,
    config,
    demoResourcesDir: process.env.POPALIGN_DEMO === '1' ? config.resourcesDir : undefined
  })
  let server: Awaited<ReturnType<typeof startServeMode>>
  const bind = portToBind(args.port, studio.workspaceDir)
  try {
    server = await startServeMode({
      handlers: studio.handlers,
      imageFile: studio.imageFile,
      imageAllowed: studio.imageAllowed,
      verifyToken: studio.verifyToken,
      redeemInvite: studio.redeemInvite,
      rendererDir,
      sessionsFile: join(studio.workspaceDir, SESSIONS_FILE),
      host: args.host,
      port: bind.port,
      publicOrigin: args.publicOrigin
    })
  } catch (err) {
    await studio.close()
    if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') throw new UsageError(portTakenMessage(bind.port, bind.remembered))
    throw err
  }
  if (shouldRemember(args.port)) {
    try {
      rememberPort(studio.workspaceDir, server.port)
    } catch (err) {
      console.warn(`PopAlign Studio: could not remember port ${server.port} for the next start: ${err instanceof Error ? err.message : String(err)}`)
    }
  }
  const stopEvents = studio.onEvent((name, payload) => server.broadcast(name, payload))
  const link = `${server.url}/?token=${studio.ownerToken}`
  console.log(`PopAlign Studio serving at ${link}`)
  console.log(`Workspace: ${studio.workspaceDir}`)
  openInBrowser(link, process.platform, process.env)

  let stopping = false
  const stop = (signal: string): void => {
    if (stopping) return
    stopping = true
    console.log(`PopAlign Studio stopping (${signal})`)
    stopEvents()
    // Close the server first so no request writes after the database is closed.
    server
      .close()
      .then(() => studio.close())
      .then(
        () => process.exit(0),
        (err: unknown) => {
          console.error(`PopAlign Studio: error while stopping: ${err instanceof Error ? err.message : String(err)}`)
          process.exit(1)
        }
      )
  }
  process.on('SIGINT', () => stop('SIGINT'))
  process.on('SIGTERM', () => stop('SIGTERM'))
}

main().catch((err: unknown) => {
  if (err instanceof UsageError) {
    console.error(err.message)
    process.exit(2)
  }
  console.error(`PopAlign Studio could not start: ${err instanceof Error ? err.message : String(err)}`)
  process.exit(1)
})
