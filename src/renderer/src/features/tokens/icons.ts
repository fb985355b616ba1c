/** One icon size and stroke width for the whole tokens feature. */
export const ICON = { size: 16, strokeWidth: 2 } as const
export const ICON_SMALL = { size: 14, strokeWidth: 2 } as const
