import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseEnv } from "node:util";
import react from "@vitejs/plugin-react";
import { defineConfig, type Plugin, type ProxyOptions } from "vite";

// The same `.env` files the API server reads (apps/server/.env, then the repository root's), the
// environment winning, so `pnpm dev` gives both processes the same WEB_PORT and PORT.
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const fromFiles: Record<string, string> = {};
for (const file of [path.join(root, "apps/server/.env"), path.join(root, ".env")]) {
  if (!existsSync(file)) continue;
  for (const [name, value] of Object.entries(parseEnv(readFileSync(file, "utf8")))) {
    if (value !== undefined) fromFiles[name] ??= value;
  }
}
const setting = (name: string) => process.env[name] || fromFiles[name] || undefined;

/** The studio's port. The API server trusts exactly this one (and names it at start-up). */
const webPort = Number(setting("WEB_PORT") ?? 5173);
// The API server (apps/server) owns /trpc, /media and /api (auth); in development Vite forwards
// them so the browser sees one origin, exactly as in production where the server serves dist/.
const target = `http://127.0.0.1:${setting("SERVER_PORT") ?? setting("PORT") ?? 3000}`;

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
    // strictPort: another port would be an origin the API server does not trust (sign-up would
    // fail with "Invalid origin"), so a taken port stops here and says what to change.
    server.httpServer?.once("error", (error: NodeJS.ErrnoException) => {
      if (error.code !== "EADDRINUSE") return;
      server.config.logger.error(
        `\n  Port ${server.config.server.port} is already in use, so the studio cannot start there.\n  Stop what is using it, or set WEB_PORT to a free port (e.g. WEB_PORT=5174 pnpm dev, or in .env);\n  the API server reads the same WEB_PORT and trusts that origin.\n`,
      );
    });
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
  server: { host: "127.0.0.1", port: webPort, strictPort: true, proxy },
  preview: { host: "127.0.0.1", port: Number(setting("WEB_PORT") ?? 4173), proxy },
  // No source maps in the build the server serves (they would publish the source). Set
  // SOURCEMAP=hidden to write them for an error tracker's upload step; the server never serves
  // *.map files either way.
  build: {
    outDir: "dist",
    sourcemap: process.env.SOURCEMAP === "hidden" ? "hidden" : false,
    target: "es2022",
  },
});
