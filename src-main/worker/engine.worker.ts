// Worker-thread entry of the training engine: receives a start message, runs the loop, forwards
// pause/resume/cancel. Runs from TypeScript sources (execArgv --import tsx) or from a built bundle.
import { parentPort } from 'node:worker_threads'
import { isHostMessage, type WorkerMessage } from '../core/training/protocol'
import { makeControl, runTraining } from '../core/training/run'

if (!parentPort) throw new Error('engine.worker must run in a worker thread')
const port = parentPort
const control = makeControl()
const emit = (m: WorkerMessage): void => port.postMessage(m)
let started = false

port.on('message', (m: unknown) => {
  if (!isHostMessage(m)) {
    emit({ type: 'error', message: `engine worker: unknown message ${JSON.stringify(m)?.slice(0, 200)}` })
    return
  }
  switch (m.type) {
    case 'start':
      if (started) {
        emit({ type: 'error', message: 'engine worker: a run is already in progress' })
        return
      }
      started = true
      runTraining(m.job, emit, control)
        .catch((err: unknown) => emit({ type: 'error', message: err instanceof Error ? err.message : String(err) }))
        .finally(() => port.close())
      return
    case 'pause':
      return control.pause()
    case 'resume':
      return control.resume()
    case 'cancel':
      return control.cancel()
  }
})
