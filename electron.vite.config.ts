import { resolve } from 'node:path';
import { defineConfig } from 'electron-vite';
import react from '@vitejs/plugin-react';
import type { Plugin } from 'vite';
import { RENDERER_CSP } from './src-main/core/security/csp';

/**
 * The CSP goes into the built page only: the dev server's hot reload needs an inline preamble
 * that a strict policy would block.
 */
function cspMeta(): Plugin {
  return {
    name: 'cell0-csp-meta',
    apply: 'build',
    transformIndexHtml(html) {
      return html.replace(
        '<head>',
        `<head>\n    <meta http-equiv="Content-Security-Policy" content="${RENDERER_CSP}" />`,
      );
    },
  };
}

export default defineConfig({
  main: {
    build: {
      outDir: 'out/main',
      // The pure-JS packages the core loads before it is ready go into the bundle, minified: Node
      // then reads a few files instead of ~120 (zod alone is 95), and zod's unused parts (its
      // locales) are left out. The AI SDK and the MCP SDK come along (in chunks loaded on first
      // use) so they share that zod instead of loading node_modules' copy beside it (+7 MB once
      // an MCP server started). Native modules and the rest stay in node_modules.
      externalizeDeps: {
        exclude: [
          'zod',
          'ws',
          'sirv',
          'croner',
          'mrmime',
          'totalist',
          '@modelcontextprotocol/sdk',
          'ai',
          '@ai-sdk/anthropic',
          '@ai-sdk/openai',
          '@ai-sdk/openai-compatible',
          '@ai-sdk/provider',
        ],
      },
      minify: true,
      rollupOptions: {
        input: {
          index: resolve(__dirname, 'src-main/index.ts'),
          cli: resolve(__dirname, 'src-main/cli.ts'),
          // The thread that runs models on this computer (agents/local/local-runtime.ts starts it).
          'local-model-worker': resolve(__dirname, 'src-main/core/agents/local/model-worker.ts'),
        },
      },
    },
  },
  preload: {
    build: {
      outDir: 'out/preload',
      rollupOptions: {
        input: { index: resolve(__dirname, 'src-preload/index.ts') },
        // A sandboxed preload cannot be an ES module.
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: resolve(__dirname, 'src-renderer'),
    build: {
      outDir: resolve(__dirname, 'out/renderer'),
      // electron-vite leaves the renderer unminified; the first script is what the window waits for.
      minify: true,
      rollupOptions: { input: resolve(__dirname, 'src-renderer/index.html') },
    },
    plugins: [react(), cspMeta()],
  },
});
