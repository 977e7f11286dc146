import { useCallback, useEffect, useRef, useState, type ReactNode } from 'react'
import { Button } from './ui/Button'
import { Dialog } from './ui/Dialog'

/** Edits a view holds that are not saved yet (Settings, a profile): leaving asks to save, discard or stay. */
export interface UnsavedWork {
  /** where the edits are, e.g. "Settings" */
  where: string
  dirty: boolean
  /** why they cannot be saved as they are (fields with errors), or null */
  invalid: string | null
  /** resolves true once saved */
  save: () => Promise<boolean>
  /** a save already under way (the user clicked Save just before leaving): leaving waits for it instead of asking */
  saving?: () => Promise<boolean> | null
  discard: () => void
}

const works = new Map<symbol, UnsavedWork>()
const unsaved = () => [...works.values()].find((w) => w.dirty) ?? null

// Closing or reloading the tab (or the desktop window, src/main asks) with unsaved edits: the browser's own
// prompt is the only one allowed there.
window.addEventListener('beforeunload', (e) => {
  if (!unsaved()) return
  e.preventDefault()
  e.returnValue = true // older engines (and Electron's will-prevent-unload) also look at this
})

/** A view registers its edits while it is mounted (the latest state on every render). */
export function useUnsavedWork(work: UnsavedWork): void {
  const key = useRef(Symbol('unsaved')).current
  useEffect(() => {
    works.set(key, work)
  })
  useEffect(() => () => void works.delete(key), [key])
}

/** `leave(go)` runs `go` at once, or, with unsaved edits somewhere, after the user saved or discarded them. */
export function useLeaveGuard(): { leave: (go: () => void) => void; dialog: ReactNode } {
  const [ask, setAsk] = useState<{ work: UnsavedWork; go: () => void } | null>(null)
  const [busy, setBusy] = useState(false)
  const leave = useCallback((go: () => void) => {
    const work = unsaved()
    if (!work) return go()
    const saving = work.saving?.()
    if (saving) void saving.then((ok) => (ok ? go() : setAsk({ work, go })))
    else setAsk({ work, go })
  }, [])
  const stay = () => setAsk(null)
  const discard = () => {
    if (!ask) return
    ask.work.discard()
    setAsk(null)
    ask.go()
  }
  const save = async () => {
    if (!ask) return
    setBusy(true)
    const saved = await ask.work.save().finally(() => setBusy(false))
    setAsk(null)
    if (saved) ask.go() // a refused save stays, its error shown by the view
  }
  const dialog = (
    <Dialog
      open={Boolean(ask)}
      title={`Unsaved changes in ${ask?.work.where ?? ''}`}
      onClose={stay}
      testId="unsaved-dialog"
      actions={
        <>
          <Button variant="ghost" onClick={stay} data-testid="unsaved-stay">
            Stay
          </Button>
          <Button variant="danger" onClick={discard} data-testid="unsaved-discard">
            Discard changes
          </Button>
          <Button variant="primary" onClick={() => void save()} disabled={busy || Boolean(ask?.work.invalid)} data-testid="unsaved-save">
            Save and leave
          </Button>
        </>
      }
    >
      {ask?.work.invalid ? (
        <>They cannot be saved as they are: {ask.work.invalid}. Stay to fix them, or discard them.</>
      ) : (
        <>They apply only once saved. Save them and leave, discard them, or stay to keep editing.</>
      )}
    </Dialog>
  )
  return { leave, dialog }
}
