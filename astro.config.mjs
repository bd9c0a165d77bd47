// Static-first site: every page renders at build time from data/ and docs/; React islands go
// live over the relay or open a recording with sql.js in a worker.
import { defineConfig } from 'astro/config';
import react from '@astrojs/react';
import tailwind from '@astrojs/tailwind';

export default defineConfig({
  // GitHub Pages and other sub-path hosts: FUTURESBOARD_BASE=/futuresboard npm run build
  base: process.env.FUTURESBOARD_BASE ?? '/',
  output: 'static',
  server: { host: '127.0.0.1', port: 4321 },
  integrations: [react(), tailwind({ applyBaseStyles: true })],
  vite: {
    optimizeDeps: { exclude: ['sql.js'] },
    worker: { format: 'es' },
  },
});
