import react from "@vitejs/plugin-react";
import { defineConfig, type Plugin, type ProxyOptions } from "vite";

// The API server (apps/server) owns /trpc, /media and /api (auth); in development Vite forwards
// them so the browser sees one origin, exactly as in production where the server serves dist/.
const target = `http://127.0.0.1:${process.env.SERVER_PORT ?? 3000}`;

const forward: ProxyOptions = {
  target,
  // Streams (SSE subscriptions, batched streaming responses, video ranges) must pass through as
  // they arrive: no timeout on a long-lived stream, and headers flushed at once.
  timeout: 0,
  proxyTimeout: 0,
  configure(proxy) {
    proxy.on("proxyRes", (proxyRes, _req, res) => {
      if (String(proxyRes.headers["content-type"]).startsWith("text/event-stream")) {
        proxyRes.headers["cache-control"] = "no-cache, no-transform";
        proxyRes.headers["x-accel-buffering"] = "no";
        res.once("pipe", () => res.flushHeaders());
      }
    });
  },
};

const proxy = { "/trpc": forward, "/media": forward, "/api": forward, "/robots.txt": forward };

/** Vite prints its root URL; people need the studio's, and to know the API may still be starting. */
const studioUrl: Plugin = {
  name: "streamline-studio-url",
  configureServer(server) {
    const print = server.printUrls.bind(server);
    server.printUrls = () => {
      print();
      const local = server.resolvedUrls?.local[0];
      if (local) {
        server.config.logger.info(
          `  ➜  Studio:  ${new URL("ai-studio", local).href}  (it waits for the API on ${target} by itself)`,
        );
      }
    };
  },
};

export default defineConfig({
  plugins: [react(), studioUrl],
  server: { host: "127.0.0.1", port: Number(process.env.WEB_PORT ?? 5173), proxy },
  preview: { host: "127.0.0.1", port: Number(process.env.WEB_PORT ?? 4173), proxy },
  // No source maps in the build the server serves (they would publish the source). Set
  // SOURCEMAP=hidden to write them for an error tracker's upload step; the server never serves
  // *.map files either way.
  build: {
    outDir: "dist",
    sourcemap: process.env.SOURCEMAP === "hidden" ? "hidden" : false,
    target: "es2022",
  },
});
