import { describe, expect, it, vi } from 'vitest'

const electron = vi.hoisted(() => ({
  protocol: { registerSchemesAsPrivileged: vi.fn(), handle: vi.fn(), unhandle: vi.fn() }
}))
vi.mock('electron', () => ({ protocol: electron.protocol }))

const { registerAppScheme, serveRenderer } = await import('./protocol')

describe('app:// scheme', () => {
  it('registers app:// as standard, secure and fetch-capable, without CORS or CSP bypass', () => {
    registerAppScheme()
    expect(electron.protocol.registerSchemesAsPrivileged).toHaveBeenCalledWith([
      { scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true } }
    ])
  })

  it('serveRenderer answers app:// with the file handler, and can undo it', async () => {
    const stop = serveRenderer('/nonexistent-renderer-root')
    expect(electron.protocol.handle).toHaveBeenCalledWith('app', expect.any(Function))
    const handler = electron.protocol.handle.mock.calls[0]![1] as (request: Request) => Promise<Response>
    expect((await handler(new Request('app://tokendesk/index.html'))).status).toBe(404)
    stop()
    expect(electron.protocol.unhandle).toHaveBeenCalledWith('app')
  })
})
