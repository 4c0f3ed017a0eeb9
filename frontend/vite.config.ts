/// <reference types="vitest/config" />
import react from '@vitejs/plugin-react';
import { defineConfig, searchForWorkspaceRoot } from 'vite';

export default defineConfig({
  plugins: [react()],
  build: {
    // The bundle budget (scripts/check-bundle.mjs) measures what the first page load fetches.
    chunkSizeWarningLimit: 1200,
    sourcemap: false,
    manifest: true,
  },
  // `npm run dev`: /api and /config.json go to the embedded server (`make up`, or `pca serve`), so the
  // site and the API share one origin as they do there. PCA_API_ORIGIN picks another server.
  server: {
    host: '127.0.0.1',
    // The unit tests read the CloudFront Function that Terraform deploys (../terraform/modules/frontend).
    fs: { allow: [searchForWorkspaceRoot(process.cwd()), '../terraform/modules/frontend'] },
    proxy: Object.fromEntries(
      ['/api', '/config.json'].map((path) => [path, process.env.PCA_API_ORIGIN ?? 'http://127.0.0.1:8787']),
    ),
  },
  preview: { host: '127.0.0.1' },
  test: {
    environment: 'jsdom',
    globals: true,
    setupFiles: ['./src/test/setup.ts'],
    include: ['src/**/*.test.{ts,tsx}'],
    css: false,
    testTimeout: 40000,
  },
});
