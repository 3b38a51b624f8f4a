import react from '@vitejs/plugin-react';
import { defineConfig } from 'electron-vite';
import { resolve } from 'node:path';

export default defineConfig({
  main: {
    build: { rollupOptions: { input: { index: resolve('src/main/shell/index.ts') } } },
  },
  preload: {
    // A sandboxed preload must be CommonJS.
    build: {
      rollupOptions: {
        input: { index: resolve('src/preload/index.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: resolve('src/renderer'),
    // Minified: web mode serves these files over the loopback on every page load. They never cross
    // a network (the window reads them from disk, web mode from 127.0.0.1), so one chunk of some
    // 600 kB costs nothing worth vite's 500 kB warning on every build.
    build: { minify: true, chunkSizeWarningLimit: 1024, rollupOptions: { input: { index: resolve('src/renderer/index.html') } } },
    plugins: [react()],
  },
});
