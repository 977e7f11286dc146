import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { WebShell } from '../../src/web/server'
import { startShellAndBrowser } from '../fixtures/browser'
import { SHORT_ANSWERS } from '../fixtures/quick-settings'

describe('web shell in Chromium: the agent picker and conversations (demo model)', () => {
  let shell: WebShell
  let browser: Browser
  beforeAll(async () => {
    ({ shell, browser } = await startShellAndBrowser('e2e-conv-'))
    await shell.engine.call('settings.update', SHORT_ANSWERS)
    const demo = await shell.engine.call('models.createDemo', {})
    await shell.engine.call('models.load', { modelId: demo.id, contextSize: 1024 })
  }, 300_000)
  afterAll(async () => {
    await browser?.close()
    await shell?.close()
  })

  it.each([
    { width: 1360, dark: false },
    { width: 900, dark: true }
  ])('picker shows who answers; a new conversation is stored only with its first message; rename and delete, at $width px (dark: $dark)', async ({ width, dark }) => {
    const page = await browser.newPage({ viewport: { width, height: 800 }, colorScheme: dark ? 'dark' : 'light' })
    await page.goto(shell.url)
    const picker = page.getByTestId('agent-picker')
    const [first] = await shell.engine.call('profiles.list', {})
    await expect.poll(() => picker.inputValue(), { timeout: 30_000 }).toBe(first.id)
    // a narrow window folds the conversation list behind its toggle
    if (width < 1100) {
      expect(await page.getByTestId('conversation-sidebar').count()).toBe(0)
      await page.getByTestId('conversations-toggle').click()
    }
    // a new conversation with another agent is a draft: nothing is stored until it has a message
    await page.getByTestId('new-conversation').click()
    await picker.selectOption('')
    await page.getByTestId('new-conversation').click()
    await page.getByTestId('draft-conversation').waitFor()
    expect(await picker.inputValue()).toBe('')
    expect(await shell.engine.call('conversations.list', {})).toEqual([])
    await page.getByTestId('chat-input').fill('Hello there')
    await page.getByTestId('send').click()
    await page.getByTestId('message-assistant').waitFor({ timeout: 180_000 })
    const [conv] = await shell.engine.call('conversations.list', {})
    expect(conv.profileId).toBeNull() // the agent the picker showed is the one that answered
    expect(await picker.inputValue()).toBe('')
    expect(await page.getByTestId('draft-conversation').count()).toBe(0)
    // rename in place
    await page.getByTestId('conversation-rename').click()
    await page.getByTestId('conversation-rename-input').fill('Plain talk')
    await page.keyboard.press('Enter')
    await expect.poll(async () => (await shell.engine.call('conversations.list', {}))[0].title).toBe('Plain talk')
    await page.getByTestId('conversation').filter({ hasText: 'Plain talk' }).waitFor()
    // Escape cancels a rename
    await page.getByTestId('conversation-rename').click()
    await page.getByTestId('conversation-rename-input').fill('Not this')
    await page.keyboard.press('Escape')
    expect((await shell.engine.call('conversations.list', {}))[0].title).toBe('Plain talk')
    // delete asks first
    await page.getByTestId('conversation-delete').click()
    await page.getByTestId('confirm').click()
    await expect.poll(async () => (await shell.engine.call('conversations.list', {})).length).toBe(0)
    await expect.poll(() => page.getByTestId('conversation').count()).toBe(0)
    await page.close()
  })
})
