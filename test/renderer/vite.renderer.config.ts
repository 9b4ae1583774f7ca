// Builds only the renderer (the same settings as electron.vite.config.ts's renderer section), for
// renderer work while the main-process build is in flux: `npx vite build -c test/renderer/vite.renderer.config.ts`.
import { resolve } from 'node:path'
import { defineConfig } from 'vite'
import { svelte } from '@sveltejs/vite-plugin-svelte'

const root = resolve(__dirname, '../..')

export default defineConfig({
  root: resolve(root, 'src-renderer'),
  base: './',
  resolve: { alias: { '@shared': resolve(root, 'src-main/shared') } },
  plugins: [svelte({ configFile: resolve(root, 'src-renderer/svelte.config.mjs') })],
  build: {
    outDir: process.env.RENDERER_OUT ?? resolve(root, '.tmp/renderer'),
    emptyOutDir: true,
    rollupOptions: { input: { index: resolve(root, 'src-renderer/index.html') } }
  }
})
