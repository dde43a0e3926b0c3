import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { defineConfig } from 'electron-vite';
import react from '@vitejs/plugin-react';
import { precompress } from './scripts/precompress';

// electron-vite asks the electron package for its version to pick build targets. A plain
// `npm install` drops the optional package here (its binary download fails), so tell it
// the major version package.json declares instead.
try {
  createRequire(import.meta.url).resolve('electron/package.json');
} catch {
  const declared: string = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8')).optionalDependencies.electron;
  process.env.ELECTRON_MAJOR_VER ??= declared.replace(/^[^\d]*/, '').split('.')[0];
}

// One build for both shells: out/main/cli.js (headless `serve`/`start`) and
// out/main/main.js (Electron main), plus the React UI in out/renderer. The output folders
// are overwritten in place, not emptied first: an appliance already running from out/
// (a test, a second terminal) keeps finding its files while `npm start` rebuilds.
export default defineConfig({
  main: {
    build: {
      outDir: 'out/main',
      emptyOutDir: false,
      rollupOptions: {
        input: { main: 'src-main/electron/main.ts', cli: 'src-main/cli.ts' },
      },
    },
  },
  renderer: {
    root: 'src-renderer',
    plugins: [react(), precompress()],
    build: {
      outDir: 'out/renderer',
      emptyOutDir: false,
      // electron-vite leaves the renderer unminified; the UI is also served to browsers.
      minify: true,
      rollupOptions: { input: 'src-renderer/index.html' },
    },
  },
});
