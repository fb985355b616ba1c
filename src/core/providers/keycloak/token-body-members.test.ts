import { describe, expect, it } from 'vitest'
import { decodeXmlTokenRequest, integerMember, readAnswer, readXmlMembers, stringMember } from './token-body'

/** The small readers behind every Keycloak-proxy answer: what they accept, and what they turn away. */

describe('stringMember: a non-empty string, else undefined', () => {
  it.each([
    [{ access_token: 'abc' }, 'abc'],
    [{ access_token: '' }, undefined],
    [{ access_token: 42 }, undefined],
    [{ access_token: null }, undefined],
    [{}, undefined]
  ])('%o → %o', (answer, expected) => {
    expect(stringMember(answer, 'access_token')).toBe(expected)
  })
})

describe('integerMember: a whole number, or the text of one (XML), else undefined', () => {
  it.each([
    [300, 300],
    ['300', 300],
    [' -5 ', -5],
    ['12a', undefined],
    ['a12', undefined],
    [' 1 2', undefined],
    ['', undefined],
    [1.5, undefined],
    [Number.MAX_SAFE_INTEGER + 1, undefined],
    [null, undefined],
    [true, undefined]
  ])('%o → %o', (value, expected) => {
    expect(integerMember({ expires_in: value }, 'expires_in')).toBe(expected)
  })
})

describe('readAnswer: JSON, XML, or nothing usable', () => {
  it('reads a JSON object by its first character or by a JSON content type', () => {
    expect(readAnswer(undefined, ' {"a":1} ')).toEqual({ a: 1 })
    expect(readAnswer('application/json', '{"a":1}')).toEqual({ a: 1 })
    expect(readAnswer('text/plain', '{"a":1}')).toEqual({ a: 1 })
  })

  it('JSON that is not an object, or not JSON at all, is nothing usable', () => {
    expect(readAnswer('application/json', '[1,2]')).toBeNull()
    expect(readAnswer('application/json', '"text"')).toBeNull()
    expect(readAnswer('application/json', '{"a":')).toBeNull()
    expect(readAnswer('application/json', 'oops')).toBeNull()
  })

  it('an XML content type is read as XML even when the body starts like JSON', () => {
    expect(readAnswer('application/xml', '{"a":1}')).toBeNull()
    expect(readAnswer('application/xml; charset=utf-8', '<R><a>1</a></R>')).toEqual({ a: '1' })
  })

  it('a body starting with < and no content type is XML; anything else without one is nothing', () => {
    expect(readAnswer(undefined, '<R><a>1</a></R>')).toEqual({ a: '1' })
    expect(readAnswer(undefined, 'Bad Gateway')).toBeNull()
    expect(readAnswer(undefined, '')).toBeNull()
  })
})

describe('readXmlMembers: the root and its text members', () => {
  it('keeps text members only, under the root element name', () => {
    expect(readXmlMembers('<AccessTokenResponse><access_token>t</access_token><nested><x>1</x></nested></AccessTokenResponse>')).toEqual({
      root: 'AccessTokenResponse',
      members: { access_token: 't' }
    })
  })

  it('a root with text content only has no members', () => {
    expect(readXmlMembers('<Message>just text</Message>')).toEqual({ root: 'Message', members: {} })
    expect(readXmlMembers('<Empty/>')).toEqual({ root: 'Empty', members: {} })
  })

  it('skips a leading comment to find the root', () => {
    expect(readXmlMembers('<!-- c --><R><a>1</a></R>')).toEqual({ root: 'R', members: { a: '1' } })
  })

  it('reads a .NET dictionary: each Key with its Value ("" when the value is not text); pairs without a text Key are skipped', () => {
    const xml =
      '<ArrayOfKeyValueOfstringstring>' +
      '<KeyValueOfstringstring><Key>error</Key><Value>invalid_grant</Value></KeyValueOfstringstring>' +
      '<KeyValueOfstringstring><Key>error_description</Key><Value><b>x</b></Value></KeyValueOfstringstring>' +
      '<KeyValueOfstringstring><Value>orphan</Value></KeyValueOfstringstring>' +
      '</ArrayOfKeyValueOfstringstring>'
    expect(readXmlMembers(xml)).toEqual({ root: 'ArrayOfKeyValueOfstringstring', members: { error: 'invalid_grant', error_description: '' } })
  })

  it('a dictionary with one pair is still read as a list', () => {
    const xml = '<ArrayOfKeyValueOfstringstring><KeyValueOfstringstring><Key>error</Key><Value>e</Value></KeyValueOfstringstring></ArrayOfKeyValueOfstringstring>'
    expect(readXmlMembers(xml)?.members).toEqual({ error: 'e' })
  })

  it('refuses what is not one XML document: text, a DOCTYPE, an HTML root, broken markup', () => {
    expect(readXmlMembers('plain text')).toBeNull()
    expect(readXmlMembers('<!DOCTYPE x><R/>')).toBeNull()
    expect(readXmlMembers('<html><body/></html>')).toBeNull()
    expect(readXmlMembers('<!-- only a comment -->')).toBeNull()
    expect(readXmlMembers('<R><a>1</b></R>')).toBeNull()
  })
})

describe('decodeXmlTokenRequest: only a TokenRequest root', () => {
  it('reads the members in the contract order and WindowsAuthentication as a boolean', () => {
    expect(decodeXmlTokenRequest('<TokenRequest><WindowsAuthentication>true</WindowsAuthentication><grant_type>password</grant_type><client_id>c</client_id><other>x</other></TokenRequest>')).toEqual({
      WindowsAuthentication: true,
      members: { grant_type: 'password', client_id: 'c' }
    })
    expect(decodeXmlTokenRequest('<TokenRequest><grant_type>password</grant_type></TokenRequest>')).toEqual({ WindowsAuthentication: false, members: { grant_type: 'password' } })
  })

  it('another root, or no document, is not a TokenRequest', () => {
    expect(decodeXmlTokenRequest('<AccessTokenResponse><grant_type>password</grant_type></AccessTokenResponse>')).toBeNull()
    expect(decodeXmlTokenRequest('not xml')).toBeNull()
  })
})
