import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { sig } from '../../src/shared/format'
import type { WebShell } from '../../src/web/server'
import { startShellAndBrowser } from '../fixtures/browser'
import { jobEnd, tempDir } from '../fixtures/engine'
import { writeWeatherDataset } from '../fixtures/experiment-data'
import { SHORT_ANSWERS, quickOptim } from '../fixtures/quick-settings'

const shots = join(fileURLToPath(import.meta.url), '..', '..', '..', 'docs', 'screenshots')
const LONG = { timeout: 240_000 }
/** Unbroken strings that widen a page unless they wrap or scroll in their own box: a path, a title, a name. */
const PATH = `/srv/data/${'very-long-folder-name-without-spaces-'.repeat(8)}weather.json`
const QUESTION = `What is the weather in Paris? The notes are in ${PATH}`
const TITLE = `Notes-${'a-long-unbroken-conversation-title-'.repeat(5)}end`
const DATASET = `weather-${'an-unbroken-dataset-name-'.repeat(6)}v1`
/** Stored ids that must never reach the screen as such. */
const RAW_IDS = /awaiting_review|no_valid_examples|per-query|tt-icl|tt-si|token-entropy|self\+edited|\brss\b/
const VIEWS = ['chat', 'review', 'rounds', 'models', 'experiments', 'settings'] as const
/** What each view shows once open, to prove a click on the navigation got there. */
const LANDMARK: Record<(typeof VIEWS)[number], string> = {
  chat: 'chat-input',
  review: 'bulk-approve',
  rounds: 'round-detail',
  models: 'library',
  experiments: 'new-run',
  settings: 'save-settings'
}
/** Polls `ok` (beforeAll has no expect.poll) until it holds, or fails after four minutes naming `what`. */
async function until(ok: () => Promise<boolean>, what: string) {
  for (const end = Date.now() + LONG.timeout; !(await ok()); await new Promise((r) => setTimeout(r, 200))) if (Date.now() > end) throw new Error(`timed out waiting for ${what}`)
}
const SIZES = [
  [1360, 900],
  [900, 800]
] as const

/**
 * Layout from 900 px (issue 14, item 7), on one web shell with real data: a demo-model answer with its trace, a
 * round the demo teacher wrote pairs for, trained on the CPU, an interrupted round and an experiment run. At
 * 1360 and 900 px, light and dark, in one browser page resized and re-themed.
 */
