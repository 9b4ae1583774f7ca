// Calls the real serve mode's API the way a script does (Authorization: Bearer, no cookie, no CSRF),
// so browser tests can set up a project quickly and then check what the server stored.
import type { Input, MethodName, Output, Result } from '@shared/contract'

export interface ServeApi {
  call<M extends MethodName>(method: M, input: Input<M>): Promise<Output<M>>
  raw<M extends MethodName>(method: M, input: Input<M>): Promise<Result<Output<M>>>
}

export function serveApi(origin: string, token: string): ServeApi {
  const raw = async <M extends MethodName>(method: M, input: Input<M>): Promise<Result<Output<M>>> => {
    const res = await fetch(`${origin}/api/${method}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify(input)
    })
    return (await res.json()) as Result<Output<M>>
  }
  return {
    raw,
    async call(method, input) {
      const r = await raw(method, input)
      if (!r.ok) throw new Error(`${method}: ${r.error.code}: ${r.error.message}`)
      return r.value
    }
  }
}

/** Creates a project and imports a folder into it, waiting for the import job to finish. */
export async function projectWithImages(api: ServeApi, name: string, folder: string): Promise<number> {
  const project = await api.call('projects.create', { name })
  const job = await api.call('import.start', { projectId: project.id, folder })
  const deadline = Date.now() + 60_000
  for (;;) {
    const j = await api.call('jobs.get', { jobId: job.id })
    if (j.state === 'done') break
    if (j.state === 'failed' || j.state === 'cancelled') throw new Error(`import ${j.state}: ${j.error ?? ''}`)
    if (Date.now() > deadline) throw new Error('import did not finish in 60 s')
    await new Promise((r) => setTimeout(r, 100))
  }
  return project.id
}
