import { defineConfig } from 'electron-vite';
import react from '@vitejs/plugin-react';

// One build for both shells: out/main/cli.js (headless `serve`/`start`) and
// out/main/main.js (Electron main), plus the React UI in out/renderer.
export default defineConfig({
  main: {
    build: {
      outDir: 'out/main',
      rollupOptions: {
        input: { main: 'src-main/electron/main.ts', cli: 'src-main/cli.ts' },
      },
    },
  },
  renderer: {
    root: 'src-renderer',
    plugins: [react()],
    build: {
      outDir: 'out/renderer',
      rollupOptions: { input: 'src-renderer/index.html' },
    },
  },
});
