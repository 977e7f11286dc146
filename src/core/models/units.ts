import { formatBytes } from '../../shared/format'

export { formatBytes }

export function formatDuration(sec: number): string {
  if (!Number.isFinite(sec) || sec < 0) return '?'
  if (sec < 60) return `${Math.round(sec)} s`
  if (sec < 3600) return `${Math.floor(sec / 60)} min ${Math.round(sec % 60)} s`
  return `${Math.floor(sec / 3600)} h ${Math.round((sec % 3600) / 60)} min`
}
