import { chromium, type Browser, type CDPSession, type Page } from 'playwright'

/** Debian's Chromium with the e2e flags (e2e/fixtures.ts). */
export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-gpu']

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: process.env.TOKENDESK_CHROMIUM ?? '/usr/bin/chromium', args: CHROMIUM_ARGS })
}

export interface OpenPage {
  page: Page
  cdp: CDPSession
  close(): Promise<void>
}

/** A page with a CDP session and a long-task observer installed before any script runs. */
export async function openPage(browser: Browser): Promise<OpenPage> {
  const context = await browser.newContext({ viewport: { width: 1200, height: 760 }, bypassCSP: true })
  const page = await context.newPage()
  await page.addInitScript(`
    window.__longTasks = []
    try {
      new PerformanceObserver((list) => {
        for (const entry of list.getEntries()) window.__longTasks.push(entry.duration)
      }).observe({ type: 'longtask', buffered: true })
    } catch {}
  `)
  const cdp = await context.newCDPSession(page)
  await cdp.send('Performance.enable', { timeDomain: 'timeTicks' })
  return { page, cdp, close: () => context.close() }
}

const ROW = '[role="grid"] [role="row"]'

/** Navigates and resolves when the token list shows rows and the main thread is free again (ms since navigation start). */
export async function loadUntilInteractive(page: Page, url: string, expectRows: number): Promise<number> {
  const started = performance.now()
  await page.goto(url, { waitUntil: 'commit' })
  await page.waitForFunction(
    `(() => { const grid = document.querySelector('[role="grid"]'); return document.querySelector(${JSON.stringify(ROW)}) !== null && Number(grid && grid.getAttribute('aria-rowcount') || 0) >= ${expectRows} })()`,
    undefined,
    { timeout: 120_000, polling: 'raf' }
  )
  // Interactive: a frame, then a task, both got to run (no long task still holding the thread).
  await page.evaluate('new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)))')
  return performance.now() - started
}

async function metrics(cdp: CDPSession): Promise<Record<string, number>> {
  const { metrics: list } = (await cdp.send('Performance.getMetrics')) as { metrics: { name: string; value: number }[] }
  return Object.fromEntries(list.map((m) => [m.name, m.value]))
}

/** Renderer JS heap after a full GC, MB. */
export async function heapMb(cdp: CDPSession): Promise<number> {
  await cdp.send('HeapProfiler.enable')
  await cdp.send('HeapProfiler.collectGarbage')
  await cdp.send('HeapProfiler.collectGarbage')
  return (await metrics(cdp)).JSHeapUsedSize! / (1024 * 1024)
}

async function takeLongTasks(page: Page): Promise<number[]> {
  return (await page.evaluate('(() => { const t = window.__longTasks || []; window.__longTasks = []; return t })()')) as number[]
}

/**
 * CPU seconds of every renderer process (all threads), from the browser (SystemInfo.getProcessInfo):
 * unlike ScriptDuration (wall time inside script), it does not grow when a busy machine preempts us.
 */
export async function rendererCpuS(browser: Browser): Promise<number> {
  const session = await browser.newBrowserCDPSession()
  try {
    const { processInfo } = (await session.send('SystemInfo.getProcessInfo')) as { processInfo: { type: string; id: number; cpuTime: number }[] }
    return processInfo.filter((p) => p.type === 'renderer').reduce((sum, p) => sum + p.cpuTime, 0)
  } finally {
    await session.detach()
  }
}

/** Script time (ms) per second of wall time while the page only ticks, renderer CPU meanwhile, and long tasks. */
export async function measureTicking(
  page: Page,
  cdp: CDPSession,
  seconds: number
): Promise<{ scriptMsPerS: number; taskMsPerS: number; rendererCpuMsPerS: number; longTasks: number }> {
  const browser = page.context().browser()!
  await takeLongTasks(page)
  const before = await metrics(cdp)
  const cpuBefore = await rendererCpuS(browser)
  const started = performance.now()
  await page.waitForTimeout(seconds * 1000)
  const after = await metrics(cdp)
  const cpuAfter = await rendererCpuS(browser)
  const elapsedS = (performance.now() - started) / 1000
  const longTasks = (await takeLongTasks(page)).length
  return {
    scriptMsPerS: ((after.ScriptDuration! - before.ScriptDuration!) * 1000) / elapsedS,
    taskMsPerS: ((after.TaskDuration! - before.TaskDuration!) * 1000) / elapsedS,
    rendererCpuMsPerS: ((cpuAfter - cpuBefore) * 1000) / elapsedS,
    longTasks
  }
}

const SCROLL_SCRIPT = `async ({ seconds, pxPerFrame }) => {
      const grid = document.querySelector('[role="grid"]')
      const frameTimes = async (count) => {
        const times = []
        await new Promise((resolve) => {
          const step = (t) => {
            times.push(t)
            if (times.length > count) resolve()
            else requestAnimationFrame(step)
          }
          requestAnimationFrame(step)
        })
        return times.slice(1).map((t, i) => t - times[i])
      }
      const idle = (await frameTimes(30)).sort((a, b) => a - b)
      const interval = idle[idle.length >> 1]
      const deltas = []
      let direction = 1
      await new Promise((resolve) => {
        let last = 0
        const end = performance.now() + seconds * 1000
        const step = (t) => {
          if (last > 0) deltas.push(t - last)
          last = t
          const max = grid.scrollHeight - grid.clientHeight
          if (grid.scrollTop >= max - 1) direction = -1
          else if (grid.scrollTop <= 0) direction = 1
          grid.scrollTop += direction * pxPerFrame
          if (t < end) requestAnimationFrame(step)
          else resolve()
        }
        requestAnimationFrame(step)
      })
      const dropped = deltas.reduce((sum, d) => sum + Math.max(0, Math.round(d / interval) - 1), 0)
      return { droppedFrames: dropped, frames: deltas.length, intervalMs: interval }
    }`

/**
 * Scrolls the token grid at a steady speed with requestAnimationFrame and counts frames that
 * took longer than one refresh interval (interval: the median frame time of an idle second first).
 */
export async function measureScrolling(page: Page, seconds: number, pxPerFrame = 32): Promise<{ droppedFrames: number; frames: number; longTasks: number; intervalMs: number }> {
  await takeLongTasks(page)
  // A string, not a function: tsx (esbuild keepNames) would inject a helper the page lacks.
  const result = (await page.evaluate(`(${SCROLL_SCRIPT})(${JSON.stringify({ seconds, pxPerFrame })})`)) as { droppedFrames: number; frames: number; intervalMs: number }
  return { ...result, longTasks: (await takeLongTasks(page)).length }
}
