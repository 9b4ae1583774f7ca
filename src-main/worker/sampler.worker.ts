// Worker-thread entry of the one sampler (core/sampling): every "model -> images" request of the studio,
// the CLI and the experiments runs here, off the caller's event loop. Runs from TypeScript sources
// (through the host's tsx bootstrap) or from the built bundle.
import { parentPort } from 'node:worker_threads'
import { serveSampling } from '../core/sampling/worker'

if (!parentPort) throw new Error('sampler.worker must run in a worker thread')
serveSampling(parentPort)
