/**
 * Three projects: fast unit tests; privileged tests with real hosts in network namespaces (run in band);
 * interop tests against real Go memberlist peers (built by test/interop/build.sh); Kubernetes tests
 * against a real kube-apiserver with etcd (built by test/k8s/apiserver/build.sh).
 */
const transform = {
  '^.+\\.ts$': [
    '@swc/jest',
    { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'commonjs' } },
  ],
};
module.exports = {
  projects: [
    {
      displayName: 'unit',
      testMatch: ['<rootDir>/test/unit/**/*.test.ts'],
      transform,
      testEnvironment: 'node',
    },
    {
      displayName: 'netns',
      testMatch: ['<rootDir>/test/netns/**/*.test.ts'],
      transform,
      testEnvironment: 'node',
    },
    {
      displayName: 'interop',
      testMatch: ['<rootDir>/test/interop/**/*.test.ts'],
      transform,
      testEnvironment: 'node',
    },
    {
      displayName: 'k8s',
      testMatch: ['<rootDir>/test/k8s/**/*.test.ts'],
      transform,
      testEnvironment: 'node',
    },
  ],
};
