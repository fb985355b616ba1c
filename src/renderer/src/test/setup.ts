import '@testing-library/jest-dom/vitest'
import { cleanup } from '@testing-library/react'
import { afterEach } from 'vitest'
import { useAppStore } from '../store/app-store'

const initial = useAppStore.getState()

afterEach(() => {
  cleanup()
  useAppStore.setState(initial, true)
})
