import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import { App } from './App'
import { connectBridge } from './bridge'
import { wireBridge } from './store/app-store'
import './styles.css'

const bridge = connectBridge()
wireBridge(bridge)

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App host={bridge.host} />
  </StrictMode>
)
