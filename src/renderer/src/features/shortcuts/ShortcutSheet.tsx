import { Fragment, type JSX } from 'react'
import { useAppStore } from '../../store/app-store'
import { DialogFrame } from '../accounts/dialogs'
import { SHORTCUT_GROUPS } from './keys'

/** The `?` sheet: every keyboard shortcut of the app, grouped by where it works. */
export function ShortcutSheet(): JSX.Element {
  const open = useAppStore((s) => s.overlay === 'shortcuts')
  const overlayOpened = useAppStore((s) => s.overlayOpened)
  return (
    <DialogFrame open={open} onOpenChange={(o) => overlayOpened(o ? 'shortcuts' : null)} title="Keyboard shortcuts" lead="Focus is always visible; Tab reaches everything these keys do.">
      <div className="shortcut-groups">
        {SHORTCUT_GROUPS.map((group) => (
          <section key={group.title} aria-label={group.title}>
            <h3 className="shortcut-group-title">{group.title}</h3>
            <dl className="shortcut-list">
              {group.items.map((item) => (
                <div key={item.what} className="shortcut-row">
                  <dt>
                    {item.keys.map((key, i) => (
                      <Fragment key={key}>
                        {i > 0 && <span className="kbd-plus">{item.either ? '/' : '+'}</span>}
                        <kbd>{key}</kbd>
                      </Fragment>
                    ))}
                  </dt>
                  <dd>{item.what}</dd>
                </div>
              ))}
            </dl>
          </section>
        ))}
      </div>
    </DialogFrame>
  )
}
