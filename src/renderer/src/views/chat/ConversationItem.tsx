import { useState } from 'react'
import type { Conversation } from '../../../../core/contract'

/** One conversation in the sidebar: opens on click; renamed in place (Enter saves, Escape cancels) or deleted. */
export function ConversationItem({ conversation: c, active, onOpen, onRename, onDelete }: { conversation: Conversation; active: boolean; onOpen: () => void; onRename: (title: string) => void; onDelete: () => void }) {
  const [editing, setEditing] = useState<string | null>(null)
  if (editing !== null) {
    const save = () => {
      const t = editing.trim()
      setEditing(null)
      if (t && t !== c.title) onRename(t)
    }
    return (
      <input
        autoFocus
        aria-label="Conversation name"
        data-testid="conversation-rename-input"
        value={editing}
        maxLength={200}
        onChange={(e) => setEditing(e.target.value)}
        onBlur={save}
        onKeyDown={(e) => {
          if (e.key === 'Enter') save()
          if (e.key === 'Escape') setEditing(null)
        }}
        className="w-full rounded-md border border-accent bg-panel px-2 py-1 text-sm"
      />
    )
  }
  return (
    <div className={`group flex items-center rounded-md ${active ? 'bg-sunken font-medium' : 'text-muted hover:bg-sunken'}`} data-testid="conversation">
      <button onClick={onOpen} aria-current={active ? 'true' : undefined} className="min-w-0 flex-1 truncate px-2.5 py-1.5 text-left text-sm">
        {c.title}
      </button>
      <button className="px-1 text-xs text-muted opacity-60 hover:text-fg group-hover:opacity-100" aria-label={`Rename ${c.title}`} title="Rename" onClick={() => setEditing(c.title)} data-testid="conversation-rename">
        ✎
      </button>
      <button className="px-1.5 text-xs text-muted opacity-60 hover:text-bad group-hover:opacity-100" aria-label={`Delete ${c.title}`} title="Delete" onClick={onDelete} data-testid="conversation-delete">
        ✕
      </button>
    </div>
  )
}
