import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Engine } from '../../src/core/engine'
import { startWebShell, type WebShell } from '../../src/web/server'
import { launchChromium } from '../fixtures/browser'
import { engineWithModel, jobEnd, tempDir } from '../fixtures/engine'
import { writeWeatherDataset } from '../fixtures/experiment-data'
import { SHORT_ANSWERS } from '../fixtures/quick-settings'

const root = join(fileURLToPath(import.meta.url), '..', '..', '..')
const shots = join(root, 'docs', 'screenshots')

/** The generator: three pairs (the third has an unknown parameter), or an outage when `offline` is set. */
let offline = false
const generator = async () => {
  if (offline) throw new Error('The test generator is offline.')
  return JSON.stringify({
    examples: [
      { input: 'How warm is it in Rome today?', call: { name: 'get_weather', arguments: { city: 'Rome' } } },
      { input: 'Weather for Oslo please', call: { name: 'get_weather', arguments: { city: 'Oslo', unit: 'celsius' } } },
      { input: 'Is it raining in Lima?', call: { name: 'get_weather', arguments: { town: 'Lima' } } }
    ]
  })
}

async function startRound(engine: Engine, query: string) {
  const [profile] = await engine.call('profiles.list', {})
  return engine.call('rounds.start', { query, profileId: profile.id })
}

