import fc from 'fast-check'
import { afterAll, describe, expect, it } from 'vitest'
import { AppError } from '../../../shared/errors'
import type { FieldValues } from '../../../shared/model'
import { PLAY_OXYGEN_DEMO, POCKETPAW_DEMO } from '../../../sandbox/demo-data'
import { useSandbox } from '../../../sandbox/test-support'
import { createHttpClient } from '../../http/client'
import type { Logger } from '../../log'
import { recipeProvider } from '../recipe'
import { recipeFromCurl, type CurlImport } from './curl'
import { buildRequest, type RecipeRequest } from './request'
import { readRecipe } from './spec'

function rendered(imported: CurlImport): RecipeRequest {
  return buildRequest(readRecipe(imported.fields), { id: 'a', name: 'Imported', fields: imported.fields, secrets: imported.secrets })
}

function curlError(command: string): AppError {
  try {
    recipeFromCurl(command)
  } catch (error) {
    if (error instanceof AppError) return error
    throw error
  }
  throw new Error('expected CURL_PARSE_FAILED')
}

/** Single-quotes a value for a POSIX shell. */
const sq = (value: string): string => `'${value.replace(/'/g, `'\\''`)}'`

describe('real-world curl lines', () => {
  it('a Keycloak token call (form data, several -d): credentials become secrets, expiry from expires_in', () => {
    const imported = recipeFromCurl(
      `curl -s -X POST "https://sso.example.com/realms/demo/protocol/openid-connect/token" -H "Content-Type: application/x-www-form-urlencoded" -d "grant_type=password" -d "client_id=tokendesk" -d "client_secret=s3cr3t%2Fx" -d "username=alice" -d "password=p%40ss+word"`
    )
    expect(imported.fields).toMatchObject({
      baseUrl: 'https://sso.example.com',
      method: 'POST',
      url: '{{field:baseUrl}}/realms/demo/protocol/openid-connect/token',
      headers: 'Content-Type: application/x-www-form-urlencoded',
      body: 'grant_type=password&client_id=tokendesk&client_secret={{secret:client_secret}}&username=alice&password={{secret:password}}',
      tokenFrom: 'json:/access_token',
      expiryFrom: 'json:/expires_in',
      expiryFormat: 'seconds'
    })
    expect(imported.secrets).toEqual({ client_secret: 's3cr3t/x', password: 'p@ss word' })
    expect(imported.warnings).toEqual([])
    expect(new URLSearchParams(rendered(imported).body).get('password')).toBe('p@ss word')
  })

  it('the PocketPaw session call: the Bearer value becomes a secret, the scheme stays', () => {
    const imported = recipeFromCurl(`curl -X POST http://localhost:8888/api/auth/session -H "Authorization: Bearer ${POCKETPAW_DEMO.masterToken}"`)
    expect(imported.fields).toMatchObject({ baseUrl: 'http://localhost:8888', method: 'POST', url: '{{field:baseUrl}}/api/auth/session', headers: 'Authorization: Bearer {{secret:Authorization}}', body: '' })
    expect(imported.secrets).toEqual({ Authorization: POCKETPAW_DEMO.masterToken })
    expect(imported.warnings).toEqual(['Check Token from: it says where the token is in the answer (now json:/access_token).'])
  })

  it('a JSON login with -d (no Content-Type): JSON fields named like credentials become secrets, sent as JSON', () => {
    const imported = recipeFromCurl(`curl https://api.example.com/v1/login -d '{"user":{"email":"a@b.c","password":"hunter2"},"apiKey":"k-123","remember":true}'`)
    expect(imported.fields.method).toBe('POST')
    expect(imported.fields.headers).toBe('Content-Type: application/json')
    expect(imported.secrets).toEqual({ password: 'hunter2', apiKey: 'k-123' })
    expect(imported.warnings).toContain('The data is JSON but had no Content-Type (curl would have called it a form); the recipe sends it as application/json.')
    expect(JSON.parse(rendered(imported).body!)).toEqual({ user: { email: 'a@b.c', password: 'hunter2' }, apiKey: 'k-123', remember: true })
  })

  it('-u basic auth: the user is a variable, the password a secret, the header HTTP Basic', () => {
    const imported = recipeFromCurl(`curl -u 'svc-client:pa:ss' -X POST https://auth.example.com/oauth/token --data-urlencode 'grant_type=client_credentials' --data-urlencode 'scope=read write'`)
    expect(imported.fields).toMatchObject({
      variables: 'username=svc-client',
      headers: 'Authorization: Basic {{base64:{{field:username}}:{{secret:password}}}}\nContent-Type: application/x-www-form-urlencoded',
      body: 'grant_type=client_credentials&scope=read%20write'
    })
    expect(imported.secrets).toEqual({ password: 'pa:ss' })
    expect(rendered(imported).headers.authorization).toBe(`Basic ${Buffer.from('svc-client:pa:ss').toString('base64')}`)
  })

  it('a multi-line command with backslashes, $\'…\' quoting, -k, -L and an unknown flag', () => {
    const imported = recipeFromCurl(
      [
        "curl 'https://api.example.com/session?tenant=acme&api_key=abc%20def' \\",
        "  -H 'X-Request-Id: 42' \\",
        "  -H $'X-Api-Key: key\\'s value' \\",
        '  --data-raw $\'{"name":"x"}\' \\',
        '  -k -L --frobnicate'
      ].join('\n')
    )
    expect(imported.fields).toMatchObject({
      url: '{{field:baseUrl}}/session?tenant=acme&api_key={{secret:api_key}}',
      headers: 'X-Request-Id: 42\nX-Api-Key: {{secret:X-Api-Key}}\nContent-Type: application/json',
      method: 'POST'
    })
    expect(imported.secrets).toEqual({ api_key: 'abc def', 'X-Api-Key': "key's value" })
    expect(imported.warnings).toEqual(
      expect.arrayContaining([
        '-k (--insecure) was left out: TokenDesk never turns off TLS certificate checks.',
        '-L (--location) was left out: TokenDesk never follows redirects, because every request carries a credential. Use the final address.',
        'Ignored the unknown option --frobnicate.'
      ])
    )
    const request = rendered(imported)
    expect(new URL(request.url).searchParams.get('api_key')).toBe('abc def')
    expect(request.headers['x-api-key']).toBe("key's value")
  })

  it('Play Oxygen with --json', () => {
    const client = PLAY_OXYGEN_DEMO.clients[0]!
    const imported = recipeFromCurl(`curl --json '{"api_key":"${client.apiKey}","secret":"${client.secret}"}' https://po2.example.com/api/auth/session/${client.clientId}`)
    expect(imported.fields.headers).toBe('Content-Type: application/json\nAccept: application/json')
    expect(imported.secrets).toEqual({ api_key: client.apiKey, secret: client.secret })
  })

  it('-G puts the data into the query and sends GET', () => {
    const imported = recipeFromCurl(`curl -G https://api.example.com/token -d client_id=abc -d client_secret=xyz`)
    expect(imported.fields).toMatchObject({ method: 'GET', body: '', url: '{{field:baseUrl}}/token?client_id=abc&client_secret={{secret:client_secret}}', headers: '' })
    expect(imported.secrets).toEqual({ client_secret: 'xyz' })
  })

  it('an Authorization: Basic header is split into user and password like -u', () => {
    const imported = recipeFromCurl(`curl -X POST https://x.example.com/t -H 'Authorization: Basic ${Buffer.from('me:secret').toString('base64')}'`)
    expect(imported.fields.variables).toBe('username=me')
    expect(imported.secrets).toEqual({ password: 'secret' })
  })

  it('shell variables are kept as written and their secrets left for the user to enter', () => {
    const imported = recipeFromCurl(`curl -X POST https://x.example.com/t -H "Authorization: Bearer $TOKEN"`)
    expect(imported.secrets).toEqual({ Authorization: '' })
    expect(imported.warnings).toEqual(
      expect.arrayContaining(['The value for {{secret:Authorization}} is a shell variable (${TOKEN}); enter the real value.', 'The command uses shell variables ($TOKEN); they were kept as written.'])
    )
  })

  it('stops at a pipe and drops headers TokenDesk sets itself', () => {
    const imported = recipeFromCurl(`curl -sS https://x.example.com/t -H 'Content-Length: 12' -H 'Host: x' | jq .access_token`)
    expect(imported.fields.headers).toBe('')
    expect(imported.warnings).toContain('Left out the Content-Length header: TokenDesk sets it itself.')
  })

  it.each([
    ['wget https://x.example.com', 'This is not a curl command: paste a line that starts with curl.'],
    ['', 'This is not a curl command: paste a line that starts with curl.'],
    ['curl -X POST -H "Accept: x"', 'The curl command has no URL: add the address it calls.'],
    ['curl -X DELETE https://x.example.com/s', 'A recipe sends GET, POST, PUT, PATCH; this command uses DELETE.'],
    ['curl https://x.example.com -H', '-H needs a value after it.'],
    ['curl "https://x.example.com', 'The command line could not be read: a quote is never closed.']
  ])('refuses %j with a sentence', (command, message) => {
    const error = curlError(command)
    expect(error.code).toBe('CURL_PARSE_FAILED')
    expect(error.message).toBe(message)
  })
})

