/**
 * The operator's console: a second web app (CONVENTIONS.md), built with Vite
 * and Preact into .output/console and served by the API under /console/.
 * `npm run build:console`.
 */
import preact from '@preact/preset-vite';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/console/',
  plugins: [preact()],
  build: {
    outDir: fileURLToPath(new URL('../.output/console', import.meta.url)),
    emptyOutDir: true,
    // The API's policy for the console allows scripts and styles of its own origin only: no inline code.
    assetsInlineLimit: 0,
  },
});
