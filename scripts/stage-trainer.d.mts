/** See stage-trainer.mjs: release checks of the built and the packaged trainer. */
export function startCheck(path: string): string | null
export function packagedTrainers(dir: string): string[]
