import type { JSX } from 'react'

export function AllTokensView(): JSX.Element {
  return <section className="page" aria-label="Tokens" />
}
