/**
 * Local `19:04:05`, the 24-hour clock the app shows everywhere whatever the host's locale says.
 * Shared: the renderer's times and the core's notice texts read the same.
 */
export function formatClockTime(ms: number): string {
  const d = new Date(ms)
  return [d.getHours(), d.getMinutes(), d.getSeconds()].map((part) => String(part).padStart(2, '0')).join(':')
}
