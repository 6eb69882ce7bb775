// Drives Converse.js (npm converse.js, served from node_modules by a local static page) in headless
// Chromium (Debian's /usr/bin/chromium through playwright-core) against a Parley server, for
// Parley.Interop.Tests.
//
//   node converse_chat.mjs TRANSPORT HOST HTTP_PORT PAGE_PORT DOMAIN USER PASSWORD PEER BODY REPLY
//       TRANSPORT is "websocket" (RFC 7395, ws://HOST:HTTP_PORT/xmpp-websocket) or "bosh"
//       (XEP-0206, http://HOST:HTTP_PORT/http-bind). The page is served on http://HOST:PAGE_PORT,
//       another origin than the server's, so the browser's own origin rules apply (the server must
//       allow that origin: CORS preflight for BOSH, the Origin check of the WebSocket handshake).
//       Converse logs USER in, opens a chat with PEER (a bare JID), sends BODY and waits until a
//       message REPLY from PEER shows in the chat.
//
// Every wait is on a page event or DOM state, bounded by a timeout. Each step is one JSON line on
// stdout; the last is {"result":"ok"} (exit 0) or {"result":"fail","reason":...} (exit 1). With
// SCREENSHOT set, the page is saved there at the end (and on failure), for CI artefacts.
import http from "node:http";
import fs from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const TIMEOUT_MS = 30_000;
const CHROMIUM = process.env.CHROMIUM ?? "/usr/bin/chromium";
const here = path.dirname(fileURLToPath(import.meta.url));
const dist = path.join(here, "node_modules", "converse.js", "dist");

const [transport, host, httpPort, pagePort, domain, user, password, peer, body, reply] = process.argv.slice(2);

function emit(fields) {
  process.stdout.write(JSON.stringify({ client: "converse", ...fields }) + "\n");
}

const TYPES = { ".js": "text/javascript", ".css": "text/css", ".json": "application/json", ".wasm": "application/wasm", ".svg": "image/svg+xml", ".png": "image/png", ".woff2": "font/woff2", ".woff": "font/woff", ".ttf": "font/ttf", ".mp3": "audio/mpeg", ".ogg": "audio/ogg" };

// Converse 14 is ES modules only: the bundle and the start-up script are both type="module". A
// tiny plugin exposes _converse and marks the 'connected' event for the driver to await.
function page() {
  const connection = transport === "bosh"
    ? { bosh_service_url: `http://${host}:${httpPort}/http-bind` }
    : { websocket_url: `ws://${host}:${httpPort}/xmpp-websocket` };
  const settings = {
    ...connection,
    jid: `${user}@${domain}`,
    password,
    auto_login: true,
    auto_reconnect: false,
    discover_connection_methods: false,
    view_mode: "fullscreen",
    persistent_store: "BrowserStorage",
    omemo_default: false,
    whitelisted_plugins: ["parley-test"],
    loglevel: "warn",
  };
  return `<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>Parley Converse.js test</title>
<link rel="stylesheet" href="/dist/converse.min.css">
<script type="module" src="/dist/converse.min.js"></script>
</head><body class="converse-fullscreen">
<script type="module">
converse.plugins.add("parley-test", {
  initialize() {
    const _converse = this._converse;
    window.parleyConverse = _converse;
    _converse.api.listen.on("connected", () => { window.parleyConnected = true; });
  },
});
converse.initialize(${JSON.stringify(settings)});
</script></body></html>`;
}

// The static page and the Converse bundle, nothing outside dist/ (the path is resolved and checked).
function serve() {
  const server = http.createServer(async (request, response) => {
    const url = new URL(request.url, `http://${host}`);
    if (url.pathname === "/" || url.pathname === "/index.html") {
      response.writeHead(200, { "content-type": "text/html; charset=utf-8" });
      response.end(page());
      return;
    }
    const file = path.resolve(dist, "." + decodeURIComponent(url.pathname.replace(/^\/dist/, "")));
    if (!url.pathname.startsWith("/dist/") || !file.startsWith(dist + path.sep)) {
      response.writeHead(404).end();
      return;
    }
    try {
      const content = await fs.readFile(file);
      response.writeHead(200, { "content-type": TYPES[path.extname(file)] ?? "application/octet-stream" });
      response.end(content);
    } catch {
      response.writeHead(404).end();
    }
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(Number(pagePort), host, () => resolve(server));
  });
}

let browser;
let server;
let tab;
let status = 1;
try {
  server = await serve();
  const origin = `http://${host}:${pagePort}`;
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--disable-dev-shm-usage"] });
  const context = await browser.newContext();
  tab = await context.newPage();
  tab.setDefaultTimeout(TIMEOUT_MS);
  tab.on("pageerror", (error) => emit({ event: "page_error", message: String(error) }));
  // Offline: only the page's own origin and the XMPP server may be reached (Converse asks the internet for sponsor logos).
  await context.route("**/*", (route) => {
    const url = route.request().url();
    return url.startsWith(origin + "/") || url.startsWith(`http://${host}:${httpPort}/`) ? route.continue() : route.abort();
  });
  await tab.goto(origin + "/");
  emit({ event: "page_loaded", transport });

  await tab.waitForFunction(() => window.parleyConnected === true);
  const jid = await tab.evaluate(() => window.parleyConverse.session.get("jid"));
  emit({ event: "connected", jid, transport });

  // chats.open resolves only after start-up queries a fuller server may answer; the chat box is what to await.
  await tab.evaluate((peer) => { window.parleyConverse.api.chats.open(peer, {}, true); }, peer);
  const textarea = tab.locator("textarea.chat-textarea");
  await textarea.waitFor();
  await textarea.fill(body);
  await textarea.press("Enter");
  await tab.locator(".chat-msg__text", { hasText: body }).first().waitFor();
  emit({ event: "sent", body });

  await tab.locator(".chat-msg__text", { hasText: reply }).first().waitFor();
  emit({ event: "received", body: reply });
  status = 0;
  emit({ result: "ok" });
} catch (error) {
  emit({ result: "fail", reason: String(error?.stack ?? error) });
} finally {
  if (tab && process.env.SCREENSHOT) {
    await tab.screenshot({ path: process.env.SCREENSHOT, fullPage: true }).catch(() => {});
  }
  await browser?.close().catch(() => {});
  server?.close();
  server?.closeAllConnections?.();
}
process.exit(status);
