import { readFileSync } from 'node:fs'

interface ProfileNode {
  id: number
  callFrame: { functionName: string; url: string; lineNumber: number }
  children?: number[]
}
interface Profile {
  nodes: ProfileNode[]
  samples: number[]
  timeDeltas: number[]
}

/** Self time (ms) per function of a .cpuprofile, largest first: for `--profile` runs and notes. */
export function topSelfTime(file: string, limit = 25): { fn: string; ms: number }[] {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile
  const byId = new Map(profile.nodes.map((n) => [n.id, n]))
  const totals = new Map<string, number>()
  profile.samples.forEach((id, i) => {
    const node = byId.get(id)!
    const frame = node.callFrame
    const where = frame.url.replace(/^.*\/(node_modules\/)?/, (m) => (m.includes('node_modules') ? 'nm:' : ''))
    const key = `${frame.functionName || '(anon)'} ${where}:${frame.lineNumber + 1}`
    totals.set(key, (totals.get(key) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000)
  })
  return [...totals.entries()].sort((a, b) => b[1] - a[1]).slice(0, limit).map(([fn, ms]) => ({ fn, ms: Math.round(ms) }))
}

if (process.argv[1]?.endsWith('cpuprofile.ts')) {
  for (const row of topSelfTime(process.argv[2]!, Number(process.argv[3] ?? 30))) console.log(String(row.ms).padStart(7), row.fn)
}

/** Callers (3 levels) of functions whose key matches `pattern`, with self ms: for digging into a profile. */
export function callersOf(file: string, pattern: RegExp, limit = 15): { chain: string; ms: number }[] {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile
  const parent = new Map<number, number>()
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id)
  const byId = new Map(profile.nodes.map((n) => [n.id, n]))
  const name = (n: ProfileNode): string => `${n.callFrame.functionName || '(anon)'}@${n.callFrame.url.split('/').pop()}:${n.callFrame.lineNumber + 1}`
  const totals = new Map<string, number>()
  profile.samples.forEach((id, i) => {
    let node = byId.get(id)!
    if (!pattern.test(name(node))) return
    const chain = [name(node)]
    for (let depth = 0; depth < 6; depth++) {
      const p = parent.get(node.id)
      if (p === undefined) break
      node = byId.get(p)!
      chain.push(name(node))
    }
    const key = chain.join(' < ')
    totals.set(key, (totals.get(key) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000)
  })
  return [...totals.entries()].sort((a, b) => b[1] - a[1]).slice(0, limit).map(([chain, ms]) => ({ chain, ms: Math.round(ms) }))
}