describe('web shell in Chromium: reviewing by keyboard with inline validation, and failures shown', () => {
  let engine: Engine
  let shell: WebShell
  let browser: Browser
  let page: Page
  let roundId: string
  let failing: string
  let dataDir: string
  beforeAll(async () => {
    dataDir = tempDir('e2e-review-')
    ;({ engine } = await engineWithModel({ dataDir, augmentOverride: generator }))
    // in-context adaptation: the round finishes without training once reviewed, keeping this test light
    await engine.call('settings.update', { reviewPolicy: 'manual', adaptationMode: 'tt-icl', k: 3, ...SHORT_ANSWERS })
    shell = await startWebShell({ engine, engineOptions: { dataDir, gpu: 'cpu', threads: 1 }, staticDir: join(root, 'out', 'renderer') })
    const started = await startRound(engine, 'What is the weather in Paris?')
    roundId = started.roundId
    for (let i = 0; i < 600 && (await engine.call('review.pending', {})).length < 2; i++) await new Promise((r) => setTimeout(r, 200))
    browser = await launchChromium()
    page = await browser.newPage({ viewport: { width: 1300, height: 850 } })
    await page.goto(shell.url)
  })
  afterAll(async () => {
    await browser?.close()
    await shell?.close()
  })

  it('the nav counts the pending examples and j/k move the cursor', async () => {
    expect(await page.getByTestId('nav-review-count').textContent()).toBe('2')
    await page.getByTestId('nav-review').click()
    const items = page.getByTestId('review-item')
    await items.first().waitFor()
    expect(await items.count()).toBe(2) // the pair with an unknown parameter never reaches review
    expect(await items.nth(0).getAttribute('data-cursor')).toBe('true')
    await page.keyboard.press('j')
    expect(await items.nth(1).getAttribute('data-cursor')).toBe('true')
    expect(await items.nth(0).getAttribute('data-cursor')).toBe('false')
    await page.keyboard.press('k')
    expect(await items.nth(0).getAttribute('data-cursor')).toBe('true')
  })

  it('e edits inline: the call is checked against the tool list and the JSON schema as you type', async () => {
    await page.keyboard.press('e')
    const editor = page.getByTestId('example-editor')
    await editor.waitFor()
    const call = editor.getByLabel('Tool call')
    const check = page.getByTestId('edit-check')
    const save = page.getByTestId('save-edit')
    await call.fill('{"name": "get_wether", "arguments": {"city": "Rome"}}')
    expect(await check.textContent()).toBe('Unknown tool "get_wether". This profile has: get_weather, search_web, create_event.')
    expect(await save.isDisabled()).toBe(true)
    await call.fill('{"name": "get_weather", "arguments": {"city": "Rome", "unit": "kelvin"}}')
    expect(await check.textContent()).toBe('arguments.unit must be one of "celsius", "fahrenheit".')
    await page.screenshot({ path: join(shots, 'review-edit.png') })
    await call.fill('{"name": "get_weather", "arguments": {"city": "Rome", ')
    expect(await check.textContent()).toMatch(/^The call is not valid JSON/)
    expect(await call.getAttribute('aria-invalid')).toBe('true')
    await editor.getByLabel('Input').fill('How warm is it in Rome this morning?')
    await call.fill('{"name": "get_weather", "arguments": {"city": "Rome", "unit": "fahrenheit"}}')
    expect(await check.textContent()).toBe('Valid call to get_weather.')
    await save.click()
    await page.waitForFunction(() => document.querySelectorAll('[data-testid=review-item]').length === 1)
    const edited = (await engine.call('rounds.get', { id: roundId })).examples.find((e) => e.input === 'How warm is it in Rome this morning?')
    expect(edited?.status).toBe('approved')
    expect(edited?.call).toEqual({ name: 'get_weather', arguments: { city: 'Rome', unit: 'fahrenheit' } })
    expect(edited?.provenance).toBe('self+edited')
  })

  it('r rejects the item under the cursor; the queue empties and the round goes on', async () => {
    await page.locator('main h1').click() // keys go to the page, not to a form field
    await page.keyboard.press('r')
    await page.getByText('Nothing to review').waitFor()
    expect(await page.getByTestId('nav-review-count').count()).toBe(0)
    const round = await engine.call('rounds.get', { id: roundId })
    expect(round.examples.filter((e) => e.status === 'rejected').map((e) => e.input)).toEqual(['Weather for Oslo please'])
  })

  it('a background round that fails raises a toast with the reason, and its row says failed', async () => {
    offline = true
    const started = await startRound(engine, 'Weather in Madrid tomorrow?')
    failing = started.roundId
    const jobId = started.jobId
    expect((await jobEnd(engine, jobId)).job.status).toBe('failed')
    const toast = page.getByTestId('toast').filter({ hasText: 'The test generator is offline.' })
    await toast.waitFor()
    expect(await toast.textContent()).toContain('failed')
    await page.screenshot({ path: join(shots, 'failure-toast.png') })
    await page.getByTestId('nav-rounds').click() // a lazily loaded view: its chunk must load in the web shell
    await page.getByTestId('round-row').filter({ hasText: 'Weather in Madrid tomorrow?' }).click()
    await page.getByTestId('round-detail').getByText('The test generator is offline.').first().waitFor()
    expect((await engine.call('rounds.get', { id: failing })).status).toBe('failed')
    await toast.getByRole('button', { name: /Dismiss/ }).click()
    expect(await toast.count()).toBe(0)
  })

  it('an engine error nobody caught still reaches the user', async () => {
    await page.evaluate(() => {
      void Promise.reject(new Error('Simulated uncaught engine error'))
    })
    await page.getByTestId('toast').filter({ hasText: 'Simulated uncaught engine error' }).waitFor()
  })

  it('discarding a round asks first: Escape keeps it, confirming discards it', async () => {
    const detail = page.getByTestId('round-detail')
    await detail.getByTestId('discard-round').click()
    const dialog = page.getByTestId('confirm-dialog')
    await dialog.getByText('Discard this round?').waitFor()
    await page.screenshot({ path: join(shots, 'confirm-discard.png') })
    await page.keyboard.press('Escape')
    await dialog.waitFor({ state: 'hidden' })
    expect((await engine.call('rounds.get', { id: failing })).status).toBe('failed')
    await detail.getByTestId('discard-round').click()
    await dialog.getByTestId('confirm').click()
    await detail.getByText('discarded', { exact: true }).first().waitFor()
    expect((await engine.call('rounds.get', { id: failing })).status).toBe('discarded')
  })

  it('two experiment runs compared side by side, with the engine\'s numbers', async () => {
    const dataset = await engine.call('datasets.import', { path: writeWeatherDataset(dataDir, 2) })
    const [model] = await engine.call('models.list', {})
    const runs = []
    for (const taus of [[0.5], [0.5, 0.99]]) {
      const r = await engine.call('experiments.start', { datasetId: dataset.id, modelId: model.id, methods: ['baseline'], taus, seeds: [0], limit: 2, maxTokens: 48 })
      expect((await jobEnd(engine, r.jobId, 240_000)).job.status).toBe('done')
      runs.push(await engine.call('experiments.get', { id: r.runId }))
    }
    await page.getByTestId('nav-experiments').click()
    await page.getByTestId('run-row').first().waitFor()
    expect(await page.getByTestId('compare-run').count()).toBe(2)
    await page.getByTestId('compare-run').nth(0).check()
    expect(await page.getByTestId('compare-runs').count()).toBe(0)
    await page.getByTestId('compare-run').nth(1).check()
    const table = page.getByTestId('compare-table')
    await table.waitFor()
    expect(await table.locator('tbody tr').count()).toBe(1) // one method: baseline
    const cells = await table.getByTestId('compare-cell').allTextContents()
    expect(cells).toHaveLength(2)
    // the list is newest first, so the first ticked run is the second one started
    const shown = [runs[1], runs[0]].map((r) => `${(Math.max(...r.metrics.map((m) => m.exact)) * 100).toFixed(1)}%`)
    expect(cells.map((c) => /^[\d.]+%/.exec(c)?.[0])).toEqual(shown)
    expect(await page.getByTestId('compare-runs').locator('svg.recharts-surface').count()).toBeGreaterThan(0)
    await page.getByTestId('compare-runs').screenshot({ path: join(shots, 'compare-runs.png') })
  })
})
