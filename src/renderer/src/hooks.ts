import { useCallback, useEffect, useRef, useState } from 'react'
import type { EngineEvent, Input, JobInfo, MethodName, Output } from '../../core/contract'
import { engine } from './rpc'

/** Calls a method on mount (and when deps change); `reload` calls it again. */
export function useCall<K extends MethodName>(method: K, input: Input<K>, deps: unknown[] = []) {
  const [data, setData] = useState<Output<K> | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [loading, setLoading] = useState(true)
  const inputRef = useRef(input)
  inputRef.current = input
  const reload = useCallback(async () => {
    setLoading(true)
    try {
      setData(await engine.call(method, inputRef.current))
      setError(null)
    } catch (err) {
      setError((err as Error).message)
    } finally {
      setLoading(false)
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [method, ...deps])
  useEffect(() => {
    void reload()
  }, [reload])
  return { data, error, loading, reload, setData }
}

export function useEvent(listener: (e: EngineEvent) => void) {
  const ref = useRef(listener)
  ref.current = listener
  useEffect(() => {
    const off = engine.onEvent((e) => ref.current(e))
    return () => {
      off()
    }
  }, [])
}

/** Live job states from job.update events. */
export function useJobs() {
  const [jobs, setJobs] = useState<Record<string, JobInfo>>({})
  useEffect(() => {
    void engine.call('jobs.list', {}).then((list) => setJobs(Object.fromEntries(list.map((j) => [j.id, j]))))
  }, [])
  useEvent((e) => {
    if (e.type === 'job.update') setJobs((j) => ({ ...j, [e.job.id]: e.job }))
  })
  return jobs
}

/** Runs an action, exposing busy/error state for buttons and forms. */
export function useAction() {
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const run = useCallback(async <T,>(fn: () => Promise<T>): Promise<T | undefined> => {
    setBusy(true)
    setError(null)
    try {
      return await fn()
    } catch (err) {
      setError((err as Error).message)
      return undefined
    } finally {
      setBusy(false)
    }
  }, [])
  return { busy, error, run, setError }
}
