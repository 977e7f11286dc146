import { useEffect, useState } from 'react'
import type { SystemStatus } from '../../core/contract'
import type { ConnectionState } from './ws-client'
import { useAction, useEvent } from './hooks'
import { engine } from './rpc'
import { Button } from './ui/Button'
import { ErrorNote } from './ui/States'
import { toast } from './ui/Toast'

/** The engine's health (system.status), asked on every (re)connection and kept current by its event; null until known. */
export function useSystemStatus(link: ConnectionState['status']): SystemStatus | null {
  const [status, setStatus] = useState<SystemStatus | null>(null)
  useEffect(() => {
    if (link !== 'connected') return
    engine
      .call('system.status', {})
      .then(setStatus)
      // an engine that cannot say is not blocked on: its methods answer for themselves
      .catch(() => setStatus((s) => s ?? { database: 'ok', dbFile: '', problem: null, movedAsideTo: null }))
  }, [link])
  useEvent((e) => {
    if (e.type === 'system.status') setStatus(e.status)
  })
  return status
}

/**
 * Instead of the app while the database is damaged (the engine runs degraded): what is wrong, the file's full
 * path, and the two ways on: move it aside and start fresh (here, and said afterwards), or restore a backup.
 */
export function DamagedDatabase({ status }: { status: SystemStatus }) {
  const action = useAction()
  const moveAside = () =>
    void action.run(async () => {
      const r = await engine.call('system.moveDamagedDbAside', {})
      toast('Started with a fresh database', `The damaged one was kept as ${r.movedTo}.`, 'info')
    })
  return (
    <div className="flex h-full items-start justify-center overflow-auto bg-sunken p-6 pt-[12vh]">
      <div role="alertdialog" aria-labelledby="damaged-db-title" data-testid="damaged-db" className="w-[40rem] max-w-full rounded-lg border border-bad bg-panel p-6 text-fg shadow-xl">
        <h1 id="damaged-db-title" className="text-lg font-semibold text-bad">
          The database cannot be read
        </h1>
        <p className="mt-2 text-sm">
          Autodidact keeps your conversations, rounds and reviewed examples in one database file. That file is damaged, so nothing can be shown or saved
          until it is dealt with. Nothing has been changed yet.
        </p>
        <p className="mt-3 text-xs text-muted">The file</p>
        <code className="mt-1 block break-all rounded-md bg-sunken px-3 py-2 text-sm" data-testid="damaged-db-path">
          {status.dbFile}
        </code>
        {status.problem && (
          <details className="mt-3 text-sm">
            <summary className="cursor-pointer text-muted">What is wrong</summary>
            <p className="mt-1 break-words" data-testid="damaged-db-problem">
              {status.problem}
            </p>
          </details>
        )}
        <h2 className="mt-4 text-sm font-semibold">Start fresh</h2>
        <p className="mt-1 text-sm">
          The damaged file is renamed and kept beside a new, empty database (<code>autodidact.db.damaged-…</code>). Your models, adapters and exports stay
          where they are.
        </p>
        <h2 className="mt-4 text-sm font-semibold">Or restore a backup</h2>
        <p className="mt-1 text-sm">
          Quit Autodidact, replace the file above with your backup copy (and delete the <code>-wal</code> and <code>-shm</code> files beside it, if any), then start it
          again.
        </p>
        <div className="mt-4">
          <ErrorNote error={action.error} />
        </div>
        <div className="mt-4 flex justify-end">
          <Button variant="primary" data-testid="damaged-db-move" disabled={action.busy} onClick={moveAside}>
            {action.busy ? 'Moving it aside…' : 'Move it aside and start fresh'}
          </Button>
        </div>
      </div>
    </div>
  )
}
