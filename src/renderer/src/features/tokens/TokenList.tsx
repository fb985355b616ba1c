import type { JSX } from 'react'

export function TokenList(_props: { filter: { accountId?: string; appId?: string } }): JSX.Element {
  return <div />
}
