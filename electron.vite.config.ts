// `npm run build` (electron-vite build): the main process (electron/ → out/electron/index.js,
// ESM), the preload (preload/ → out/preload/index.cjs, CommonJS because sandboxed preloads
// cannot be ES modules) and the store screens (renderer/ → out/renderer, the very build the
// headless server serves). Needs no Electron binary.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'electron-vite';
import type { Plugin } from 'vite';
import { rendererConfig } from './vite.renderer.config.ts';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

// Native modules ship N-API prebuilds that are loaded from node_modules at run time
// (electron-builder unpacks them from the asar: asarUnpack **/*.node). Every other runtime
// dependency is external too (electron-vite's externalizeDeps), so core/ runs unchanged.
const nativeModules = [
  'better-sqlite3-multiple-ciphers',
  '@napi-rs/keyring',
  '@node-rs/argon2',
  'serialport',
];

/**
 * electron-vite switches the renderer to base './' for production builds. The screens use
 * client-side routes (app://backroom/users/4), where relative asset URLs would break, and
 * the headless server serves this same folder at '/'; so the base stays '/'.
 */
const keepRootBase: Plugin = {
  name: 'backroom:keep-root-base',
  enforce: 'post',
  config: () => ({ base: '/' }),
};

export default defineConfig({
  main: {
    build: {
      outDir: here('./out/electron'),
      externalizeDeps: true,
      sourcemap: true,
      rolldownOptions: {
        // Worker threads (audit verification, backups, the bound book's checks):
        // core/workers.ts looks for them beside the bundle.
        input: {
          index: here('./electron/index.ts'),
          'verify-worker': here('./core/audit/verify-worker.ts'),
          'backup-worker': here('./core/backup/backup-worker.ts'),
          'reconcile-worker': here('./core/firearms/reconcile-worker.ts'),
        },
        external: nativeModules,
      },
    },
  },
  preload: {
    build: {
      outDir: here('./out/preload'),
      sourcemap: true,
      rolldownOptions: {
        input: { index: here('./preload/index.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    ...rendererConfig,
    plugins: [...(rendererConfig.plugins ?? []), keepRootBase],
    build: {
      ...rendererConfig.build,
      // electron-vite turns minification off for the renderer; keep Vite's default, so the
      // desktop and `npm run build:renderer` produce the same screens.
      minify: rendererConfig.build?.minify ?? 'oxc',
      rolldownOptions: {
        ...rendererConfig.build?.rolldownOptions,
        input: { index: here('./renderer/index.html') },
      },
    },
  },
});
