import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// Tests import the packages by name; resolving them to their sources means no build is needed
// between an edit and a test run, while `npm test` still builds (and so typechecks) everything first.
const source = (name: string) => fileURLToPath(new URL(`./packages/${name}/src/index.ts`, import.meta.url));

export default defineConfig({
  resolve: {
    alias: {
      '@twitchify/mock': source('mock'),
      '@twitchify/cache': source('cache'),
      '@twitchify/eventsub': source('eventsub'),
      '@twitchify/core/helix': fileURLToPath(new URL('./packages/core/src/helix.ts', import.meta.url)),
      '@twitchify/core': source('core'),
    },
  },
  test: {
    include: ['packages/*/test/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    maxWorkers: 2,
    reporters: ['default'],
  },
});
