import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { callOnce, rpcUrl, sendBadFrame } from '../fixtures/bad-frames'
import { tempDir } from '../fixtures/engine'
import { startWebProcess, type WebProcess } from '../fixtures/web-process'

describe('a misbehaving WebSocket client closes only its own connection', () => {
  let web: WebProcess
  beforeAll(async () => {
    web = await startWebProcess(tempDir('ws-bad-'))
  })
  afterAll(async () => {
    await web?.stop()
  })

  it('survives a frame over 8 MiB and a text frame that is not UTF-8; a healthy client still works', async () => {
    const url = rpcUrl(web.port, web.token)
    expect(await sendBadFrame(url, 'oversized')).not.toBe(1000)
    expect(await sendBadFrame(url, 'invalid-utf8')).not.toBe(1000)
    const info = await callOnce(url, 'system.info')
    expect(info.ok).toBe(true)
    expect(web.child.exitCode).toBeNull()
    expect(web.output()).not.toMatch(/RangeError|Invalid WebSocket frame/)
  })
})
