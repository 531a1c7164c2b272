// Tests run TypeScript through ts-jest; with isolatedModules in tsconfig.json it only transpiles,
// and type errors are caught once by `npm run typecheck`, not again by every worker.
/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.[tj]s$': 'ts-jest' },
  // Packages that ship only ES modules (openid-client 6, jose 6, ...) are listed here so ts-jest
  // (allowJs) turns them into CommonJS for jest; the compiled app loads them with Node's
  // require(esm). Checked with jose 6 in a scratch project; every other package stays untouched.
  transformIgnorePatterns: ['/node_modules/(?!(jose|openid-client|oauth4webapi)/)'],
  testTimeout: 30000,
  maxWorkers: 2,
};
