import { resolve } from 'node:path'
import { defineConfig } from 'electron-vite'
import { svelte } from '@sveltejs/vite-plugin-svelte'

const shared = resolve(__dirname, 'src-main/shared')

export default defineConfig({
  main: {
    resolve: { alias: { '@shared': shared } },
    build: {
      outDir: 'out/main',
      rollupOptions: {
        input: {
          index: resolve(__dirname, 'src-main/main/index.ts'),
          // Plain-Node entry for serve mode (no Electron): node out/main/serve.js
          serve: resolve(__dirname, 'src-main/cli/serve.ts'),
          // Training runs in a worker thread, off the UI and serve-mode event loops.
          'engine.worker': resolve(__dirname, 'src-main/worker/engine.worker.ts'),
          // Every "model -> images" request samples in this worker (core/sampling).
          'sampler.worker': resolve(__dirname, 'src-main/worker/sampler.worker.ts'),
          // The built-in world's data source, loaded by the worker by path.
          'world-source': resolve(__dirname, 'src-main/core/world/world-source.ts')
        },
        // Native and wasm-loading packages stay as runtime requires.
        external: ['better-sqlite3', 'onnxruntime-node', 'sharp', 'ws', '@tensorflow/tfjs', '@tensorflow/tfjs-backend-wasm', '@tensorflow/tfjs-node', '@tensorflow/tfjs-node-gpu']
      }
    }
  },
  preload: {
    resolve: { alias: { '@shared': shared } },
    build: {
      outDir: 'out/preload',
      rollupOptions: {
        input: { index: resolve(__dirname, 'src-main/preload/index.ts') },
        output: { format: 'cjs' }
      }
    }
  },
  renderer: {
    root: resolve(__dirname, 'src-renderer'),
    resolve: { alias: { '@shared': shared } },
    plugins: [svelte({ configFile: resolve(__dirname, 'src-renderer/svelte.config.mjs') })],
    build: {
      outDir: resolve(__dirname, 'out/renderer'),
      rollupOptions: { input: { index: resolve(__dirname, 'src-renderer/index.html') } }
    }
  }
})
