import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { WebShell } from '../../src/web/server'
import { startShellAndBrowser } from '../fixtures/browser'

describe('web shell in Chromium: the keyboard shortcut sheet', () => {
  let shell: WebShell
  let browser: Browser
  beforeAll(async () => {
    ({ shell, browser } = await startShellAndBrowser('e2e-keys-'))
  })
  afterAll(async () => {
    await browser?.close()
    await shell?.close()
  })

  it.each([
    { width: 1360, dark: false },
    { width: 900, dark: true }
  ])('? opens it (not while typing), it lists the real shortcuts, Escape closes it, at $width px (dark: $dark)', async ({ width, dark }) => {
    const page = await browser.newPage({ viewport: { width, height: 800 }, colorScheme: dark ? 'dark' : 'light' })
    await page.goto(shell.url)
    await expect.poll(() => page.getByTestId('backend').textContent(), { timeout: 30_000 }).toMatch(/CPU only/)
    const sheet = page.getByTestId('shortcut-sheet')
    // typing a question mark in a text field is text, not a shortcut
    await page.getByTestId('nav-models').click()
    const input = page.getByTestId('import-path')
    await input.pressSequentially('why?')
    expect(await input.inputValue()).toBe('why?')
    expect(await sheet.isVisible()).toBe(false)
    await input.fill('')
    await page.locator('body').click({ position: { x: 5, y: 400 } })
    await page.keyboard.press('?')
    await sheet.waitFor({ state: 'visible' })
    const rows = await sheet.getByTestId('shortcut').allTextContents()
    for (const want of ['Alt+1Go to Chat', 'Alt+2Go to Review', 'Alt+6Go to Settings', 'EnterSend the message', 'jkNext / previous example', 'aApprove the current example']) expect(rows).toContain(want)
    // each listed navigation key really works: the sheet says what the app does
    await page.keyboard.press('Escape')
    await sheet.waitFor({ state: 'hidden' })
    await page.keyboard.press('Alt+6')
    await page.getByTestId('save-settings').waitFor()
    // the sheet fits the window
    await page.keyboard.press('?')
    await sheet.waitFor({ state: 'visible' })
    const box = (await sheet.boundingBox())!
    expect(box.x).toBeGreaterThanOrEqual(0)
    expect(box.x + box.width).toBeLessThanOrEqual(width)
    await page.keyboard.press('Escape')
    await sheet.waitFor({ state: 'hidden' })
    // round states read as words, not stored ids (awaiting_review)
    await page.keyboard.press('Alt+3')
    await page.getByLabel('Filter by status').waitFor()
    const states = await page.locator('option[value=awaiting_review]').allTextContents()
    expect(states).toEqual(['awaiting review'])
    expect((await page.locator('select option').allTextContents()).filter((t) => t.includes('_'))).toEqual([])
    await page.close()
  })

  it('at 900 px no view scrolls sideways (the views as a new user first sees them)', async () => {
    const page = await browser.newPage({ viewport: { width: 900, height: 800 } })
    await page.goto(shell.url)
    await expect.poll(() => page.getByTestId('backend').textContent(), { timeout: 30_000 }).toMatch(/CPU only/)
    for (const view of ['chat', 'review', 'rounds', 'models', 'experiments', 'settings']) {
      await page.getByTestId(`nav-${view}`).click()
      await page.waitForTimeout(500)
      const sizes = await page.evaluate(() => {
        const el = document.scrollingElement!
        return { scroll: el.scrollWidth, client: el.clientWidth }
      })
      expect(sizes.scroll, view).toBeLessThanOrEqual(sizes.client)
    }
    await page.close()
  })

  it('settings: number fields carry the engine\'s own bounds', async () => {
    const page = await browser.newPage({ viewport: { width: 1360, height: 800 } })
    await page.goto(shell.url)
    await page.getByTestId('nav-settings').click()
    await page.getByTestId('save-settings').waitFor({ timeout: 30_000 })
    const bounds = async (id: string) => [await page.getByTestId(id).getAttribute('min'), await page.getByTestId(id).getAttribute('max')]
    expect(await bounds('lora-rank')).toEqual(['1', '256'])
    expect(await bounds('optim-epochs')).toEqual(['1', '100'])
    expect(await bounds('optim-warmup')).toEqual(['0', '1'])
    expect(await bounds('context-size')).toEqual(['256', '131072'])
    expect(await bounds('max-answer-tokens')).toEqual(['16', '8192'])
    expect(await bounds('k')).toEqual(['1', '20'])
    expect(await bounds('tau')).toEqual(['0', '1'])
    // out of bounds is flagged by the field itself before anything is sent
    await page.getByTestId('lora-rank').fill('999')
    expect(await page.getByTestId('lora-rank').evaluate((el) => (el as HTMLInputElement).validity.rangeOverflow)).toBe(true)
    // an edit shows the unsaved bar until saved or discarded
    await page.getByTestId('unsaved-bar').waitFor()
    await page.getByTestId('discard-settings').click()
    await page.getByTestId('unsaved-bar').waitFor({ state: 'hidden' })
    expect(await page.getByTestId('lora-rank').inputValue()).toBe(String((await shell.engine.call('settings.get', {})).lora.rank))
    await page.getByTestId('k').fill('4')
    await page.getByTestId('unsaved-bar').waitFor()
    await page.getByTestId('save-settings').click()
    await page.getByTestId('unsaved-bar').waitFor({ state: 'hidden' })
    expect((await shell.engine.call('settings.get', {})).k).toBe(4)
    await page.close()
  })
})
