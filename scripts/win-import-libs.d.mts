/** See win-import-libs.mjs: import libraries for node-llama-cpp's ggml DLLs (Windows release builds). */
export function exportNames(dumpbinText: string): string[]
export function defFile(dll: string, names: string[]): string
