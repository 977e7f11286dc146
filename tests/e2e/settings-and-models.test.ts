import { renameSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startWebShell, type WebShell } from '../../src/web/server'
import { startShellAndBrowser } from '../fixtures/browser'

const staticDir = join(fileURLToPath(import.meta.url), '..', '..', '..', 'out', 'renderer')

describe.sequential('web shell in Chromium: unsaved settings, field errors, the last model at start', () => {
  let shell: WebShell
  let browser: Browser
  beforeAll(async () => {
    ({ shell, browser } = await startShellAndBrowser('e2e-settings-'))
  }, 120_000)
  afterAll(async () => {
    await browser?.close()
    await shell?.close()
  })
  /** the web shell stopped and started again on the same data folder (a new port and token) */
  const restart = async () => {
    const dataDir = shell.engine.services.paths.dataDir
    await shell.close()
    shell = await startWebShell({ engineOptions: { dataDir, gpu: 'cpu', threads: 1 }, staticDir })
  }
  const current = (page: Page) => page.locator('nav [aria-current="page"]').getAttribute('data-testid')
  const settingsK = async () => (await shell.engine.call('settings.get', {})).k

  it('leaving Settings with unsaved edits asks (stay, discard, save); an out-of-range value shows its error beside its field and blocks saving (1360 px, light)', async () => {
    const page = await browser.newPage({ viewport: { width: 1360, height: 900 }, colorScheme: 'light' })
    await page.goto(shell.url)
    await page.getByTestId('nav-settings').click()
    const k = page.getByTestId('k')
    await expect.poll(() => k.inputValue(), { timeout: 30_000 }).toBe('3')
    // number fields carry the engine's bounds (settings.bounds)
    expect(await k.evaluate((el: HTMLInputElement) => [el.min, el.max, el.step])).toEqual(['1', '20', '1'])
    expect(await page.getByTestId('tau').evaluate((el: HTMLInputElement) => [el.min, el.max, el.step])).toEqual(['0', '1', '0.01'])

    // stay keeps the edit
    await k.fill('7')
    await page.getByTestId('unsaved-bar').waitFor()
    await page.getByTestId('nav-models').click()
    const dialog = page.getByTestId('unsaved-dialog')
    await dialog.waitFor()
    expect(await dialog.textContent()).toContain('Unsaved changes in Settings')
    await page.getByTestId('unsaved-stay').click()
    await dialog.waitFor({ state: 'hidden' })
    expect(await current(page)).toBe('nav-settings')
    expect(await k.inputValue()).toBe('7')
    // Alt+1 asks the same way
    await page.keyboard.press('Alt+1')
    await dialog.waitFor()
    await page.keyboard.press('Escape') // = stay
    await dialog.waitFor({ state: 'hidden' })
    expect(await current(page)).toBe('nav-settings')

    // closing or reloading the tab: the browser's own prompt
    const prompts: string[] = []
    page.on('dialog', (d) => void (prompts.push(d.type()), d.dismiss()))
    const reloading = page.reload({ timeout: 5_000 }).catch(() => undefined) // refused below: it never completes
    await expect.poll(() => prompts, { timeout: 10_000 }).toEqual(['beforeunload'])
    expect(await k.inputValue()).toBe('7') // dismissed: the page and the edit stay

    // discard drops it
    await page.getByTestId('nav-chat').click()
    await page.getByTestId('unsaved-discard').click()
    expect(await current(page)).toBe('nav-chat')
    expect(await settingsK()).toBe(3)
    await page.getByTestId('nav-settings').click()
    await expect.poll(() => k.inputValue()).toBe('3')

    // out of range: the error stands beside its field, nothing can be saved
    await k.fill('25')
    const kField = page.locator('label', { has: k })
    await kField.getByTestId('field-error').waitFor()
    expect(await kField.getByTestId('field-error').textContent()).toBe('25 is too large: from 1 to 20.')
    expect(await k.getAttribute('aria-invalid')).toBe('true')
    expect(await page.getByTestId('save-settings').isDisabled()).toBe(true)
    expect(await page.getByTestId('field-error').count()).toBe(1) // only that field
    await page.getByTestId('nav-models').click()
    expect(await page.getByTestId('unsaved-save').isDisabled()).toBe(true) // the prompt cannot save it either
    await page.getByTestId('unsaved-stay').click()
    expect(await settingsK()).toBe(3)
    await page.getByTestId('optim-lr').fill('0') // the learning rate must be above 0
    expect(await page.locator('label', { has: page.getByTestId('optim-lr') }).getByTestId('field-error').textContent()).toContain('too small')

    // fixed and saved through the prompt: it leaves, the engine has the values
    await k.fill('7')
    await page.getByTestId('optim-lr').fill('0.0002')
    expect(await page.getByTestId('field-error').count()).toBe(0)
    await page.getByTestId('nav-models').click()
    await page.getByTestId('unsaved-save').click()
    await expect.poll(() => current(page)).toBe('nav-models')
    expect(await shell.engine.call('settings.get', {})).toMatchObject({ k: 7, optim: { lr: 0.0002 } })
    // nothing unsaved: no prompt
    await page.getByTestId('nav-settings').click()
    await page.getByTestId('nav-chat').click()
    expect(await current(page)).toBe('nav-chat')
    await reloading
    await page.close()
  }, 120_000)

  it('after a restart the last model used is loaded again and shown; with its file gone the app starts and says what to do (900 px, dark)', async () => {
    const demo = await shell.engine.call('models.createDemo', {})
    await shell.engine.call('models.load', { modelId: demo.id, contextSize: 512 })
    await restart()
    const page = await browser.newPage({ viewport: { width: 900, height: 800 }, colorScheme: 'dark' })
    await page.goto(shell.url)
    const model = page.getByTestId('loaded-model')
    await expect.poll(() => model.textContent(), { timeout: 60_000 }).toBe(`Model: ${demo.name}`)
    expect((await shell.engine.call('models.last', {})).atStart).toBe('loaded')
    await page.getByTestId('chat-input').waitFor()
    expect(await page.getByTestId('chat-input').isDisabled()).toBe(false)
    await page.getByTestId('nav-models').click()
    expect(await page.getByTestId('last-used').textContent()).toBe('last used · loaded at start')
    await page.close()

    // the file is gone: no crash, no model, a note saying why and what to do
    renameSync(demo.path, `${demo.path}.away`)
    await restart()
    const again = await browser.newPage({ viewport: { width: 900, height: 800 }, colorScheme: 'dark' })
    await again.goto(shell.url)
    const note = again.getByTestId('last-model-note')
    await note.waitFor({ timeout: 30_000 })
    expect(await note.textContent()).toContain(`its file is gone (${demo.path})`)
    expect(await again.getByTestId('try-self-improvement').isVisible()).toBe(true)
    expect(await again.getByTestId('loaded-model').textContent()).toBe('Model: none loaded')
    await again.close()
  }, 120_000)
})
