import { contextBridge, ipcRenderer } from 'electron'
import { buildApi } from './build-api'

// The page gets named verbs derived from the contract and nothing else: no ipcRenderer, no
// generic invoke, no Electron object (style.md convention 2).
contextBridge.exposeInMainWorld('api', buildApi(ipcRenderer))
