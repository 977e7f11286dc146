import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { app, BrowserWindow, dialog, ipcMain, safeStorage, session, shell } from 'electron'
import { createEngine, type SaveDialog, type SecretCodec } from '../core/engine'
import { CONTENT_SECURITY_POLICY } from '../core/rpc/csp'

/**
 * Electron lifecycle and the IPC bridge only. Everything a user can do lives in src/core (the engine);
 * this file creates one window, forwards contract calls over IPC and pushes engine events back.
 */
type Engine = Awaited<ReturnType<typeof createEngine>>
/** out/main (this bundle is an ES module: no __dirname) */
const here = dirname(fileURLToPath(import.meta.url))
let engine: Engine | null = null
let win: BrowserWindow | null = null

function createWindow(): BrowserWindow {
  const w = new BrowserWindow({
    width: 1360,
    height: 880,
    minWidth: 960,
    minHeight: 640,
    show: false,
    title: 'Autodidact',
    backgroundColor: '#0b0d12',
    webPreferences: {
      preload: join(here, '../preload/index.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      spellcheck: false
    }
  })
  w.once('ready-to-show', () => w.show())
  // No navigation away from the app, no new windows; https links open in the user's browser.
  w.webContents.on('will-navigate', (event, url) => {
    if (url !== w.webContents.getURL()) event.preventDefault()
  })
  // the renderer refused to unload (unsaved edits, see src/renderer/src/unsaved.tsx): ask, as a browser would
  w.webContents.on('will-prevent-unload', (event) => {
    const choice = dialog.showMessageBoxSync(w, {
      type: 'question',
      buttons: ['Stay', 'Leave without saving'],
      defaultId: 0,
      cancelId: 0,
      title: 'Unsaved changes',
      message: 'Some changes are not saved yet.',
      detail: 'Stay to save them, or leave and lose them.'
    })
    if (choice === 1) event.preventDefault() // preventDefault here lets the window close anyway
  })
  w.webContents.setWindowOpenHandler(({ url }) => {
    if (url.startsWith('https://')) void shell.openExternal(url)
    return { action: 'deny' }
  })
  if (process.env.ELECTRON_RENDERER_URL) void w.loadURL(process.env.ELECTRON_RENDERER_URL)
  else void w.loadFile(join(here, '../renderer/index.html'))
  return w
}

function installSecurity(): void {
  // A strict CSP on every response, no permission prompts (camera, notifications...), no remote content.
  session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] } })
  })
  session.defaultSession.setPermissionRequestHandler((_wc, _perm, callback) => callback(false))
  app.on('web-contents-created', (_e, contents) => {
    contents.on('will-attach-webview', (event) => event.preventDefault())
  })
}

function installIpc(e: Engine): void {
  ipcMain.handle('rpc:call', async (event, method: unknown, input: unknown) => {
    // Only our own window may call the engine.
    if (!win || event.sender !== win.webContents) return { ok: false, error: { code: 'forbidden', message: 'Unknown sender' } }
    if (typeof method !== 'string') return { ok: false, error: { code: 'bad_request', message: 'Method must be a string' } }
    try {
      const result = await e.call(method as never, input as never, { origin: 'ipc' })
      return { ok: true, result }
    } catch (err) {
      const error = err as Error & { code?: string }
      return { ok: false, error: { code: error.code ?? 'error', message: error.message } }
    }
  })
  e.onEvent((event) => {
    if (win && !win.isDestroyed()) win.webContents.send('rpc:event', event)
  })
}

async function main(): Promise<void> {
  if (!app.requestSingleInstanceLock()) return app.quit()
  await app.whenReady()
  installSecurity()
  // secrets (the teacher's API key) are encrypted with the OS keychain where it is available
  const secretCodec: SecretCodec | undefined = safeStorage.isEncryptionAvailable()
    ? { encrypt: (plain) => safeStorage.encryptString(plain), decrypt: (data) => safeStorage.decryptString(data) }
    : undefined
  // exports outside the exports folder go only where the user chose in this dialog (system.chooseExportPath)
  const saveDialog: SaveDialog = (options) => (win ? dialog.showSaveDialog(win, options) : dialog.showSaveDialog(options))
  engine = await createEngine({ dataDir: process.env.AUTODIDACT_DATA_DIR ?? app.getPath('userData'), shell: 'electron', secretCodec, saveDialog })
  installIpc(engine)
  win = createWindow()
  app.on('second-instance', () => win?.focus())
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) win = createWindow()
  })
}

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit()
})
app.on('will-quit', () => {
  void engine?.close()
})

main().catch((err) => {
  console.error('Autodidact failed to start:', err)
  // e.g. the data folder is owned by a web shell or CLI: say so in a window, not only on a console nobody sees
  dialog.showErrorBox('Autodidact cannot start', err instanceof Error ? err.message : String(err))
  app.exit(1)
})
