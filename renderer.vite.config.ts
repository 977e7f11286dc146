import { dirname, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import react from '@vitejs/plugin-react'
import tailwindcss from '@tailwindcss/vite'
import { defineConfig, type UserConfig } from 'vite'

const here = dirname(fileURLToPath(import.meta.url))

/** The renderer's build, shared by electron-vite (desktop) and plain vite (web shell where Electron is absent). */
export const rendererConfig: UserConfig = {
  root: resolve(here, 'src/renderer'),
  base: './',
  plugins: [react(), tailwindcss()],
  build: {
    outDir: resolve(here, 'out/renderer'),
    emptyOutDir: true,
    rollupOptions: { input: { index: resolve(here, 'src/renderer/index.html') } }
  }
}

export default defineConfig(rendererConfig)
