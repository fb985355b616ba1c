import { render } from '@testing-library/react'
import { describe, expect, it } from 'vitest'
import iconSvg from '../../../../resources/icon.svg?raw'
import { AppMark } from './AppMark'

/** Each shape as tag + its drawing attributes, in document order (ids aside: the inline copy has its own). */
function shapes(root: Element): string[] {
  const drawn = new Set(['linearGradient', 'stop', 'rect', 'circle', 'path'])
  return [...root.getElementsByTagName('*')].filter((element) => drawn.has(element.tagName)).map((element) => {
    const attributes = [...element.attributes]
      .filter((a) => a.name !== 'id')
      .map((a) => `${a.name}=${a.name === 'fill' && a.value.startsWith('url(') ? 'url(gradient)' : a.value}`)
      .sort()
    return `${element.tagName} ${attributes.join(' ')}`
  })
}

describe('AppMark', () => {
  it('draws the same icon as resources/icon.svg', () => {
    const file = new DOMParser().parseFromString(iconSvg, 'image/svg+xml').documentElement
    const { container } = render(<AppMark size={20} />)
    const inline = container.querySelector('svg')!
    expect(shapes(inline)).toEqual(shapes(file))
    expect(inline.getAttribute('viewBox')).toBe(file.getAttribute('viewBox'))
  })

  it('is decoration: the app name beside it is the text', () => {
    const { container } = render(<AppMark size={20} />)
    expect(container.querySelector('svg')).toHaveAttribute('aria-hidden', 'true')
  })
})
