// A Stable Diffusion export as one model among the others, end to end: the tiny SD export sits in the
// workspace's models/ folder; the Reports screen offers it beside the built-in world's models, a report
// on it samples the prompts with fixed seeds through the one sampler and shows the model in the report;
// the Sample screen offers it in its own group.
import { cpSync, mkdirSync } from 'node:fs'
import { join } from 'node:path'
import type { Page } from 'playwright'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createProject, openStudioPage, type StudioPage } from './studio-page'

const FIXTURE = join(__dirname, '../fixtures/tiny-sd-onnx/model')
let studio: StudioPage
let page: Page
let projectId = 0

beforeAll(async () => {
  studio = await openStudioPage('sd-model', {
    prepare: async (dir) => {
      mkdirSync(join(dir, 'workspace', 'models'), { recursive: true })
      cpSync(FIXTURE, join(dir, 'workspace', 'models', 'tiny-sd'), { recursive: true })
    }
  })
  page = studio.page
})

afterAll(() => studio?.close())

describe('a Stable Diffusion folder in the model pickers', () => {
  it('is audited from the Reports screen like any model', async () => {
    projectId = await createProject(studio, 'Real model audit')
    await page.getByRole('link', { name: 'Reports' }).click()
    await page.waitForURL(new RegExp(`#/p/${projectId}/reports$`))
    const form = page.getByRole('form', { name: 'New report' })
    const choice = form.getByLabel('tiny-sd (Stable Diffusion)')
    await choice.waitFor({ timeout: 30_000 })
    await choice.check()
    await form.getByLabel('Imported images of these prompts').uncheck()
    await form.getByLabel('Prompts (one per line)').fill('a photo of a doctor')
    await form.getByLabel('Images per prompt').fill('2')
    await form.getByLabel('Steps').fill('2')
    await form.getByLabel('Title (optional)').fill('Tiny SD audit')
    await form.getByRole('button', { name: 'Create report' }).click()
    const view = page.getByRole('article', { name: 'Report' })
    await view.waitFor({ timeout: 90_000 })
    expect(await view.getByRole('heading', { level: 2 }).textContent()).toBe('Tiny SD audit')
    expect(await view.textContent()).toContain('tiny-sd (Stable Diffusion)')
  })

  it('is offered by the Sample screen in its own group', async () => {
    await page.getByRole('link', { name: 'Sample', exact: true }).click()
    await page.waitForURL(new RegExp(`#/p/${projectId}/sample`))
    const select = page.locator('select[name="model"]')
    await expect.poll(() => select.locator('optgroup[label="Stable Diffusion (workspace models/ folder)"] option').allTextContents(), { timeout: 30_000 }).toEqual(['tiny-sd (Stable Diffusion)'])
    // Choosing it leaves only the samplers it has.
    await select.selectOption('sd:tiny-sd')
    expect(await page.locator('select[name="sampler"] option[value="ddpm"]').isDisabled()).toBe(true)
  })
})
