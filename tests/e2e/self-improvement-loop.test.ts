import { existsSync, readFileSync, realpathSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DEMO_TEACHER } from '../../src/core/augment/demo-teacher'
import { startWebShell, type WebShell } from '../../src/web/server'
import { launchChromium } from '../fixtures/browser'
import { tempDir } from '../fixtures/engine'
import { SHORT_ANSWERS, quickOptim } from '../fixtures/quick-settings'

const root = join(fileURLToPath(import.meta.url), '..', '..', '..')
const shots = join(root, 'docs', 'screenshots')
const LONG = { timeout: 240_000 }

/**
 * The offline first run, as a new user meets it: no model, no network, no test hook in the engine (no
 * augmentOverride): "Try self-improvement" creates and loads the demo model and asks a question, Improve
 * starts a round whose pairs the built-in demo teacher writes, the reviewer approves them, the adapter is
 * trained on the CPU and the improved answer appears in the chat beside the first. Then the ways a round
 * can end badly, said in the chat. At 1360 and 900 px, light and dark.
 */
describe('web shell in Chromium: the self-improvement loop, offline, from the first run', () => {
  let shell: WebShell
  let browser: Browser
  let teacher: Server
  let teacherUrl: string
  beforeAll(async () => {
    shell = await startWebShell({ engineOptions: { dataDir: tempDir('e2e-loop-'), gpu: 'cpu', threads: 1 }, staticDir: join(root, 'out', 'renderer') })
    await shell.engine.call('settings.update', { optim: quickOptim(2), ...SHORT_ANSWERS })
    // an OpenAI-compatible teacher whose reply is cut off mid-JSON, as a real endpoint's can be
    teacher = createServer((_req, res) => {
      res.setHeader('Content-Type', 'application/json')
      res.end(JSON.stringify({ choices: [{ message: { content: '{"examples": [{"input": "Weather in Ro' } }] }))
    })
    await new Promise<void>((r) => teacher.listen(0, '127.0.0.1', r))
    teacherUrl = `http://127.0.0.1:${(teacher.address() as AddressInfo).port}/v1`
    browser = await launchChromium()
  })
  afterAll(async () => {
    await browser?.close()
    await shell?.close()
    teacher?.close()
  })

  async function open(width: number, theme: 'light' | 'dark'): Promise<Page> {
    const page = await browser.newPage({ viewport: { width, height: 900 } })
    await page.addInitScript((t) => localStorage.setItem('theme', t), theme)
    await page.goto(shell.url)
    expect(await page.evaluate(() => document.documentElement.classList.contains('dark'))).toBe(theme === 'dark')
    return page
  }
  /** Nothing of `testId` reaches past the window's right edge. */
  async function fits(page: Page, testId: string) {
    const width = page.viewportSize()!.width
    for (const box of await page.getByTestId(testId).evaluateAll((els) => els.map((e) => e.getBoundingClientRect().right))) expect(box).toBeLessThanOrEqual(width)
  }
  /** Records every state the round pills show, so short stages are seen even when they pass quickly. */
  async function recordPills(page: Page) {
    await page.evaluate(() => {
      const w = window as unknown as { pillLog: string[] }
      w.pillLog = []
      const snap = () => {
        for (const p of document.querySelectorAll('[data-testid=round-pill]')) {
          const s = `${p.getAttribute('data-status')}|${p.getAttribute('data-stage')}|${p.textContent}`
          if (w.pillLog.at(-1) !== s) w.pillLog.push(s)
        }
      }
      new MutationObserver(snap).observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true })
    })
    return () => page.evaluate(() => (window as unknown as { pillLog: string[] }).pillLog)
  }
  async function ask(page: Page, text: string) {
    await page.getByTestId('chat-input').fill(text)
    await page.getByTestId('send').click()
    await page.getByTestId('message-user').filter({ hasText: text }).waitFor()
    await expect.poll(() => page.getByTestId('message-list').locator('[data-testid^="message-"]').last().getAttribute('data-testid'), LONG).toBe('message-assistant')
    await expect.poll(() => page.getByTestId('streaming').count(), LONG).toBe(0)
    return page.getByTestId('message-assistant').last()
  }

  it('1360 px, light: Try self-improvement -> Improve -> demo-teacher pairs reviewed -> CPU training -> the improved answer beside the first', async () => {
    const page = await open(1360, 'light')
    await page.getByText('No model is loaded').waitFor()
    await page.getByTestId('try-self-improvement').click()
    // the demo model answers; the answer says how fast it came
    const answer = page.getByTestId('message-assistant').first()
    await answer.waitFor(LONG)
    await expect.poll(() => page.getByTestId('streaming').count(), LONG).toBe(0)
    expect(await page.getByTestId('message-user').first().textContent()).toContain('What is the weather in Paris?')
    expect(await answer.getByTestId('answer-stats').textContent()).toMatch(/^\d+ tokens? (· [\d.]+ tok\/s )?· first token \d+\.\d\d s$/)
    expect(await page.getByTestId('backend').textContent()).toMatch(/CPU/)
    expect((await shell.engine.call('settings.get', {})).teacher).toEqual({ kind: 'demo' })
    const tour = page.getByTestId('tour')
    expect(await tour.getAttribute('data-step')).toBe('2')
    await page.screenshot({ path: join(shots, 'loop-1-answer.png') })

    const pills = await recordPills(page)
    await answer.getByTestId('improve').click()
    const pill = answer.getByTestId('round-pill')
    await expect.poll(() => pill.getAttribute('data-status'), LONG).toBe('awaiting_review')
    expect(await pill.textContent()).toContain('round: 3 examples to review')
    expect(await page.getByTestId('round-waiting').textContent()).toContain(`3 examples written by the ${DEMO_TEACHER} wait for your review`)
    expect(await tour.getAttribute('data-step')).toBe('3')
    await page.screenshot({ path: join(shots, 'loop-2-pill-review.png') })

    // the review queue labels the pairs with their writer
    await page.getByTestId('go-review').click()
    const items = page.getByTestId('review-item')
    await items.first().waitFor()
    expect(await items.count()).toBe(3)
    for (const text of await items.allTextContents()) expect(text).toContain(DEMO_TEACHER)
    await page.screenshot({ path: join(shots, 'loop-3-review.png') })
    await page.getByRole('button', { name: 'Approve all' }).click()
    await page.getByText('Nothing to review').waitFor()

    // back in the chat: the pill follows the round live, then the improved answer appears beside the first
    await page.getByTestId('nav-chat').click()
    await pills() // the observer lives in the page: it survives the view switch
    const improved = page.getByTestId('improved-answer')
    await improved.waitFor(LONG)
    const [round] = await shell.engine.call('rounds.list', {})
    const full = await shell.engine.call('rounds.get', { id: round.id })
    expect(full.status).toBe('done')
    expect(full.examples.map((e) => [e.status, e.provenance])).toEqual(new Array(3).fill(['approved', DEMO_TEACHER]))
    expect(full.training?.losses.length).toBeGreaterThan(0)
    expect(await page.getByTestId('round-pill').first().getAttribute('data-status')).toBe('done')
    expect(await page.getByTestId('round-pill').first().textContent()).toContain('round: improved')
    expect(await improved.textContent()).toContain(`Improved answer after training on 3 approved examples by the ${DEMO_TEACHER}`)
    // the two answers side by side, with the words that changed marked
    expect((await improved.getByTestId('chat-before').locator('p').first().textContent())).toBe(full.before!.text)
    expect((await improved.getByTestId('chat-after').locator('p').first().textContent())).toBe(full.after!.text)
    const beforeBox = (await improved.getByTestId('chat-before').boundingBox())!
    const afterBox = (await improved.getByTestId('chat-after').boundingBox())!
    expect(afterBox.x).toBeGreaterThan(beforeBox.x + beforeBox.width - 1) // beside, not below
    if (full.before!.text !== full.after!.text) {
      expect(await improved.getByTestId('chat-after').locator('[data-diff=add]').count()).toBeGreaterThan(0)
      expect(await improved.getByTestId('chat-before').locator('[data-diff=del]').count()).toBeGreaterThan(0)
    }
    expect(await tour.getAttribute('data-step')).toBe('5')
    // every stage the pill went through, with its percent or tokens
    const log = await pills()
    expect(log.some((s) => /^awaiting_review\|review\|round: 3 examples to review/.test(s)), log.join('\n')).toBe(true)
    expect(log.some((s) => /^training\|training\|round: training· \d+%/.test(s)), log.join('\n')).toBe(true)
    expect(log.some((s) => /^running\|answer\|round: answering again· \d+ tokens?/.test(s)), log.join('\n')).toBe(true)
    await fits(page, 'improved-answer')
    await improved.scrollIntoViewIfNeeded()
    await page.screenshot({ path: join(shots, 'loop-4-improved.png') })

    // the pill links to its round
    await page.getByTestId('round-pill').first().click()
    const detail = page.getByTestId('round-detail')
    await detail.waitFor()
    expect(await detail.getByTestId('round-status').textContent()).toBe('done')
    expect(await page.locator('[data-testid=round-row][aria-current=true]').textContent()).toContain('What is the weather in Paris?')
    expect(await detail.getByTestId('answer-after').locator('p').first().textContent()).toBe(full.after!.text)
    // its exports: the web shell proposes a new name in the exports folder each time, so nothing is replaced
    const exportsDir = shell.engine.services.paths.exportsDir
    const approved = full.examples.filter((e) => e.status === 'approved').length
    for (const name of [`pairs-${round.id}.jsonl`, `pairs-${round.id}-2.jsonl`]) {
      await detail.getByTestId('export-pairs').click()
      await page.getByText(`${approved} pairs to ${join(realpathSync(exportsDir), name)}`).waitFor({ timeout: 30_000 })
      expect(readFileSync(join(exportsDir, name), 'utf8').trimEnd().split('\n')).toHaveLength(approved)
    }
    await detail.getByTestId('export-adapter').click()
    await page.getByText(`the adapter to ${join(realpathSync(exportsDir), `adapter-${round.id}.gguf`)}`).waitFor({ timeout: 30_000 })
    expect(existsSync(join(exportsDir, `adapter-${round.id}.md`))).toBe(true)
    await page.close()
  }, 600_000)

  it('1360 px dark and 900 px light: the finished loop reads the same and nothing spills past the window', async () => {
    for (const [width, theme] of [[1360, 'dark'], [900, 'light']] as const) {
      const page = await open(width, theme)
      await page.getByTestId('improved-answer').waitFor()
      await page.getByTestId('improved-answer').scrollIntoViewIfNeeded()
      expect(await page.getByTestId('round-pill').first().getAttribute('data-status')).toBe('done')
      await fits(page, 'improved-answer')
      await fits(page, 'round-pill')
      await page.screenshot({ path: join(shots, `loop-improved-${width}-${theme}.png`) })
      await page.close()
    }
  })

  it('900 px, dark: no valid pair and a failed round, each said in the chat with the reason; Resume with the demo teacher brings pairs to review', async () => {
    const page = await open(900, 'dark')
    await page.getByTestId('new-conversation').click()
    await shell.engine.call('settings.update', { teacher: { kind: 'http', baseUrl: teacherUrl, model: 'cut-off' } })
    const answer = await ask(page, 'Weather in Oslo tomorrow?')
    const pills = await recordPills(page)
    await answer.getByTestId('improve').click()
    const problem = page.getByTestId('round-problem')
    await problem.waitFor(LONG)
    const pill = answer.getByTestId('round-pill')
    expect(await pill.getAttribute('data-status')).toBe('no_valid_examples')
    expect(await pill.textContent()).toContain('round: no valid examples')
    await expect.poll(() => problem.textContent()).toContain('1 example generated') // the reason comes with the status
    const text = (await problem.textContent()) ?? ''
    expect(text).toContain('The self-improvement round found no valid example: 1 example generated, none usable: 1 invalid (1× the generated text is not valid JSON')
    expect(text).toContain('Nothing was trained and the answer stands. What to do:')
    expect(await page.getByTestId('improved-answer').count()).toBe(0)
    expect((await pills()).some((s) => s.startsWith('done|'))).toBe(false) // never a green "done"
    await fits(page, 'round-problem')
    await problem.scrollIntoViewIfNeeded()
    await page.screenshot({ path: join(shots, 'loop-no-valid-examples.png') })

    // the round detail offers the ways on: edit the invalid pair, or retry; a retry whose teacher is gone fails
    await shell.engine.call('settings.update', { teacher: { kind: 'http', baseUrl: 'http://127.0.0.1:9/v1', model: 'gone' } })
    await problem.getByRole('button', { name: 'Open the round to retry or edit a pair' }).click()
    const detail = page.getByTestId('round-detail')
    await detail.getByTestId('round-outcome').waitFor()
    expect(await detail.getByTestId('round-status').textContent()).toBe('no valid examples')
    expect(await detail.getByTestId('edit-invalid').count()).toBe(1)
    await detail.getByTestId('resume-round').filter({ hasText: 'Retry: write new examples' }).click()
    await detail.getByTestId('round-status').filter({ hasText: 'failed' }).waitFor(LONG)
    await page.getByTestId('nav-chat').click()
    const failed = page.getByTestId('round-problem')
    await failed.waitFor()
    expect(await failed.textContent()).toMatch(/^The self-improvement round failed: The teacher endpoint http:\/\/127\.0\.0\.1:9\/v1\S* could not be reached/)
    expect(await page.getByTestId('round-pill').last().getAttribute('data-status')).toBe('failed')
    await fits(page, 'round-problem')
    await failed.scrollIntoViewIfNeeded()
    await page.screenshot({ path: join(shots, 'loop-failed.png') })

    // with the demo teacher chosen in Settings, Resume writes pairs to review, and the chat follows
    await page.getByTestId('nav-settings').click()
    await page.getByTestId('teacher-kind').selectOption('demo')
    await page.getByTestId('save-settings').click()
    await expect.poll(async () => (await shell.engine.call('settings.get', {})).teacher.kind).toBe('demo')
    await page.getByTestId('nav-chat').click()
    await page.getByTestId('round-problem').getByRole('button', { name: 'Open the round to resume' }).click()
    await page.getByTestId('round-detail').getByTestId('resume-round').filter({ hasText: 'Resume' }).click()
    await expect.poll(async () => (await shell.engine.call('review.pending', {})).length, LONG).toBe(3)
    await page.getByTestId('nav-chat').click()
    await expect.poll(() => page.getByTestId('round-pill').last().getAttribute('data-status'), LONG).toBe('awaiting_review')
    expect(await page.getByTestId('round-problem').count()).toBe(0)
    expect(await page.getByTestId('round-waiting').textContent()).toContain(`3 examples written by the ${DEMO_TEACHER} wait for your review`)
    await page.close()
  }, 600_000)
})
