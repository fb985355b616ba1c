import { describe, expect, it } from 'vitest'
import { hostProcessEnv } from './build-host'

describe('hostProcessEnv: the environment of the bundled host', () => {
  it('caps glibc malloc arenas at 2 and passes everything else through', () => {
    expect(hostProcessEnv({ PATH: '/usr/bin', HTTPS_PROXY: 'http://p:1' })).toEqual({ MALLOC_ARENA_MAX: '2', PATH: '/usr/bin', HTTPS_PROXY: 'http://p:1' })
  })

  it('keeps a MALLOC_ARENA_MAX the user set', () => {
    expect(hostProcessEnv({ MALLOC_ARENA_MAX: '8' }).MALLOC_ARENA_MAX).toBe('8')
  })
})
