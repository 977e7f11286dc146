import { spawn } from 'node:child_process'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { tempDir } from '../fixtures/engine'
import { alive } from '../fixtures/process'

const fixture = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'long-training.ts')

// "No orphan processes, ever": the app dying abruptly (kill -9, no exit handlers run) takes its trainer with it.
describe('a trainer never outlives the app', () => {
  for (const mode of ['one-shot', 'worker']) {
    it(`${mode}: killing the app with SIGKILL mid-training ends the trainer`, { timeout: 120_000 }, async () => {
      const app = spawn(process.execPath, ['--import', 'tsx', fixture, mode, tempDir()], { stdio: ['ignore', 'pipe', 'pipe'] })
      const trainerPid = await new Promise<number>((resolve, reject) => {
        let out = ''
        app.stdout!.on('data', (d: Buffer) => {
          out += d.toString()
          const m = /"trainerPid":(\d+)/.exec(out)
          if (m) resolve(Number(m[1]))
        })
        app.on('exit', (code) => reject(new Error(`the app exited (${code}) before the trainer started`)))
      })
      expect(alive(trainerPid)).toBe(true)
      app.kill('SIGKILL')
      let gone = false
      for (let i = 0; i < 100 && !gone; i++) {
        await new Promise((r) => setTimeout(r, 50))
        gone = !alive(trainerPid)
      }
      expect(gone).toBe(true)
    })
  }
})
