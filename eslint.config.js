// Keeps the layers pointing one way (STYLE.md): shared below core below the faces (shell, web, cli),
// the renderer and preload reaching the core only through the contract, the agent on its own.
import tseslint from 'typescript-eslint';

const rule = (regex, message) => ({ regex, message });
const restrict = (...patterns) => ({ 'no-restricted-imports': ['error', { patterns }] });

const electron = rule('^electron(/|$)', 'only src/main/shell and src/preload may import electron');
const nodeBuiltins = rule('^node:', 'this layer runs without Node: no node: imports');
// An allow-list, as VS Code's layer check gives each layer the others it may use: of the agent,
// src/ sees only its published API (method, path and schemas of each endpoint, and what clients need).
const agentOnlyThroughApi = rule(
  '(^|/)remote-agent/(?!src/api/)',
  'src/ may import the agent only through its published API, remote-agent/src/api/',
);

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'node_modules/**', '.tmp/**'] },
  {
    files: ['**/*.ts', '**/*.tsx'],
    // Type-aware: each file is checked in the tsconfig project that holds it (tsconfig.json lists them).
    languageOptions: { parser: tseslint.parser, parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    plugins: { '@typescript-eslint': tseslint.plugin },
    rules: {
      // node:test's test() and describe() return promises the runner itself awaits.
      '@typescript-eslint/no-floating-promises': [
        'error',
        { allowForKnownSafeCalls: [{ from: 'package', package: 'node:test', name: ['test', 'describe', 'it', 'suite'] }] },
      ],
      '@typescript-eslint/no-misused-promises': 'error',
      // A switch over a closed union names every member; a default stands for an open set (error codes, platforms).
      '@typescript-eslint/switch-exhaustiveness-check': ['error', { considerDefaultExhaustiveForUnions: true }],
    },
  },
  {
    // Whatever a layer below says besides, src/ reaches the agent only through its API.
    files: ['src/**'],
    rules: restrict(agentOnlyThroughApi),
  },
  {
    // The contract: pure types, and the pure pieces of the agent's published API.
    files: ['src/shared/**'],
    ignores: ['src/shared/**/*.test.ts'],
    rules: {
      ...restrict(electron, nodeBuiltins, agentOnlyThroughApi, rule('(^|/)(main|renderer|preload|e2e)/', 'src/shared imports nothing of ours')),
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    // Unit tests of the contract's pure modules run on Node's test runner, so node: is theirs.
    files: ['src/shared/**/*.test.ts'],
    rules: restrict(electron, agentOnlyThroughApi, rule('(^|/)(main|renderer|preload|e2e)/', 'src/shared imports nothing of ours')),
  },
  {
    files: ['src/main/core/**'],
    ignores: ['src/main/core/**/*.test.ts'],
    rules: restrict(electron, agentOnlyThroughApi, rule('(^|/)(cli|web|shell|renderer|preload|e2e)/', 'core sits below the faces: it never imports them')),
  },
  {
    // Carries contract calls from a face's transport (IPC, WebSocket) to the services, whoever implements them.
    files: ['src/main/bridge/**'],
    rules: restrict(electron, agentOnlyThroughApi, rule('(^|/)(core|cli|web|shell|renderer|preload)/', 'the bridge knows only the contract of src/shared')),
  },
  {
    files: ['src/main/cli/**', 'src/main/web/**'],
    rules: restrict(electron, agentOnlyThroughApi, rule('(^|/)(shell|renderer|preload)/', 'the CLI and web mode run without Electron and the window')),
  },
  {
    files: ['src/renderer/**', 'src/preload/**'],
    ignores: ['src/renderer/**/*.test.ts'],
    rules: restrict(nodeBuiltins, rule('(^|/)(main|remote-agent)/', 'reach the core only through src/shared')),
  },
  {
    // Unit tests of the renderer's pure modules run on Node's test runner, so node: is theirs.
    files: ['src/renderer/**/*.test.ts'],
    rules: restrict(rule('(^|/)(main|remote-agent)/', 'reach the core only through src/shared')),
  },
  {
    files: ['src/main/core/**/*.test.ts'],
    rules: restrict(electron, agentOnlyThroughApi),
  },
  {
    files: ['remote-agent/src/**'],
    rules: restrict(electron, rule('(^|/)(src/main|src/shared|renderer|e2e)/|^\\.\\./\\.\\./\\.\\./src/', 'the agent is deployed alone: it imports nothing of the console')),
  },
  {
    // Test helpers more than one tree uses (ports, waiting, bytes, the stand-in Xray) live in test-support/, which
    // imports none of the trees; no tree reaches into another's test folder. A second rule name, so the layer rules stay.
    files: ['src/**', 'e2e/**', 'remote-agent/src/**', 'test-support/**'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        { patterns: [{ regex: '(^|/)remote-agent/test/', message: 'shared test helpers live in test-support/' }] },
      ],
    },
  },
  {
    files: ['test-support/**'],
    rules: restrict(electron, rule('(^|/)(src|remote-agent|e2e)/', 'test-support serves every tree and imports none of them')),
  },
  {
    // The published API: loaded by the console's every layer (the renderer too), so it stands
    // alone: TypeBox and its own files, nothing else of the agent, no node:.
    files: ['remote-agent/src/api/**'],
    rules: restrict(electron, nodeBuiltins, rule('^\\.\\./', 'the API module imports only its own files and TypeBox')),
  },
);
