import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startWebShell, type WebShell } from '../../src/web/server'
import { launchChromium } from '../fixtures/browser'
import { tempDir } from '../fixtures/engine'
import { ensureTestModel } from '../fixtures/test-models'
import { SHORT_ANSWERS, quickOptim } from '../fixtures/quick-settings'

const root = join(fileURLToPath(import.meta.url), '..', '..', '..')
const shots = join(root, 'docs', 'screenshots')

/** Stands in for self-augmentation text: random-weight test models rarely write valid pairs. */
const pairs = async () =>
  JSON.stringify({
    examples: [
      { input: 'How warm is it in Rome today?', call: { name: 'get_weather', arguments: { city: 'Rome' } } },
      { input: 'Weather for Oslo please', call: { name: 'get_weather', arguments: { city: 'Oslo', unit: 'celsius' } } },
      { input: 'Is it raining in Lima?', call: { name: 'get_weather', arguments: { town: 'Lima' } } }
    ]
  })

describe('web shell in Chromium: the whole TT-SI walk', () => {
  let shell: WebShell
  let browser: Browser
  let page: Page
  beforeAll(async () => {
    shell = await startWebShell({
      engineOptions: { dataDir: tempDir('e2e-'), gpu: 'cpu', threads: 1, augmentOverride: pairs },
      staticDir: join(root, 'out', 'renderer')
    })
    await shell.engine.call('settings.update', { tau: 0.999, optim: quickOptim(3), ...SHORT_ANSWERS })
    browser = await launchChromium()
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } })
  })
  afterAll(async () => {
    await browser?.close()
    await shell?.close()
  })

  it('refuses a WebSocket with a wrong token', async () => {
    const res = await page.goto(shell.url.replace(/token=[^&]+/, 'token=wrong'))
    expect(res?.status()).toBe(200) // the page loads, the engine does not answer
    await page.waitForTimeout(1000)
    await page.getByTestId('connection-banner').waitFor()
    expect(await page.getByTestId('backend').textContent()).toBe('Disconnected')
  })

  it('starts with no model and shows how to get one', async () => {
    await page.goto(shell.url)
    await page.getByText('No model is loaded').waitFor()
    expect(await page.getByRole('button', { name: 'Go to Models' }).isVisible()).toBe(true)
    expect(await page.getByTestId('backend').textContent()).toMatch(/CPU only/)
    await page.screenshot({ path: join(shots, 'chat-no-model.png') })
  })

  it('imports and loads a generated model', async () => {
    await page.getByTestId('nav-models').click()
    await page.getByTestId('import-path').fill(await ensureTestModel())
    await page.getByTestId('import-model').click()
    await page.getByTestId('load-model').click()
    await page.getByText('loaded', { exact: true }).waitFor({ timeout: 60_000 })
    await page.screenshot({ path: join(shots, 'models.png'), fullPage: true })
  })

  it('chats: tokens stream, the answer is a tool call with an uncertainty badge and a trace', async () => {
    await page.getByTestId('nav-chat').click()
    await page.getByTestId('chat-input').fill('What is the weather in Paris?')
    await page.getByTestId('send').click()
    // tokens appear in the streaming bubble before the final message replaces it
    await page.waitForFunction(() => (document.querySelector('[data-testid=streaming]')?.textContent ?? '').length > 5, null, { timeout: 60_000 })
    await page.getByTestId('message-assistant').waitFor({ timeout: 120_000 })
    expect(await page.getByTestId('streaming').count()).toBe(0)
    expect(await page.getByTestId('tool-call').count()).toBeGreaterThanOrEqual(0)
    const badge = page.getByTestId('uncertainty-badge')
    // the badge states the margin against tau, and its verdict follows from them
    const text = (await badge.textContent()) ?? ''
    const m = /(uncertain|confident) · ([\d.]+) \/ τ ([\d.]+)/.exec(text)
    expect(m, text).not.toBeNull()
    expect(m![1] === 'uncertain').toBe(Number(m![2]) < Number(m![3]))
    expect(await badge.getAttribute('data-uncertain')).toBe(String(m![1] === 'uncertain'))
    // the badge opens a popover with the verdict and the top candidates; Escape closes it
    await badge.click()
    const pop = page.getByTestId('uncertainty-popover')
    await pop.waitFor()
    expect(await pop.textContent()).toContain(`${Number(m![2]).toFixed(2).slice(0, 3)}`)
    for (const tool of ['get_weather', 'search_web', 'create_event']) expect(await pop.textContent()).toContain(tool)
    await page.screenshot({ path: join(shots, 'chat-uncertainty.png') })
    await page.keyboard.press('Escape')
    expect(await pop.count()).toBe(0)
    await page.getByTestId('trace-toggle').click()
    expect(await page.getByTestId('token').count()).toBeGreaterThan(3)
    // a token's alternatives open under it and stay inside the strip, also for the token that starts nearest its right edge
    // (a narrow window, so that the answer wraps and some token ends at the strip's edge)
    const viewport = page.viewportSize()!
    await page.setViewportSize({ width: 640, height: viewport.height })
    const strip = page.getByTestId('token-strip').first()
    expect((await strip.boundingBox())!.height).toBeGreaterThan(30) // more than one line
    const lefts = await strip.getByTestId('token').evaluateAll((els) => els.map((e) => e.getBoundingClientRect().left))
    await strip.getByTestId('token').nth(lefts.indexOf(Math.max(...lefts))).hover()
    const tip = page.getByTestId('token-tip')
    await tip.waitFor()
    const [stripBox, tipBox] = [(await strip.boundingBox())!, (await tip.boundingBox())!]
    expect(tipBox.x + tipBox.width).toBeLessThanOrEqual(stripBox.x + stripBox.width + 1)
    expect(tipBox.x).toBeGreaterThanOrEqual(stripBox.x - 1)
    expect(await tip.textContent()).toMatch(/\d+(\.\d)?%/)
    await page.mouse.move(0, 0)
    await tip.waitFor({ state: 'detached' })
    await page.setViewportSize(viewport)
    expect(await page.getByTestId('candidates').locator('tr').count()).toBe(3)
    await page.screenshot({ path: join(shots, 'chat-trace.png') })
  })

  it('improve -> review -> approve -> training -> round done -> history shows before and after', async () => {
    await page.getByTestId('improve').click()
    await page.getByTestId('nav-review-count').waitFor({ timeout: 60_000 })
    await page.getByTestId('nav-review').click()
    await page.getByTestId('review-item').first().waitFor()
    expect(await page.getByTestId('review-item').count()).toBe(2) // the third pair was invalid
    await page.screenshot({ path: join(shots, 'review.png') })
    await page.getByTestId('approve').first().click()
    await page.getByTestId('approve').first().click()
    await page.getByTestId('nav-rounds').click()
    await page.getByTestId('round-detail').waitFor()
    await page.getByTestId('round-detail').getByText('done', { exact: true }).waitFor({ timeout: 180_000 })
    expect(await page.getByTestId('answer-before').textContent()).toContain('{"name":"')
    expect(await page.getByTestId('answer-after').textContent()).toContain('{"name":"')
    expect(await page.getByTestId('loss-curve').locator('svg').count()).toBeGreaterThan(0)
    expect(await page.getByTestId('training-device').textContent()).toBe('CPU · no GPU backend is available')
    await page.screenshot({ path: join(shots, 'rounds.png'), fullPage: true })
  })

  /** Sends a chat message and returns the answer to it once it is final (the last message of the list). */
  async function ask(text: string) {
    await page.getByTestId('chat-input').fill(text)
    await page.getByTestId('send').click()
    await page.getByTestId('message-user').filter({ hasText: text }).waitFor()
    const last = page.getByTestId('message-list').locator('[data-testid^="message-"]').last()
    await expect.poll(() => last.getAttribute('data-testid'), { timeout: 120_000 }).toBe('message-assistant')
    await expect.poll(() => page.getByTestId('streaming').count(), { timeout: 120_000 }).toBe(0)
    return page.getByTestId('message-assistant').last()
  }

  it('settings: RSS over sampled full calls lists the sampled calls as the candidates', async () => {
    // A random-weight model rarely closes an unbounded string: with the schema's own grammar its greedy call then
    // runs to the token limit and is no call at all. Bounded strings make every call (greedy and sampled) close.
    const [profile] = await shell.engine.call('profiles.list', {})
    const bounded = (schema: Record<string, unknown>): Record<string, unknown> =>
      schema.type === 'string' && !schema.enum ? { ...schema, maxLength: 8 }
      : schema.properties ? { ...schema, properties: Object.fromEntries(Object.entries(schema.properties as Record<string, Record<string, unknown>>).map(([k, v]) => [k, bounded(v)])) }
      : schema
    await shell.engine.call('profiles.save', { ...profile, tools: profile.tools.map((t) => ({ ...t, parameters: { ...bounded(t.parameters as Record<string, unknown>), type: 'object' as const } })) })
    await page.getByTestId('nav-settings').click()
    await page.getByTestId('rss-candidates').selectOption('sampled-calls')
    await page.getByTestId('rss-samples').fill('3')
    await page.getByTestId('save-settings').click()
    await expect.poll(async () => (await shell.engine.call('settings.get', {})).rssCandidates).toBe('sampled-calls')
    expect((await shell.engine.call('settings.get', {})).rssSamples).toBe(3)
    await page.getByTestId('nav-chat').click()
    const answer = await ask('Weather in Oslo tomorrow?')
    await answer.getByTestId('trace-toggle').click()
    const labels = await answer.getByTestId('candidates').locator('tr td:first-child').allTextContents()
    expect(labels.length).toBeGreaterThanOrEqual(1)
    expect(labels.length).toBeLessThanOrEqual(4) // the greedy answer's call and at most 3 samples, each once
    for (const l of labels) expect(l).toMatch(/^sample \d+: \{"name":"/)
    await shell.engine.call('settings.update', { rssCandidates: 'tools' })
  })

  it('a profile that may answer in text: the editor saves it, and "answer in text" becomes a candidate action', async () => {
    await page.getByRole('button', { name: 'Edit profiles' }).click()
    await page.getByTestId('profile-allow-text').check()
    await page.getByRole('button', { name: 'Save profile' }).click()
    await expect.poll(async () => (await shell.engine.call('profiles.list', {}))[0].allowText).toBe(true)
    await page.getByRole('button', { name: 'Close editor' }).click()
    const answer = await ask('Tell me a joke.')
    await answer.getByTestId('trace-toggle').click()
    const labels = await answer.getByTestId('candidates').locator('tr td:first-child').allTextContents()
    expect(labels).toEqual(['get_weather', 'search_web', 'create_event', '(plain text answer)'])
    // a random-weight model puts almost no probability on the one token that opens a call: it answers in text
    expect(await answer.getByTestId('tool-call').count()).toBe(0)
    await page.getByRole('button', { name: 'Edit profiles' }).click()
    await page.getByTestId('profile-allow-text').uncheck()
    await page.getByRole('button', { name: 'Save profile' }).click()
    await expect.poll(async () => (await shell.engine.call('profiles.list', {}))[0].allowText).toBe(false)
    await page.getByRole('button', { name: 'Close editor' }).click()
  })

  it('settings and experiments views render', async () => {
    await page.getByTestId('nav-settings').click()
    await page.getByTestId('save-settings').waitFor()
    await page.screenshot({ path: join(shots, 'settings.png'), fullPage: true })
    await page.getByTestId('nav-experiments').click()
    await page.waitForTimeout(300)
    await page.screenshot({ path: join(shots, 'experiments.png'), fullPage: true })
  })
})
