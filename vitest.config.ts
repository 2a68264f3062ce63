import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['extension/**/*.test.{ts,tsx}', 'src/**/*.test.ts', 'scripts/**/*.test.ts'],
    environment: 'node',
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
