// A static server for a built site, as a host that reads the build's `_headers` file would
// serve it: the headers of every matching block on every response, 404.html for a missing path
// (or, on request, as a plain file server that sends none of them).

import http from "node:http";
import fs from "node:fs/promises";
import path from "node:path";

export const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".json": "application/json",
  ".xml": "application/xml; charset=utf-8",
  ".txt": "text/plain; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".webp": "image/webp",
  ".wasm": "application/wasm",
};

/** Parses a Netlify / Cloudflare Pages `_headers` file into [{pattern, headers: [[name, value]]}]. */
export function parseHeaders(text) {
  const blocks = [];
  for (const line of text.split("\n")) {
    if (!line.trim() || line.trimStart().startsWith("#")) continue;
    if (!/^\s/.test(line)) {
      blocks.push({ pattern: line.trim(), headers: [] });
    } else if (blocks.length) {
      const i = line.indexOf(":");
      if (i > 0) blocks.at(-1).headers.push([line.slice(0, i).trim(), line.slice(i + 1).trim()]);
    }
  }
  return blocks;
}

function matches(pattern, urlPath) {
  return pattern.endsWith("*") ? urlPath.startsWith(pattern.slice(0, -1)) : urlPath === pattern;
}

/**
 * Serves `root` on 127.0.0.1 at an ephemeral port; with `headers: false`, as a plain file server
 * that sends none of `_headers` (a host that cannot set them). Resolves to {server, origin, csp, log}, where
 * `log` collects every request target (path and query) the server saw.
 */
export async function serve(dir, { headers = true } = {}) {
  const root = path.resolve(dir);
  const headersText = await fs.readFile(path.join(root, "_headers"), "utf8");
  const blocks = parseHeaders(headersText);
  const csp = blocks.flatMap((b) => b.headers).find(([n]) => n.toLowerCase() === "content-security-policy");
  if (!csp || !csp[1].includes("default-src 'self'")) {
    throw new Error(`${root}/_headers has no Content-Security-Policy with default-src 'self'`);
  }
  const log = [];
  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url, "http://127.0.0.1");
    log.push(req.url);
    for (const block of headers ? blocks : []) {
      if (matches(block.pattern, url.pathname)) for (const [n, v] of block.headers) res.setHeader(n, v);
    }
    let rel;
    try {
      rel = decodeURIComponent(url.pathname);
    } catch {
      rel = "/";
    }
    const file = path.join(root, path.normalize(rel));
    if (file !== root && !file.startsWith(root + path.sep)) return send(res, 403, "text/plain", "forbidden");
    let target = file;
    try {
      const stat = await fs.stat(target);
      if (stat.isDirectory()) {
        if (!url.pathname.endsWith("/")) {
          res.writeHead(301, { Location: `${url.pathname}/${url.search}` });
          return res.end();
        }
        target = path.join(target, "index.html");
      }
      const body = await fs.readFile(target);
      send(res, 200, TYPES[path.extname(target)] || "application/octet-stream", body, req.method);
    } catch {
      let body = "not found";
      try {
        body = await fs.readFile(path.join(root, "404.html"));
      } catch {
        /* a plain-text 404 */
      }
      send(res, 404, typeof body === "string" ? "text/plain" : TYPES[".html"], body, req.method);
    }
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const origin = `http://127.0.0.1:${server.address().port}`;
  return { server, origin, csp: csp[1], log };
}

function send(res, status, type, body, method = "GET") {
  res.statusCode = status;
  res.setHeader("Content-Type", type);
  res.setHeader("Content-Length", Buffer.byteLength(body));
  res.end(method === "HEAD" ? undefined : body);
}