describe('what curl would do that a recipe will not: warnings', () => {
  const URL_ = 'https://x.example.com/t'
  it.each([
    [`curl ${URL_} -m 10`, '-m was left out: TokenDesk uses its own deadlines and retries.'],
    [`curl ${URL_} --retry=3`, '--retry was left out: TokenDesk uses its own deadlines and retries.'],
    [`curl ${URL_} -x http://proxy:3128`, '-x (a proxy (TokenDesk uses the system proxy settings)) was left out: a recipe cannot use it.'],
    [`curl ${URL_} --cert me.pem`, '--cert (a client certificate) was left out: a recipe cannot use it.'],
    [`curl ${URL_} -F file=@a.txt`, '-F (multipart form data) was left out: a recipe cannot use it.'],
    [`curl ${URL_} --ntlm`, '--ntlm authentication is not supported by recipes; only headers and the body are sent.'],
    [`curl ${URL_} -d @body.json`, "-d @body.json reads a file, which a recipe cannot; paste the file's content into Body."],
    [`curl ${URL_} --data-binary @body.json`, "--data-binary @body.json reads a file, which a recipe cannot; paste the file's content into Body."],
    [`curl ${URL_} --data-urlencode name@file.txt`, '--data-urlencode with @file reads a file, which a recipe cannot; paste the content into Body.'],
    [`curl ${URL_} -b cookies.txt`, '-b cookies.txt reads cookies from a file, which a recipe cannot; add a Cookie header instead.'],
    [`curl ${URL_} -b 'sid=abc'`, 'The Cookie header was kept as plain text; if it holds a session, move it into a {{secret:…}}.'],
    [`curl ${URL_} -H 'no colon here'`, 'Left out the header "no colon here": it is not "Name: value".'],
    [`curl ${URL_} https://y.example.com/other`, 'The command names more than one URL; the recipe uses the first.'],
    [`curl ${URL_} --url https://y.example.com/other`, 'The command names more than one URL; the recipe uses the first.'],
    [`curl x.example.com/t`, 'The URL had no scheme; it now starts with https:// (curl would have used http://).'],
    [`curl -X GET ${URL_} -d a=1`, 'curl sends a body with GET here; the recipe uses POST instead (a GET recipe has no body).'],
    [`curl ${URL_} --json '{"a":1}' -d b=2`, 'Both --json and -d were given; the recipe keeps the --json data.'],
    [`curl -u alice ${URL_}`, '-u gave no password (curl would ask for it); enter it in the password secret.'],
    [`curl ${URL_} -d 'text={{x}}'`, 'The body contains "{{", which a recipe reads as a placeholder; check Body.']
  ])('%s', (command, warning) => {
    expect(recipeFromCurl(command).warnings).toContain(warning)
  })

  it('output, progress and verbosity flags change nothing and say nothing', () => {
    const imported = recipeFromCurl(`curl -sSv --compressed -o out.json -w '%{http_code}' --http1.1 https://x.example.com/t -d grant_type=client_credentials`)
    expect(imported.warnings).toEqual([])
    expect(imported.fields).toMatchObject({ method: 'POST', body: 'grant_type=client_credentials', url: '{{field:baseUrl}}/t' })
  })
})

