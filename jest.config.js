// Tests run TypeScript through ts-jest; with isolatedModules in tsconfig.json it only transpiles,
// and type errors are caught once by `npm run typecheck`, not again by every worker.
/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.[tj]s$': 'ts-jest' },
  // supertest's servers are the app's own (test/support/app-server.ts).
  setupFiles: ['<rootDir>/test/support/app-server.ts'],
  testTimeout: 30000,
  maxWorkers: 2,
};
