import { useEffect, useState } from 'react'
import { Button } from './ui/Button'
import { Dialog } from './ui/Dialog'

interface Shortcut {
  keys: string[]
  what: string
}

/** The keys the views really handle (App's navigation, ChatView's composer, ReviewView's list, popovers). */
function sections(nav: { label: string; key: string }[]): { title: string; items: Shortcut[] }[] {
  return [
    {
      title: 'Anywhere',
      items: [
        ...nav.map((n) => ({ keys: [`Alt+${n.key}`], what: `Go to ${n.label}` })),
        { keys: ['?'], what: 'Show this sheet (not while typing)' },
        { keys: ['Esc'], what: 'Close a dialog, popover or this sheet' }
      ]
    },
    {
      title: 'Chat',
      items: [
        { keys: ['Enter'], what: 'Send the message' },
        { keys: ['Shift+Enter'], what: 'New line in the message' }
      ]
    },
    {
      title: 'Review',
      items: [
        { keys: ['j', 'k'], what: 'Next / previous example' },
        { keys: ['a'], what: 'Approve the current example' },
        { keys: ['r'], what: 'Reject the current example' },
        { keys: ['e'], what: 'Edit the current example' },
        { keys: ['Esc'], what: 'Leave the editor' }
      ]
    }
  ]
}

function typing(target: EventTarget | null): boolean {
  const t = target as HTMLElement | null
  if (!t) return false
  return t.tagName === 'INPUT' || t.tagName === 'TEXTAREA' || t.tagName === 'SELECT' || t.isContentEditable
}

/** `?` (outside text fields) opens a sheet of the app's keyboard shortcuts; Escape closes it. */
export function ShortcutSheet({ nav }: { nav: { label: string; key: string }[] }) {
  const [open, setOpen] = useState(false)
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== '?' || e.ctrlKey || e.metaKey || e.altKey || typing(e.target)) return
      e.preventDefault()
      setOpen(true)
    }
    window.addEventListener('keydown', onKey)
    return () => window.removeEventListener('keydown', onKey)
  }, [])
  return (
    <Dialog open={open} title="Keyboard shortcuts" onClose={() => setOpen(false)} testId="shortcut-sheet" actions={<Button onClick={() => setOpen(false)}>Close</Button>}>
      <div className="max-h-[60vh] space-y-4 overflow-auto">
        {sections(nav).map((s) => (
          <section key={s.title}>
            <h3 className="mb-1 text-xs font-semibold uppercase tracking-wide text-fg">{s.title}</h3>
            <table className="w-full text-sm">
              <tbody>
                {s.items.map((i) => (
                  <tr key={i.keys.join() + i.what} data-testid="shortcut">
                    <td className="w-32 py-0.5 pr-3 align-top">
                      {i.keys.map((k) => (
                        <kbd key={k} className="mr-1 rounded border border-line bg-sunken px-1.5 py-0.5 font-mono text-xs text-fg">
                          {k}
                        </kbd>
                      ))}
                    </td>
                    <td className="py-0.5">{i.what}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </section>
        ))}
      </div>
    </Dialog>
  )
}