describe('curl spellings', () => {
  it('--flag=value, -Xvalue, bundled short flags and -- before the URL', () => {
    const imported = recipeFromCurl(`curl -sS -XPUT --header='X-Trace: 1' -Hx-other:2 --data=a=1 -- https://x.example.com/t`)
    expect(imported.fields).toMatchObject({ method: 'PUT', headers: 'X-Trace: 1\nx-other: 2\nContent-Type: application/x-www-form-urlencoded', body: 'a=1' })
  })

  it('-I is HEAD (which a recipe cannot send); a path to curl or curl.exe is curl; a leading $ prompt is dropped', () => {
    expect(curlError(`curl -I https://x.example.com/t`).message).toBe('A recipe sends GET, POST, PUT, PATCH; this command uses HEAD.')
    expect(recipeFromCurl(`/usr/bin/curl https://x.example.com/t`).fields.method).toBe('GET')
    expect(recipeFromCurl(`curl.exe https://x.example.com/t`).fields.method).toBe('GET')
    expect(recipeFromCurl(`$ curl https://x.example.com/t`).fields.url).toBe('{{field:baseUrl}}/t')
  })

  it('Windows ^ and PowerShell ` line continuations', () => {
    expect(recipeFromCurl('curl https://x.example.com/t ^\n  -X PUT').fields.method).toBe('PUT')
    expect(recipeFromCurl('curl https://x.example.com/t `\r\n  -X PATCH').fields.method).toBe('PATCH')
  })

  it('-A, -e and --oauth2-bearer become headers; the bearer token a secret', () => {
    const imported = recipeFromCurl(`curl https://x.example.com/t -A 'TokenDesk/1' -e https://ref.example.com --oauth2-bearer abc.def`)
    expect(imported.fields.headers).toBe('User-Agent: TokenDesk/1\nReferer: https://ref.example.com\nAuthorization: Bearer {{secret:Authorization}}')
    expect(imported.secrets).toEqual({ Authorization: 'abc.def' })
  })

  it('a user and password in the URL become the Basic pair and leave the URL', () => {
    const imported = recipeFromCurl(`curl https://me:p%40ss@x.example.com/t`)
    expect(imported.fields.baseUrl).toBe('https://x.example.com')
    expect(imported.fields.variables).toBe('username=me')
    expect(imported.secrets).toEqual({ password: 'p@ss' })
  })

  it('a local address without a scheme is http://, silently', () => {
    const imported = recipeFromCurl(`curl localhost:8888/api/auth/session -X POST`)
    expect(imported.fields.baseUrl).toBe('http://localhost:8888')
    expect(imported.warnings).not.toContain('The URL had no scheme; it now starts with https:// (curl would have used http://).')
  })

  it('--data-urlencode: content, =content and name=content', () => {
    expect(recipeFromCurl(`curl https://x.example.com/t --data-urlencode 'a b'`).fields.body).toBe('a%20b')
    expect(recipeFromCurl(`curl https://x.example.com/t --data-urlencode '=a&b'`).fields.body).toBe('a%26b')
    expect(recipeFromCurl(`curl https://x.example.com/t --data-urlencode 'q=a@b'`).fields.body).toBe('q=a%40b')
  })

  it('secrets with the same name get distinct names; one that would shadow a recipe field is renamed', () => {
    const imported = recipeFromCurl(`curl https://x.example.com/t -d 'token=one&token=two&token=one' -H 'X-Token: three' -H 'url-token: four'`)
    expect(imported.fields.body).toBe('token={{secret:token}}&token={{secret:token_2}}&token={{secret:token}}')
    expect(imported.secrets).toMatchObject({ token: 'one', token_2: 'two', 'X-Token': 'three', 'url-token': 'four' })
    const shadow = recipeFromCurl(`curl https://x.example.com/t -d 'body_token=x' -H 'Authorization: Token abc'`)
    expect(shadow.secrets).toEqual({ body_token: 'x', Authorization: 'abc' })
    expect(recipeFromCurl(`curl https://x.example.com/t --json '{"1secret":"v"}'`).secrets).toEqual({ secret: 'v' })
  })

  it('an Authorization value without a scheme is a secret as a whole; an empty credential field stays empty', () => {
    const imported = recipeFromCurl(`curl https://x.example.com/t -H 'Authorization: abc123' -d 'password=&grant_type=password'`)
    expect(imported.fields.headers).toBe('Authorization: {{secret:Authorization}}\nContent-Type: application/x-www-form-urlencoded')
    expect(imported.secrets).toEqual({ Authorization: 'abc123' })
    expect(imported.fields.body).toBe('password=&grant_type=password')
    expect(imported.fields).toMatchObject({ expiryFrom: 'json:/expires_in', expiryFormat: 'seconds' })
  })
})

