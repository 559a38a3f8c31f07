// The store screens: a plain Vite build of renderer/ into out/renderer. The headless store
// server serves that folder, and electron.vite.config.ts reuses this config for the window.
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig, type UserConfig } from 'vite';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

export const rendererConfig: UserConfig = {
  root: here('./renderer'),
  base: '/',
  plugins: [react()],
  // The served CSP is `script-src 'self'`: nothing may be inlined into index.html.
  build: {
    outDir: here('./out/renderer'),
    emptyOutDir: true,
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    target: 'chrome130',
    // Maps for support (stack traces), not referenced by the shipped files.
    sourcemap: 'hidden',
    chunkSizeWarningLimit: 1500,
  },
  server: {
    // `vite --config vite.renderer.config.ts` during development: the API comes from a
    // store server started with `npm run server`.
    proxy: { '/api': 'http://127.0.0.1:4870' },
  },
};

export default defineConfig(rendererConfig);
