import { useEffect, useState } from 'react'
import { connection, type ConnectionState } from './rpc'

export function useConnection(): ConnectionState {
  const [state, setState] = useState(connection.state())
  useEffect(() => {
    setState(connection.state())
    return connection.onState(setState)
  }, [])
  return state
}

/** While the engine cannot be reached, says so over the whole window, and what to do: never a quiet app that does nothing. */
export function ConnectionBanner() {
  const state = useConnection()
  if (state.status !== 'disconnected') return null
  const stale = state.reason === 'stale-token'
  return (
    <div className="fixed inset-0 z-50 flex items-start justify-center bg-black/40 p-6 pt-[15vh]" data-testid="connection-overlay">
      <div role="alert" data-testid="connection-banner" data-reason={state.reason} className="w-[34rem] max-w-full rounded-lg border border-bad bg-panel p-5 text-fg shadow-xl">
        <h2 className="text-base font-semibold text-bad">Disconnected from the engine</h2>
        {stale ? (
          <p className="mt-2 text-sm">
            This tab's access token is no longer accepted: the web shell was restarted and now has a new address. Open the URL it printed in its
            terminal (<code>http://127.0.0.1:PORT/?token=…</code>) and close this tab.
          </p>
        ) : (
          <p className="mt-2 text-sm">
            Nothing answers at {location.host}: the web shell {state.wasConnected ? 'stopped' : 'is not running'}. Start it again with{' '}
            <code>npm run web</code> and open the new URL it prints. If it was only a short interruption, this tab reconnects on its own.
          </p>
        )}
        <p className="mt-2 text-xs text-muted">Until then nothing you do here reaches the engine; unsaved edits in this tab stay as they are.</p>
        <div className="mt-4 flex justify-end">
          <button className="rounded-md border border-line px-3 py-1.5 text-sm hover:bg-sunken" onClick={() => connection.retry()} data-testid="connection-retry">
            Try again now
          </button>
        </div>
      </div>
    </div>
  )
}