describe('bundled short flags, read as curl reads them', () => {
  const URL_ = 'https://x.example.com/t'
  const clean = (imported: CurlImport): string[] => imported.warnings.filter((warning) => !warning.startsWith('Check Token from'))

  it.each([
    [`curl -sSXPUT ${URL_}`, 'PUT'],
    [`curl -sSX PUT ${URL_}`, 'PUT'],
    [`curl -XPUT ${URL_}`, 'PUT'],
    [`curl -X PATCH ${URL_}`, 'PATCH'],
    [`curl ${URL_} -sSX PATCH`, 'PATCH'],
    [`curl -svXpost ${URL_}`, 'POST']
  ])('%s: the method is %s, the URL the only one, nothing ignored', (command, method) => {
    const imported = recipeFromCurl(command)
    expect(imported.fields).toMatchObject({ method, baseUrl: 'https://x.example.com', url: '{{field:baseUrl}}/t', body: '' })
    expect(clean(imported)).toEqual([])
  })

  it('-dfoo, -sSdfoo and -sSd foo: the rest of the word, or the next word, is the data', () => {
    for (const command of [`curl -da=1 ${URL_}`, `curl -sSda=1 ${URL_}`, `curl -sSd a=1 ${URL_}`, `curl ${URL_} -sd 'a=1'`]) {
      const imported = recipeFromCurl(command)
      expect(imported.fields, command).toMatchObject({ method: 'POST', body: 'a=1', headers: 'Content-Type: application/x-www-form-urlencoded' })
      expect(clean(imported), command).toEqual([])
    }
  })

  it("-Hfoo: bar and -sSH 'foo: bar': a header attached to its flag, in a bundle or not", () => {
    expect(recipeFromCurl(`curl '-HX-Trace: 1' ${URL_}`).fields.headers).toBe('X-Trace: 1')
    expect(recipeFromCurl(`curl -sS'HX-Trace: 1' ${URL_}`).fields.headers).toBe('X-Trace: 1')
    expect(recipeFromCurl(`curl -sSH 'X-Trace: 1' ${URL_}`).fields.headers).toBe('X-Trace: 1')
    expect(recipeFromCurl(`curl -sSHX-Trace:1 -XPUT ${URL_}`).fields).toMatchObject({ headers: 'X-Trace: 1', method: 'PUT' })
  })

  it('the value ends the bundle: letters after the value-taking flag are its value, not more flags', () => {
    const imported = recipeFromCurl(`curl -sdXkL=1 ${URL_}`)
    expect(imported.fields).toMatchObject({ method: 'POST', body: 'XkL=1' })
    expect(clean(imported)).toEqual([])
  })

  it('the next word is the value even when it starts with a dash', () => {
    expect(recipeFromCurl(`curl -sSd -k ${URL_}`).fields).toMatchObject({ method: 'POST', body: '-k' })
  })

  it('flags without values before it each still count (-kX POST warns about -k)', () => {
    const imported = recipeFromCurl(`curl -kLX POST ${URL_}`)
    expect(imported.fields.method).toBe('POST')
    expect(clean(imported)).toEqual([
      '-k (--insecure) was left out: TokenDesk never turns off TLS certificate checks.',
      '-L (--location) was left out: TokenDesk never follows redirects, because every request carries a credential. Use the final address.'
    ])
  })

  it("curl's other value-taking letters end a bundle too, and their value is not the URL", () => {
    const config = recipeFromCurl(`curl -sKmy.cfg ${URL_}`)
    expect(config.fields.url).toBe('{{field:baseUrl}}/t')
    expect(clean(config)).toEqual(['-K (a config file) was left out: a recipe cannot use it.'])
    const range = recipeFromCurl(`curl -sr 0-99 ${URL_}`)
    expect(clean(range)).toEqual(['-r (a byte range) was left out: a recipe cannot use it.'])
    expect(clean(recipeFromCurl(`curl -sSD headers.txt ${URL_}`))).toEqual([])
    expect(clean(recipeFromCurl(`curl -sSy 30 ${URL_}`))).toEqual(['-y was left out: TokenDesk uses its own deadlines and retries.'])
  })

  it('an unknown letter in a bundle is named on its own; the rest of the bundle is still read', () => {
    const imported = recipeFromCurl(`curl -s%XPUT ${URL_}`)
    expect(imported.fields.method).toBe('PUT')
    expect(clean(imported)).toEqual(['Ignored the unknown option -%.'])
  })

  it('a value-taking flag at the end of the bundle and of the line says it needs a value', () => {
    expect(curlError(`curl ${URL_} -sSX`).message).toBe('-X needs a value after it.')
  })
})

