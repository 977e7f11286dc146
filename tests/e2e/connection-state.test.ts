import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startWebShell, type WebShell } from '../../src/web/server'
import { launchChromium } from '../fixtures/browser'
import { tempDir } from '../fixtures/engine'

const root = join(fileURLToPath(import.meta.url), '..', '..', '..')
const staticDir = join(root, 'out', 'renderer')

/** Connection state in the web shell: the token leaves the address bar, and a lost or refused link says what to do. */
describe.each([
  { width: 1360, dark: false },
  { width: 900, dark: true }
])('web shell connection state at $width px (dark: $dark)', ({ width, dark }) => {
  const dataDir = tempDir('e2e-conn-')
  let shell: WebShell
  let browser: Browser
  let page: Page
  beforeAll(async () => {
    shell = await startWebShell({ engineOptions: { dataDir, gpu: 'cpu', threads: 1 }, staticDir })
    browser = await launchChromium()
    page = await browser.newPage({ viewport: { width, height: 800 }, colorScheme: dark ? 'dark' : 'light' })
  })
  afterAll(async () => {
    await browser?.close()
    await shell?.close()
  })

  it('connects, then takes the token out of the address bar; a reload still connects', async () => {
    await page.goto(shell.url)
    await expect.poll(() => page.getByTestId('backend').textContent(), { timeout: 30_000 }).toMatch(/CPU only/)
    await expect.poll(() => page.url()).not.toContain('token=')
    expect(page.url()).not.toContain(shell.token)
    await page.reload()
    await expect.poll(() => page.getByTestId('backend').textContent(), { timeout: 30_000 }).toMatch(/CPU only/)
    expect(await page.getByTestId('connection-banner').count()).toBe(0)
  })

  it('a stale token: "disconnected" with the way to the new URL, not a quiet app', async () => {
    const other = await browser.newPage({ viewport: { width, height: 800 }, colorScheme: dark ? 'dark' : 'light' })
    await other.goto(shell.url.replace(/token=[^&]+/, 'token=stale'))
    const banner = other.getByTestId('connection-banner')
    await banner.waitFor({ timeout: 30_000 })
    expect(await banner.getAttribute('data-reason')).toBe('stale-token')
    expect(await banner.textContent()).toMatch(/Disconnected.*new address.*Open the URL it printed/s)
    expect(await other.getByTestId('backend').textContent()).toBe('Disconnected')
    // the overlay covers the app: clicks do not reach views that cannot work
    await expect(other.getByTestId('nav-models').click({ timeout: 1000 })).rejects.toThrow()
    expect(other.url()).toContain('token=stale') // a refused token stays visible: it is what to replace
    await other.close()
  })

  it('the engine restarts: unreachable first (restart it), then its new token is refused (open the new URL)', async () => {
    const port = shell.port
    await shell.close()
    const banner = page.getByTestId('connection-banner')
    await banner.waitFor({ timeout: 30_000 })
    expect(await banner.getAttribute('data-reason')).toBe('unreachable')
    expect(await banner.textContent()).toMatch(/web shell stopped.*npm run web.*new URL/s)
    shell = await startWebShell({ engineOptions: { dataDir, gpu: 'cpu', threads: 1 }, staticDir, port })
    await expect.poll(() => banner.getAttribute('data-reason'), { timeout: 30_000 }).toBe('stale-token')
    await page.goto(shell.url)
    await expect.poll(() => page.getByTestId('backend').textContent(), { timeout: 30_000 }).toMatch(/CPU only/)
    expect(await page.getByTestId('connection-banner').count()).toBe(0)
  })
})
