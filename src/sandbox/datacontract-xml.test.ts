import { describe, expect, it } from 'vitest'
import { compareOrdinal, DATA_CONTRACT_NAMESPACE, readDataContract, writeDataContract } from './datacontract-xml.js'

const MEMBERS = ['WindowsAuthentication', 'client_id', 'grant_type', 'username'] as const
const wrap = (inner: string, attributes = `xmlns="${DATA_CONTRACT_NAMESPACE}"`): string => `<TokenRequest ${attributes}>${inner}</TokenRequest>`

describe('DataContract XML', () => {
  it('sorts members ordinally: uppercase before lowercase', () => {
    expect(['client_id', 'WindowsAuthentication', 'access_token'].sort(compareOrdinal)).toEqual(['WindowsAuthentication', 'access_token', 'client_id'])
  })

  it('reads members in order and skips unknown elements without moving the cursor', () => {
    const read = readDataContract(wrap('<client_id>a</client_id><unknown>x</unknown><grant_type>password</grant_type>'), 'TokenRequest', MEMBERS)
    expect(read).toEqual({ ok: true, members: new Map([['client_id', 'a'], ['grant_type', 'password']]) })
  })

  it('skips an element that arrives after a later member, and a repeated element', () => {
    const read = readDataContract(wrap('<grant_type>password</grant_type><client_id>late</client_id><grant_type>again</grant_type><username>u</username>'), 'TokenRequest', MEMBERS)
    expect(read).toEqual({ ok: true, members: new Map([['grant_type', 'password'], ['username', 'u']]) })
  })

  it('resolves a prefixed namespace, decodes entities and reads i:nil as null', () => {
    const xml = `<d:TokenRequest xmlns:d="${DATA_CONTRACT_NAMESPACE}" xmlns:i="http://www.w3.org/2001/XMLSchema-instance"><d:client_id>a&amp;b</d:client_id><d:username i:nil="true"/></d:TokenRequest>`
    expect(readDataContract(xml, 'TokenRequest', MEMBERS)).toEqual({ ok: true, members: new Map([['client_id', 'a&b'], ['username', null]]) })
  })

  it('ignores members from another namespace', () => {
    const read = readDataContract(wrap('<client_id xmlns="urn:other">a</client_id><grant_type>g</grant_type>'), 'TokenRequest', MEMBERS)
    expect(read).toEqual({ ok: true, members: new Map([['grant_type', 'g']]) })
  })

  it('reads the seed help page sample request (every member, whitespace between elements)', () => {
    const seedSample =
      '<TokenRequest xmlns:i="http://www.w3.org/2001/XMLSchema-instance" xmlns="http://schemas.datacontract.org/2004/07/IO.Swagger.Models"> <WindowsAuthentication>true</WindowsAuthentication> <client_id>sample string 2</client_id> <client_secret>sample string 3</client_secret> <grant_type>sample string 7</grant_type> <password>sample string 6</password> <refresh_token>sample string 8</refresh_token> <scope>sample string 4</scope> <username>sample string 5</username> </TokenRequest>'
    const all = ['WindowsAuthentication', 'client_id', 'client_secret', 'grant_type', 'password', 'refresh_token', 'scope', 'username']
    const read = readDataContract(seedSample, 'TokenRequest', all)
    expect(read).toEqual({
      ok: true,
      members: new Map([
        ['WindowsAuthentication', 'true'],
        ['client_id', 'sample string 2'],
        ['client_secret', 'sample string 3'],
        ['grant_type', 'sample string 7'],
        ['password', 'sample string 6'],
        ['refresh_token', 'sample string 8'],
        ['scope', 'sample string 4'],
        ['username', 'sample string 5']
      ])
    })
  })

  it('refuses a root outside the DataContract namespace, DTDs and malformed XML', () => {
    expect(readDataContract('<TokenRequest><client_id>a</client_id></TokenRequest>', 'TokenRequest', MEMBERS).ok).toBe(false)
    expect(readDataContract(`<!DOCTYPE x><TokenRequest xmlns="${DATA_CONTRACT_NAMESPACE}"/>`, 'TokenRequest', MEMBERS).ok).toBe(false)
    expect(readDataContract('<TokenRequest>', 'TokenRequest', MEMBERS).ok).toBe(false)
  })

  it('writes members sorted ordinally, omitting null and undefined, escaping text', () => {
    expect(writeDataContract('R', { b: 'x<y', A: 1, c: null, a: false, d: undefined })).toBe(
      `<R xmlns:i="http://www.w3.org/2001/XMLSchema-instance" xmlns="${DATA_CONTRACT_NAMESPACE}"><A>1</A><a>false</a><b>x&lt;y</b></R>`
    )
  })
})
