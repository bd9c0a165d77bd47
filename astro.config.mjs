// Static-first site: every page renders at build time from data/ and docs/; React islands go
// live over the relay or open a recording with sql.js in a worker.
import { defineConfig } from 'astro/config';
import react from '@astrojs/react';
import tailwind from '@astrojs/tailwind';
import { connectSources, relayUrlFromEnv } from './src/lib/csp-sources.mjs';
// A .ts module: Node cannot import it, so Astro loads this config through Vite, which can.
import { publishRecordings } from './collector/publish/astro-integration.ts';

const relayUrl = relayUrlFromEnv(process.env.PUBLIC_RELAY_URL);

export default defineConfig({
  // GitHub Pages and other sub-path hosts: FUTURESBOARD_BASE=/futuresboard npm run build
  base: process.env.FUTURESBOARD_BASE ?? '/',
  // Builds running side by side (the site tests build several at once) each need their own cache:
  // the content layer's data store (the docs and status reports read) lives in it.
  cacheDir: process.env.FUTURESBOARD_ASTRO_CACHE_DIR || './node_modules/.astro',
  // Directory pages (/alerts/index.html): every static host serves them without rewrites.
  trailingSlash: 'ignore',
  build: { format: 'directory' },
  output: 'static',
  server: { host: '127.0.0.1', port: 4321 },
  // publishRecordings: config site.publish -> dist/recordings/ (segments + manifest.json) and the recordings page.
  integrations: [react(), tailwind({ applyBaseStyles: true }), publishRecordings()],
  experimental: {
    // Astro hashes every inline script and style it emits into a CSP <meta> on each page.
    // sql.js compiles WebAssembly: 'wasm-unsafe-eval' allows that and nothing else ('unsafe-eval' stays off).
    csp: {
      algorithm: 'SHA-256',
      directives: [
        "default-src 'self'",
        `connect-src ${connectSources(relayUrl).join(' ')}`,
        "img-src 'self' data:",
        "worker-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
      ],
      scriptDirective: { resources: ["'self'", "'wasm-unsafe-eval'"] },
    },
  },
  vite: {
    define: { 'import.meta.env.PUBLIC_RELAY_URL': JSON.stringify(relayUrl) },
    optimizeDeps: { exclude: ['sql.js'] },
    worker: { format: 'es' },
  },
});
