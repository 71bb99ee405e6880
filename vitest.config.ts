import { defineConfig } from 'vitest/config'

// Four tiers (see ../shared/DESIGN.md): unit tests are pure; integration tests need a Docker Engine;
// e2e tests need the locally built node image and create real Kubernetes clusters; faults tests break
// creations on purpose (signals, taken ports, dead nodes, no Docker) and check nothing is left behind.
export default defineConfig({
  test: {
    projects: [
      { test: { name: 'unit', include: ['__tests__/unit/**/*.test.ts'] } },
      {
        test: {
          name: 'integration',
          include: ['__tests__/integration/**/*.test.ts'],
          testTimeout: 180_000,
          hookTimeout: 180_000,
          fileParallelism: false
        }
      },
      {
        test: {
          name: 'e2e',
          include: ['__tests__/e2e/**/*.test.ts'],
          testTimeout: 900_000,
          hookTimeout: 900_000,
          fileParallelism: false
        }
      },
      {
        test: {
          name: 'faults',
          include: ['__tests__/faults/**/*.test.ts'],
          testTimeout: 900_000,
          hookTimeout: 900_000,
          fileParallelism: false
        }
      }
    ]
  }
})
