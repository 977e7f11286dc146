import { chooseExportPath } from '../export/choose-path'
import { allSettingBounds } from '../settings/bounds'
import type { Handlers } from '../contract'
import type { Services } from '../services'
import { trainerStatus } from '../trainer/client'

export const VERSION = '0.1.0'

export function systemHandlers(s: Services): Partial<Handlers> {
  return {
    'system.info': async () => {
      const l = s.host.loaded()
      return {
        version: VERSION,
        dataDir: s.paths.dataDir,
        gpu: await s.host.gpuReport(),
        trainer: trainerStatus(s.options.trainerPath),
        loadedModelId: l?.modelId ?? null,
        shell: s.shell
      }
    },
    'jobs.list': async () => s.jobs.list(),
    'jobs.cancel': async ({ jobId }) => ({ cancelled: s.jobs.cancel(jobId) }),
    'settings.get': async () => s.settings.get(),
    'settings.bounds': async () => allSettingBounds(),
    'settings.update': async (patch) => s.settings.update(patch),
    'system.chooseExportPath': async (input) => chooseExportPath(s, input)
  }
}
