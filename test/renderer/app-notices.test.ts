// App-wide notices (errors raised outside a panel) are worded for people and never follow the user to
// another screen (issue 10, item 5: banners from other screens showed on another project's label screen).
import { describe, expect, it } from 'vitest'
import type { ApiClient } from '../../src-renderer/src/lib/api'
import { AppStore } from '../../src-renderer/src/lib/stores/app.svelte'

const client = {} as ApiClient

describe('AppStore notices', () => {
  it('are cleared when the user goes to another screen, and kept on the same one', () => {
    const app = new AppStore(client)
    app.follow('#/p/1/sets')
    app.report({ code: 'bad_request', message: 'sets.createRandom: k: Too small: expected number to be >=1' })
    expect(app.notices.map((n) => n.message)).toEqual(['Images per set must be at least 1.'])
    app.follow('#/p/1/sets')
    expect(app.notices).toHaveLength(1)
    app.follow('#/p/2/label')
    expect(app.notices).toEqual([])
  })
})

describe('AppStore.panelError', () => {
  it('keeps an error in its panel, but hands a damaged workspace to the app', async () => {
    const health = { damaged: true, message: 'the workspace file is damaged', backups: [], canRestore: false }
    const app = new AppStore({ call: async () => ({ ok: true, value: health }) } as unknown as ApiClient)
    const panel = app.panelError()
    panel.show({ code: 'conflict', message: 'database is locked' })
    expect(panel.message).toBe('Database is locked.')
    expect(app.notices).toEqual([])
    panel.show({ code: 'workspace_damaged', message: 'the workspace file is damaged' })
    expect(panel.message).toBeNull()
    await expect.poll(() => app.damage).toEqual(health)
  })
})
