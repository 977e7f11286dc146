import { useCallback, useEffect, useRef, useState, type ReactNode } from 'react'
import { Button } from './Button'

/** A modal on the native <dialog>: focus moves in and is trapped, Escape closes, focus returns after. */
export function Dialog({ open, title, children, actions, onClose, testId }: { open: boolean; title: string; children: ReactNode; actions: ReactNode; onClose: () => void; testId?: string }) {
  const ref = useRef<HTMLDialogElement>(null)
  useEffect(() => {
    const d = ref.current
    if (!d) return
    if (open && !d.open) d.showModal()
    if (!open && d.open) d.close()
  }, [open])
  return (
    <dialog
      ref={ref}
      onClose={onClose}
      onCancel={onClose}
      aria-labelledby="dialog-title"
      data-testid={testId}
      className="m-auto w-[28rem] max-w-[calc(100vw-2rem)] rounded-lg border border-line bg-panel p-0 text-fg shadow-xl backdrop:bg-black/40"
    >
      {open && (
        <div className="p-5">
          <h2 id="dialog-title" className="text-base font-semibold">
            {title}
          </h2>
          <div className="mt-2 text-sm text-muted">{children}</div>
          <div className="mt-5 flex justify-end gap-2">{actions}</div>
        </div>
      )}
    </dialog>
  )
}

interface ConfirmOptions {
  title: string
  body: ReactNode
  confirmLabel: string
  danger?: boolean
}

/** `await confirm({...})` resolves true when the user confirms; render `dialog` once in the view. */
export function useConfirm() {
  const [ask, setAsk] = useState<(ConfirmOptions & { resolve: (ok: boolean) => void }) | null>(null)
  const confirm = useCallback((o: ConfirmOptions) => new Promise<boolean>((resolve) => setAsk({ ...o, resolve })), [])
  const answer = (ok: boolean) => {
    ask?.resolve(ok)
    setAsk(null)
  }
  const dialog = (
    <Dialog
      open={Boolean(ask)}
      title={ask?.title ?? ''}
      onClose={() => answer(false)}
      testId="confirm-dialog"
      actions={
        <>
          <Button variant="ghost" onClick={() => answer(false)}>
            Cancel
          </Button>
          <Button variant={ask?.danger ? 'danger' : 'primary'} onClick={() => answer(true)} data-testid="confirm">
            {ask?.confirmLabel}
          </Button>
        </>
      }
    >
      {ask?.body}
    </Dialog>
  )
  return { confirm, dialog }
}
