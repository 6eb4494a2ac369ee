import { defineConfig } from 'vite';

// The page is embedded in the Go binary and served from its root; during
// `npx vite` development the tiles, the API and the live WebSocket come
// from a running `gridpulse serve` on GRIDPULSE_DEV_API (default
// http://127.0.0.1:8080).
const api = process.env.GRIDPULSE_DEV_API ?? 'http://127.0.0.1:8080';

export default defineConfig({
  base: '/',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    assetsDir: 'assets',
    // MapLibre alone is about 1 MB minified; it is served locally, not over a slow link.
    chunkSizeWarningLimit: 1500,
  },
  server: {
    proxy: {
      '/tiles': api,
      '/api': api,
      '/ws': {
        target: api.replace(/^http/, 'ws'),
        ws: true,
        // The hub accepts pages of its own origin only: present the
        // upgrade as coming from the API server's own page.
        changeOrigin: true,
        configure: (proxy) => proxy.on('proxyReqWs', (req) => req.setHeader('Origin', api)),
      },
    },
  },
});
