import type { ClipboardPort } from '../clipboard/port'

/** An in-memory system clipboard: what it holds, how often it was cleared, and a switch to make writes fail. */
export function fakeClipboard(): ClipboardPort & { text: string; cleared: number; failing: boolean } {
  const board = {
    text: '',
    cleared: 0,
    failing: false,
    writeText(text: string) {
      if (board.failing) throw new Error('no X display')
      board.text = text
    },
    readText: () => board.text,
    clear() {
      board.text = ''
      board.cleared++
    }
  }
  return board
}