describe('web shell in Chromium: layout from 900 px, the loss chart, states as words', () => {
  let shell: WebShell
  let browser: Browser
  let page: Page
  let conversationId: string
  let roundId: string
  beforeAll(async () => {
    ({ shell, browser } = await startShellAndBrowser('e2e-layout-'))
    const engine = shell.engine
    await engine.call('settings.update', { teacher: { kind: 'demo' }, optim: quickOptim(2), ...SHORT_ANSWERS })
    const model = await engine.call('models.createDemo', {})
    await engine.call('models.load', { modelId: model.id, contextSize: 1024 })
    const [profile] = await engine.call('profiles.list', {})
    const conv = await engine.call('conversations.create', { title: TITLE, profileId: profile.id })
    conversationId = conv.id
    const sent = await engine.call('chat.send', { conversationId, content: QUESTION, maxTokens: 48 })
    expect((await jobEnd(engine, sent.jobId, LONG.timeout)).job.status).toBe('done')
    await engine.call('conversations.rename', { id: conversationId, title: TITLE }) // the first message named it
    // an experiment run on a dataset with a long name
    const dataset = await engine.call('datasets.import', { path: writeWeatherDataset(tempDir('e2e-layout-data-'), 2), name: DATASET })
    const run = await engine.call('experiments.start', { datasetId: dataset.id, modelId: model.id, methods: ['baseline'], taus: [0.5, 0.9], seeds: [0], limit: 2, maxTokens: 16 })
    expect((await jobEnd(engine, run.jobId, LONG.timeout)).job.status).toBe('done')
    // the round: the demo teacher's pairs wait for review
    roundId = (await engine.call('rounds.start', { messageId: sent.assistantMessageId })).roundId
    await until(async () => (await engine.call('rounds.get', { id: roundId })).status === 'awaiting_review', 'the round to wait for review')
    page = await browser.newPage({ viewport: { width: 1360, height: 900 } })
    await page.addInitScript(() => localStorage.getItem('theme') ?? localStorage.setItem('theme', 'light'))
    await page.goto(shell.url)
    await page.getByTestId('backend').filter({ hasText: 'CPU only' }).waitFor({ timeout: 30_000 })
  }, 300_000)
  afterAll(async () => {
    await browser?.close()
    await shell?.close()
  })

  /** Sets the window size and the theme by its toggle in the navigation. */
  async function look(width: number, height: number, theme: 'light' | 'dark') {
    await page.setViewportSize({ width, height })
    const dark = () => page.evaluate(() => document.documentElement.classList.contains('dark'))
    if ((await dark()) !== (theme === 'dark')) await page.getByTestId('theme-toggle').click()
    expect(await dark()).toBe(theme === 'dark')
    // a narrow window folds the navigation to an icon rail; a wide one shows the labels (after React's re-render)
    const navWidth = async () => (await page.getByTestId('app-nav').boundingBox())!.width
    if (width < 1100) await expect.poll(navWidth, { timeout: 10_000 }).toBeLessThanOrEqual(64)
    else await expect.poll(navWidth, { timeout: 10_000 }).toBeGreaterThanOrEqual(180)
  }
  async function go(view: (typeof VIEWS)[number]) {
    await page.getByTestId(`nav-${view}`).click()
    expect(await page.getByTestId(`nav-${view}`).getAttribute('aria-current')).toBe('page')
    await page.getByTestId(LANDMARK[view]).first().waitFor()
  }
  /** Neither the page nor its scrolling panes scroll sideways. */
  async function noSideways(what: string) {
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))))
    const boxes = await page.evaluate(() =>
      [document.scrollingElement!, ...document.querySelectorAll('[data-testid=main], [data-testid=message-list], [data-testid=conversation-list]')].map((e) => ({
        name: e.getAttribute('data-testid') ?? 'page',
        scroll: e.scrollWidth,
        client: e.clientWidth
      }))
    )
    expect(boxes.length, what).toBeGreaterThan(1)
    for (const b of boxes) expect(b.scroll, `${what}: ${b.name} scrolls sideways`).toBeLessThanOrEqual(b.client)
  }
  /** Opens every closed <details> under `testId` (prompts, the stored config), so their long text is laid out. */
  async function openDetails(testId: string) {
    await page.getByTestId(testId).evaluate((el) => el.querySelectorAll('details').forEach((d) => (d.open = true)))
  }
  async function visibleText(testId: string) {
    return (await page.getByTestId(testId).evaluateAll((els) => els.map((e) => (e as HTMLElement).innerText))).join('\n')
  }

  it('while the pairs wait for review: the queue, the rounds and the chat pill fit and read as words, at 1360 and 900 px, light and dark', async () => {
    for (const [width, height] of SIZES) {
      for (const theme of ['light', 'dark'] as const) {
        await look(width, height, theme)
        const what = `${width} px ${theme}`
        await go('review')
        await expect.poll(() => page.getByTestId('review-item').count()).toBe(3)
        await noSideways(`review, ${what}`)

        await go('rounds')
        if (width < 1100) {
          expect(await page.getByTestId('round-history').count()).toBe(0) // folded behind its toggle
          await page.getByTestId('history-toggle').click()
        }
        await page.getByTestId('round-row').first().waitFor()
        await noSideways(`rounds, ${what}`)
        expect(await page.getByTestId('round-row').first().locator('span').first().innerText()).toBe('awaiting review')
        expect(await page.getByTestId('round-status').innerText()).toBe('awaiting review')
        expect(await page.getByTestId('round-meta').innerText()).toMatch(/^stage: review · one adapter per query · margin /)
        const rounds = await visibleText('round-list') + (await visibleText('round-detail'))
        expect(rounds).not.toMatch(RAW_IDS)

        await go('chat')
        const pill = page.getByTestId('round-pill')
        await expect.poll(() => pill.getAttribute('data-status')).toBe('awaiting_review')
        expect(await pill.innerText()).toMatch(/^round: 3 examples to review/)
        expect(await pill.innerText()).not.toMatch(RAW_IDS)
        await noSideways(`chat, ${what}`)
      }
    }
    // approved in the queue: the round trains on the CPU and answers again
    await go('review')
    await page.getByRole('button', { name: 'Approve all' }).click()
    await page.getByText('Nothing to review').waitFor()
    await expect.poll(async () => (await shell.engine.call('rounds.get', { id: roundId })).status, LONG).not.toMatch(/^(awaiting_review|running|training)$/)
    const trained = await shell.engine.call('rounds.get', { id: roundId })
    expect({ status: trained.status, error: trained.error }).toEqual({ status: 'done', error: null })
    // and a second round, stopped while it scores: interrupted
    const [profile] = await shell.engine.call('profiles.list', {})
    const stopped = await shell.engine.call('rounds.start', { query: 'What time is it in Lima?', profileId: profile.id })
    await shell.engine.call('jobs.cancel', { jobId: stopped.jobId })
    await expect.poll(async () => (await shell.engine.call('rounds.get', { id: stopped.roundId })).status, LONG).toBe('interrupted')
  }, 300_000)

  it('every view with data fits at 1360 and 900 px, light and dark: trace, prompts, LoRA config, round detail, models, experiments', async () => {
    for (const [width, height] of SIZES) {
      for (const theme of ['dark', 'light'] as const) {
        await look(width, height, theme)
        const what = `${width} px ${theme}`
        await go('chat')
        // the side list of conversations folds on a narrow window; its toggle brings it back
        expect(await page.getByTestId('conversation-sidebar').count()).toBe(width < 1100 ? 0 : 1)
        if (width < 1100) expect(await page.getByTestId('conversation-title').innerText()).toBe(TITLE)
        await page.getByTestId('improved-answer').waitFor(LONG)
        const answer = page.getByTestId('message-assistant').first()
        await answer.getByTestId('trace-toggle').click()
        await answer.getByTestId('candidates').waitFor()
        await openDetails('trace-panel')
        expect(await page.getByTestId('prompt').innerText()).toContain(PATH)
        expect(await page.getByTestId('trace-panel').locator('h4').allInnerTexts()).toContainEqual(expect.stringMatching(/^Candidate actions · RSS margin · margin /))
        await noSideways(`chat with the trace and prompt open, ${what}`)
        if (width < 1100 && theme === 'dark') await page.screenshot({ path: join(shots, 'layout-900-dark-chat-trace.png') })
        if (width < 1100) {
          await page.getByTestId('conversations-toggle').click()
          await page.getByTestId('conversation-sidebar').waitFor()
          await noSideways(`chat with the conversations open, ${what}`)
          await page.getByTestId('conversation').first().getByRole('button', { name: TITLE, exact: true }).click()
          await page.getByTestId('conversation-sidebar').waitFor({ state: 'detached' }) // a pick folds the list again
        }
        await answer.getByTestId('trace-toggle').click()

        await go('rounds')
        await openRound(width, roundId)
        const detail = page.getByTestId('round-detail')
        await detail.getByTestId('loss-chart').waitFor()
        expect(await visibleText('round-detail')).not.toMatch(RAW_IDS)
        await openDetails('round-detail')
        expect(await detail.getByTestId('round-query').innerText()).toContain(PATH)
        expect(await detail.getByTestId('lora-config').innerText()).toMatch(/^rank \d+ · alpha \d+/)
        expect(await detail.getByTestId('training-config-json').innerText()).toContain('"lora"')
        await noSideways(`round detail with prompts and config open, ${what}`)
        if (width < 1100 && theme === 'light') {
          await detail.getByTestId('adapter-card').scrollIntoViewIfNeeded()
          await page.screenshot({ path: join(shots, 'layout-900-light-round.png') })
        }

        await go('models')
        await expect.poll(() => page.getByTestId('library-model').count()).toBe(1)
        await noSideways(`models, ${what}`)
        await go('experiments')
        await page.getByTestId('results-table').waitFor()
        await noSideways(`experiments, ${what}`)
        await go('settings')
        await noSideways(`settings, ${what}`)
      }
    }
  }, 300_000)

  it('the round list reads states as words: done, interrupted', async () => {
    await look(1360, 900, 'light')
    await go('rounds')
    await page.getByTestId('round-row').nth(1).waitFor()
    const badges = await page.getByTestId('round-row').evaluateAll((rows) => rows.map((r) => r.querySelector('span')!.innerText))
    expect(badges.sort()).toEqual(['done', 'interrupted'])
    expect(await visibleText('round-list')).not.toMatch(RAW_IDS)
    await openRound(1360, roundId)
    expect(await page.getByTestId('round-status').innerText()).toBe('done')
    expect(await page.getByTestId('round-meta').innerText()).toMatch(/^stage: finished · one adapter per query · /)
  })

  it('the loss chart fits its y axis to the losses, names both axes and rounds its tooltip', async () => {
    for (const theme of ['light', 'dark'] as const) {
      await look(1360, 900, theme)
      await go('rounds')
      await openRound(1360, roundId)
      const losses = (await shell.engine.call('rounds.get', { id: roundId })).training!.losses
      expect(losses.length).toBeGreaterThan(1)
      const chart = page.getByTestId('loss-chart')
      await chart.locator('.recharts-line').waitFor()
      expect((await chart.locator('.recharts-label').allTextContents()).sort()).toEqual(['loss', 'step'])
      // recharts draws the tick labels in their own layer (recharts-yAxis-tick-labels), outside the axis group
      const yTicks = chart.locator(':is(.recharts-yAxis, .recharts-yAxis-tick-labels) .recharts-cartesian-axis-tick-value')
      const ticks = (await yTicks.allTextContents()).map(Number)
      const [lo, hi] = [Math.min(...losses.map((l) => l.loss)), Math.max(...losses.map((l) => l.loss))]
      expect(Math.min(...ticks)).toBeLessThanOrEqual(lo)
      expect(Math.max(...ticks)).toBeGreaterThanOrEqual(hi)
      // the axis spans the data with some room, not 0..max: the bottom tick lies less than the data's range (or a fifth of the top) below the lowest loss
      expect(Math.min(...ticks)).toBeGreaterThan(lo - Math.max(hi - lo, 0.2 * hi))
      // round tick labels, each one different
      const labels = await yTicks.allTextContents()
      expect(labels.length).toBeGreaterThanOrEqual(3)
      expect(new Set(labels).size).toBe(labels.length)
      for (const t of labels) expect(t).toMatch(/^-?\d+(\.\d{1,3})?$/)
      // hovering a point: "step N" and its loss to three significant digits
      await chart.locator('.recharts-surface').hover() // its middle, scrolled into view
      const tip = chart.locator('.recharts-tooltip-wrapper')
      await tip.locator('.recharts-tooltip-item-value').waitFor()
      const step = Number(/^step (\d+)$/.exec(await tip.locator('.recharts-tooltip-label').innerText())?.[1])
      const point = losses.find((l) => l.step === step)
      expect(point, `a loss at step ${step}`).toBeDefined()
      expect(await tip.locator('.recharts-tooltip-item-value').innerText()).toBe(sig(point!.loss))
      expect(await tip.locator('.recharts-tooltip-item-name').innerText()).toBe('loss')
      await page.mouse.move(0, 0)
    }
  })

  it('at 900 px the folded navigation still reaches every view, and opens to labels by its toggle', async () => {
    await look(900, 800, 'dark')
    const nav = page.getByTestId('app-nav')
    expect(await nav.getAttribute('data-collapsed')).toBe('true')
    for (const view of VIEWS) {
      await go(view)
      await noSideways(`${view} at 900 px`)
    }
    // the rail's buttons keep their names for screen readers and tooltips
    await page.getByRole('button', { name: 'Experiments' }).click()
    await page.getByTestId('new-run').waitFor()
    expect(await page.getByTestId('nav-rounds').getAttribute('title')).toBe('Rounds (Alt+3)')
    await page.getByTestId('nav-toggle').click()
    expect(await nav.getAttribute('data-collapsed')).toBe('false')
    expect((await nav.boundingBox())!.width).toBeGreaterThanOrEqual(180)
    expect(await page.getByTestId('nav-models').innerText()).toBe('Models')
    await noSideways('experiments at 900 px with the navigation open')
    await page.getByTestId('nav-toggle').click()
    expect(await nav.getAttribute('data-collapsed')).toBe('true')
    // the keyboard reaches the views as before
    await page.keyboard.press('Alt+4')
    await page.getByTestId('library').waitFor()
  })

  /** Selects round `id` in Rounds (through the history toggle on a narrow window). */
  async function openRound(width: number, id: string) {
    const detail = page.getByTestId('round-detail')
    const want = (await shell.engine.call('rounds.get', { id })).query
    if ((await detail.getByTestId('round-query').innerText()).includes(want)) return
    if (width < 1100) await page.getByTestId('history-toggle').click()
    await page.getByTestId('round-row').filter({ hasText: want.slice(0, 30) }).click()
    await expect.poll(() => detail.getByTestId('round-query').innerText()).toContain(want)
  }
})