describe('Windows curl.exe commands', () => {
  it.each([
    'C:\\Windows\\System32\\curl.exe -X POST https://x.example.com/t -d "a=b"',
    '"C:\\Program Files\\curl\\bin\\curl.exe" -X POST https://x.example.com/t -d "a=b"',
    "'C:\\Program Files\\curl\\bin\\curl.exe' -X POST https://x.example.com/t -d 'a=b'",
    '& "C:\\Program Files\\curl\\bin\\curl.exe" -X POST https://x.example.com/t -d "a=b"',
    "&'C:\\Program Files\\curl\\bin\\curl.exe' -X POST https://x.example.com/t -d a=b",
    'C:\\"Program Files"\\curl\\bin\\curl.exe -X POST https://x.example.com/t -d a=b',
    'D:\\tools\\curl-8.11.0_1-win64-mingw\\bin\\CURL.EXE -X POST https://x.example.com/t -d a=b',
    '.\\curl.exe -X POST https://x.example.com/t -d a=b',
    'C:\\Windows\\System32\\curl.exe -X POST ^\r\n  https://x.example.com/t ^\r\n  -d "a=b"',
    'C:\\Windows\\System32\\curl.exe -X POST `\r\n  https://x.example.com/t `\r\n  -d "a=b"',
    'C:/Windows/System32/curl.exe -X POST https://x.example.com/t -d a=b',
    '\\curl -X POST https://x.example.com/t -d a=b'
  ])('%s', (command) => {
    const imported = recipeFromCurl(command)
    expect(imported.fields).toMatchObject({ method: 'POST', baseUrl: 'https://x.example.com', url: '{{field:baseUrl}}/t', body: 'a=b' })
  })

  it('a program whose file name is not curl or curl.exe is not curl', () => {
    for (const command of ['C:\\Windows\\System32\\wget.exe https://x.example.com/t', 'C:\\curl\\curlx.exe https://x.example.com/t', 'C:\\curl.exe\\other https://x.example.com/t', 'mycurl https://x.example.com/t']) {
      expect(curlError(command).message, command).toBe('This is not a curl command: paste a line that starts with curl.')
    }
  })

  it('an unclosed quote in the program path says so', () => {
    expect(curlError('"C:\\Program Files\\curl\\bin\\curl.exe -X POST https://x.example.com/t').message).toBe('The command line could not be read: a quote is never closed.')
  })

  it('a line continued with \\ is a POSIX shell\'s (Git Bash, WSL), even when it runs curl.exe: backslashes there are escapes', () => {
    const imported = recipeFromCurl(
      ['C:\\Windows\\System32\\curl.exe https://x.example.com/t \\', '  -H "X-Quote: \\"q\\"" \\', "  -H X-Space:\\ a\\ b \\", '  -d a\\=b'].join('\n')
    )
    expect(imported.fields).toMatchObject({ method: 'POST', headers: 'X-Quote: "q"\nX-Space: a b\nContent-Type: application/x-www-form-urlencoded', body: 'a=b' })
    expect(recipeFromCurl('/usr/bin/curl https://x.example.com/t \\\n  -H "X-Path: C:\\\\dir"').fields.headers).toBe('X-Path: C:\\dir')
  })
})

