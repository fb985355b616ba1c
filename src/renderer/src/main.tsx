import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import { z } from 'zod'
import { App } from './App'
import { connectBridge } from './bridge'
import { wireBridge } from './store/app-store'
import './styles.css'

// zod's JIT compiles validators with `new Function`, which our CSP (no 'unsafe-eval') forbids.
z.config({ jitless: true })

const bridge = connectBridge()
wireBridge(bridge)

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App host={bridge.host} />
  </StrictMode>
)
