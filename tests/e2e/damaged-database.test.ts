import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startWebShell, type WebShell } from '../../src/web/server'
import { launchChromium } from '../fixtures/browser'
import { tempDir } from '../fixtures/engine'

const root = join(fileURLToPath(import.meta.url), '..', '..', '..')

/** Issue 13 item 11: the web shell on a data folder whose database is damaged. */
describe('web shell in Chromium: a damaged database', () => {
  const dataDir = tempDir('e2e-damaged-')
  const dbFile = join(dataDir, 'autodidact.db')
  const garbage = Buffer.from('this is not a sqlite database '.repeat(600))
  let shell: WebShell
  let browser: Browser
  beforeAll(async () => {
    writeFileSync(dbFile, garbage)
    shell = await startWebShell({ engineOptions: { dataDir, gpu: 'cpu', threads: 1 }, staticDir: join(root, 'out', 'renderer') })
    browser = await launchChromium()
  })
  afterAll(async () => {
    await browser?.close()
    await shell?.close()
  })

  it('blocks the app with what is wrong and the file path; "Move it aside and start fresh" starts the normal app', async () => {
    const page = await browser.newPage({ viewport: { width: 1200, height: 800 } })
    await page.goto(shell.url)
    const screen = page.getByTestId('damaged-db')
    await screen.waitFor({ timeout: 30_000 })
    expect(await page.getByTestId('damaged-db-path').textContent()).toBe(dbFile)
    expect(await screen.textContent()).toMatch(/database cannot be read.*Nothing has been changed.*restore a backup/s)
    // nothing of the app is reachable behind it
    expect(await page.getByTestId('nav-chat').count()).toBe(0)
    expect(readFileSync(dbFile)).toEqual(garbage)

    await page.getByTestId('damaged-db-move').click()
    await screen.waitFor({ state: 'detached', timeout: 30_000 })
    // the normal app, told where the old file went (kept, unchanged)
    const moved = readdirSync(dataDir).filter((f) => /^autodidact\.db\.damaged-/.test(f) && !/-(wal|shm)$/.test(f))
    expect(moved).toHaveLength(1)
    expect(readFileSync(join(dataDir, moved[0]))).toEqual(garbage)
    await page.getByText(`The damaged one was kept as ${join(dataDir, moved[0])}`).waitFor({ timeout: 5_000 })
    await page.getByTestId('nav-chat').waitFor()
    await expect.poll(() => page.getByTestId('backend').textContent(), { timeout: 30_000 }).toMatch(/CPU only/)
    // it works: the settings load and save on the fresh database
    await page.getByTestId('nav-settings').click()
    await page.getByTestId('save-settings').waitFor()
    expect(existsSync(dbFile)).toBe(true)
    expect((await shell.engine.call('system.status', {})).database).toBe('ok')
    await page.close()
  })
})
