// Where the built renderer is: out/renderer (built by `npm test`), or RENDERER_DIR for local work.
import { existsSync } from 'node:fs'
import { resolve } from 'node:path'

export function builtRendererDir(): string {
  const dir = resolve(process.env.RENDERER_DIR ?? resolve(__dirname, '../../out/renderer'))
  if (!existsSync(resolve(dir, 'index.html'))) throw new Error(`no built renderer at ${dir}: run \`npx electron-vite build\` first`)
  return dir
}