/** Quotes a value as Windows programs read their command line (the C runtime's rule for \ before "). */
const dq = (value: string): string => `"${value.replace(/(\\*)"/g, '$1$1\\"').replace(/(\\+)$/, '$1$1')}"`

describe('what a terminal or a page puts before curl', () => {
  const URL_ = 'https://x.example.com/t'
  const expectPost = (imported: CurlImport): void => {
    expect(imported.fields).toMatchObject({ method: 'POST', baseUrl: 'https://x.example.com', url: '{{field:baseUrl}}/t', body: 'a=b' })
  }

  it.each([`sudo curl -X POST ${URL_} -d a=b`, `sudo -E curl -X POST ${URL_} -d a=b`, `sudo -u deploy curl -X POST ${URL_} -d a=b`, `sudo -Eu deploy -H curl -X POST ${URL_} -d a=b`, `sudo -udeploy curl -X POST ${URL_} -d a=b`, `sudo --user deploy -- curl -X POST ${URL_} -d a=b`, `sudo --user=deploy curl -X POST ${URL_} -d a=b`, `$ sudo curl -X POST ${URL_} -d a=b`])(
    '%s: sudo and its options are skipped, silently',
    (command) => {
      const imported = recipeFromCurl(command)
      expectPost(imported)
      expect(imported.warnings).toEqual(['Check Token from: it says where the token is in the answer (now json:/access_token).'])
    }
  )

  it('VAR=value assignments before curl are skipped with a warning that names them and never quotes a value', () => {
    const imported = recipeFromCurl(`VAR=x OTHER="a b" API_TOKEN='s3cr3t-value' curl -X POST ${URL_} -d a=b`)
    expectPost(imported)
    expect(imported.warnings).toContain('The environment settings before curl (VAR, OTHER, API_TOKEN) were left out: a recipe does not use them.')
    expect(JSON.stringify(imported)).not.toContain('s3cr3t-value')
    expectPost(recipeFromCurl(`sudo HTTPS_PROXY=http://proxy:3128 curl -X POST ${URL_} -d a=b`))
    expectPost(recipeFromCurl(`$ LANG=C curl -X POST ${URL_} -d a=b`))
  })

  it('a word with = that is not a shell name is not an assignment: the line is still not curl', () => {
    expect(curlError(`1X=y curl ${URL_}`).message).toBe('This is not a curl command: paste a line that starts with curl.')
    expect(curlError(`sudo wget ${URL_}`).message).toBe('This is not a curl command: paste a line that starts with curl.')
  })

  it.each([
    `PS C:\\Users\\me> curl.exe -X POST ${URL_} -d "a=b"`,
    `PS C:\\Program Files\\My Tools> curl.exe -X POST ${URL_} -d 'a=b'`,
    `PS> curl.exe -X POST ${URL_} -d a=b`,
    `PS C:\\Users\\me> & "C:\\Program Files\\curl\\bin\\curl.exe" -X POST ${URL_} -d "a=b"`,
    `PS C:\\Users\\me>curl -X POST ${URL_} -d a=b`
  ])('a PowerShell prompt is dropped: %s', (command) => {
    expectPost(recipeFromCurl(command))
  })
})

