// Bundles the agent into one ES module that runs with only a Node >= 22.13 runtime beside it.
import { build } from 'esbuild';
const outfile = 'out/agent/keyport-agent.mjs';

await build({
  entryPoints: ['remote-agent/src/main.ts'],
  outfile,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node22',
  minifyWhitespace: true,
  legalComments: 'none',
  // Some bundled CommonJS packages call require() for Node built-ins.
  banner: { js: "import { createRequire as __keyportRequire } from 'node:module'; const require = __keyportRequire(import.meta.url);" },
  logLevel: 'warning',
});
console.log(`built ${outfile}`);
