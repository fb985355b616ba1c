/**
 * The start-up floor: the least any browser-mode host can do. A Node process that listens on
 * loopback and serves one static page shaped like the token list (a grid of 30 rows claiming 1,000),
 * with no script, no styles and no data. The bench launches it exactly as it launches TokenDesk
 * (same spawn, same ready line, same "interactive" test), so start-up minus this is TokenDesk's own cost.
 * Plain JavaScript, run by plain Node: nothing to build or load but node:http.
 */
import { createServer } from 'node:http'

const rows = Array.from({ length: 30 }, (_, i) => `<div role="row" aria-rowindex="${i + 2}"><span role="gridcell">token ${i + 1}</span></div>`).join('')
const page = `<!doctype html><html lang="en"><head><meta charset="UTF-8"><title>floor</title></head><body><div role="grid" aria-rowcount="1000">${rows}</div></body></html>`

const server = createServer((request, response) => {
  if (request.url !== '/') {
    response.writeHead(404).end()
    return
  }
  response.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' }).end(page)
})
server.listen(0, '127.0.0.1', () => {
  const url = `http://127.0.0.1:${server.address().port}/`
  process.stdout.write(`BENCH_READY ${JSON.stringify({ url, bootMs: performance.now(), pid: process.pid })}\n`)
  process.stdout.write(`BENCH_BOOTED ${JSON.stringify({ bootedMs: performance.now(), sandbox: null })}\n`)
})
process.on('SIGTERM', () => server.close(() => process.exit(0)))