describe('Windows lines: backslashes after the program are literal, as cmd and PowerShell keep them', () => {
  const URL_ = 'https://x.example.com/t'

  it('-u DOMAIN\\user keeps its backslash (curl.exe, a ^ continuation, a PowerShell prompt)', () => {
    for (const command of [`curl.exe ${URL_} -u CORP\\alice:pw`, `curl ${URL_} ^\r\n  -u CORP\\alice:pw`, `PS C:\\Users\\me> curl ${URL_} -u CORP\\alice:pw`, `C:\\tools\\curl ${URL_} -u CORP\\alice:pw`]) {
      const imported = recipeFromCurl(command)
      expect(imported.fields.variables, command).toBe('username=CORP\\alice')
      expect(imported.secrets, command).toEqual({ password: 'pw' })
    }
  })

  it('file paths in ignored options stay whole, and their warnings stay', () => {
    const imported = recipeFromCurl(`C:\\Windows\\System32\\curl.exe --cacert C:\\certs\\ca.pem -b C:\\temp\\cookies.txt -d @C:\\data\\body.json ${URL_}`)
    expect(imported.fields).toMatchObject({ baseUrl: 'https://x.example.com', url: '{{field:baseUrl}}/t' })
    expect(imported.warnings).toEqual(
      expect.arrayContaining([
        '--cacert (a CA certificate file) was left out: a recipe cannot use it.',
        '-b C:\\temp\\cookies.txt reads cookies from a file, which a recipe cannot; add a Cookie header instead.',
        "-d @C:\\data\\body.json reads a file, which a recipe cannot; paste the file's content into Body."
      ])
    )
  })

  it('\\" in double quotes is a quote (the JSON of Windows docs); backslashes before a closing quote halve', () => {
    const imported = recipeFromCurl(`curl.exe -X POST ${URL_} -H "Content-Type: application/json" -d "{\\"path\\":\\"C:\\\\temp\\",\\"password\\":\\"hunter2\\"}"`)
    expect(imported.secrets).toEqual({ password: 'hunter2' })
    expect(JSON.parse(rendered(imported).body!)).toEqual({ path: 'C:\\temp', password: 'hunter2' })
    expect(recipeFromCurl(`curl.exe ${URL_} -H "X-Dir: C:\\dir\\\\"`).fields.headers).toBe('X-Dir: C:\\dir\\')
    expect(recipeFromCurl(`curl.exe ${URL_} -H X-Quote:\\"q\\"`).fields.headers).toBe('X-Quote: "q"')
  })

  it("PowerShell's '…' keeps everything literal; '' inside is one '", () => {
    const imported = recipeFromCurl(`PS> curl.exe ${URL_} -H 'X-Path: C:\\dir\\' -H 'X-Name: it''s'`)
    expect(imported.fields.headers).toBe("X-Path: C:\\dir\\\nX-Name: it's")
  })

  it('$NAME, ${NAME} and $env:NAME are shell variables, kept as written and left for the user to enter', () => {
    const imported = recipeFromCurl(`curl.exe -X POST ${URL_} -H "Authorization: Bearer $env:TOKEN" -d "user=\${USER_NAME}&x=$X"`)
    expect(imported.secrets).toEqual({ Authorization: '' })
    expect(imported.fields.body).toBe('user=${USER_NAME}&x=${X}')
    expect(imported.warnings).toContain('The command uses shell variables ($TOKEN, $USER_NAME, $X); they were kept as written.')
    expect(recipeFromCurl(`curl.exe ${URL_} -H 'X-Price: $5 or $HOME'`).fields.headers).toBe('X-Price: $5 or $HOME')
  })

  it('a pipe, a redirection or a command separator outside quotes ends the curl command', () => {
    for (const command of [`curl.exe -X POST ${URL_} -d a=b | jq .`, `curl.exe -X POST ${URL_} -d a=b> out.json`, `curl.exe -X POST ${URL_} -d a=b & echo done`, `curl.exe -X POST ${URL_} -d a=b; echo done`]) {
      expect(recipeFromCurl(command).fields, command).toMatchObject({ method: 'POST', body: 'a=b', url: '{{field:baseUrl}}/t' })
    }
    expect(recipeFromCurl(`curl.exe ${URL_} -H "X-Pipe: a|b>c"`).fields.headers).toBe('X-Pipe: a|b>c')
  })

  it('an unclosed quote says so', () => {
    for (const command of [`curl.exe ${URL_} -d "a=b`, `curl.exe ${URL_} -d 'a=b`, `curl.exe ${URL_} -H "X-Dir: C:\\dir\\"`]) {
      expect(curlError(command).message, command).toBe('The command line could not be read: a quote is never closed.')
    }
  })
})

