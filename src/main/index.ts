import { startMainProcess } from './main-process'

startMainProcess(process.argv).catch((error: unknown) => {
  process.stderr.write(`TokenDesk failed to start: ${error instanceof Error ? error.message : String(error)}\n`)
  process.exit(1)
})
