export function formatBytes(n: number): string {
  if (!Number.isFinite(n)) return '?'
  const units = ['B', 'KB', 'MB', 'GB', 'TB']
  let i = 0
  while (n >= 1024 && i < units.length - 1) {
    n /= 1024
    i++
  }
  return `${n.toFixed(n < 10 && i > 0 ? 1 : 0)} ${units[i]}`
}

export function formatDuration(sec: number): string {
  if (!Number.isFinite(sec) || sec < 0) return '?'
  if (sec < 60) return `${Math.round(sec)} s`
  if (sec < 3600) return `${Math.floor(sec / 60)} min ${Math.round(sec % 60)} s`
  return `${Math.floor(sec / 3600)} h ${Math.round((sec % 3600) / 60)} min`
}