describe('curl properties', () => {
  const headerName = fc.stringMatching(/^[A-Za-z][A-Za-z0-9-]{0,15}$/).filter((name) => !['host', 'content-length', 'transfer-encoding', 'connection', 'cookie'].includes(name.toLowerCase()))
  /** What a header value can be: printable ASCII, no leading/trailing space (curl trims), no "{{" (a placeholder). */
  const headerValue = fc
    .string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((code) => String.fromCharCode(code)), minLength: 1, maxLength: 40 })
    .map((value) => value.trim())
    .filter((value) => value !== '' && !value.includes('{{'))

  it('random header values survive parse → recipe → rendered request', () => {
    fc.assert(
      fc.property(headerName, headerValue, (name, value) => {
        const imported = recipeFromCurl(`curl -X POST https://api.example.com/login -H ${sq(`${name}: ${value}`)}`)
        const request = rendered(imported)
        expect(request.headers[name.toLowerCase()]).toBe(value)
        // A credential-like header never keeps its value in the recipe text.
        if (/^authorization$|api[-_]?key|token|secret|password|passwd/i.test(name)) expect(String(imported.fields.headers)).toMatch(/^[^:]+: ([A-Za-z]+ )?\{\{secret:[^}]+\}\}$/)
      })
    )
  })

  it('random header values quoted as Windows quotes them survive a curl.exe line', () => {
    const windowsValue = headerValue.filter((value) => !value.includes('$'))
    fc.assert(
      fc.property(headerName, windowsValue, (name, value) => {
        const imported = recipeFromCurl(`curl.exe -X POST https://api.example.com/login -H ${dq(`${name}: ${value}`)}`)
        expect(rendered(imported).headers[name.toLowerCase()]).toBe(value)
      })
    )
  })

  it('random passwords in a JSON body become secrets and are sent back identical', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', minLength: 1, maxLength: 30 }), (password) => {
        const imported = recipeFromCurl(`curl https://api.example.com/login -H 'Content-Type: application/json' -d ${sq(JSON.stringify({ username: 'u', password }))}`)
        expect(imported.secrets.password).toBe(password)
        expect(JSON.parse(rendered(imported).body!)).toEqual({ username: 'u', password })
      })
    )
  })
})

describe('an imported command against the sandbox', () => {
  const handle = useSandbox()
  const log: Logger = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined, redact: () => undefined }
  const http = createHttpClient({ log, maxAttempts: 1 })
  afterAll(async () => {
    await http.close?.()
  })

  it('the PocketPaw curl line, imported and told where the token is, logs in', async () => {
    const imported = recipeFromCurl(`curl -X POST ${handle.sandbox.ready.baseUrls.pocketpaw}/api/auth/session \\\n  -H "Authorization: Bearer ${POCKETPAW_DEMO.masterToken}"`)
    const fields: FieldValues = { ...imported.fields, tokenFrom: 'json:/session_token', expiryFrom: 'json:/expires_in_hours', expiryFormat: 'hours' }
    const token = await recipeProvider.issue('login', { account: { id: 'a', name: 'Imported', fields, secrets: imported.secrets }, app: null }, { http, log, now: Date.now })
    expect(token.value).toMatch(/^\d+:[0-9a-f]{64}$/)
    expect(token.expiry).toEqual({ source: 'recipe', kind: 'seconds', seconds: 86_400 })
  })
})
