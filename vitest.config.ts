import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['{core,replay,collector,simulator,continuity,cli,src,test}/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // expect.poll waits for a state the code reaches; its timeout only detects a hang. The 1 s
    // default turned a loaded machine into failures (issue 11, item 17).
    expect: { poll: { timeout: 30_000 } },
    // 2-core machines: a few files at a time keeps socket/timer tests honest.
    pool: 'forks',
    poolOptions: { forks: { maxForks: 2, minForks: 1 } },
  },
});
