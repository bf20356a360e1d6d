/**
 * The UI's routes (`cli/serve/ui.ts`): every asset is served with the strict
 * CSP and nosniff, with its own type; the page has no inline script or style
 * and names nothing outside the server.
 */
import assert from "node:assert/strict";
import { UI_CSP, uiRoutes } from "../../cli/serve/ui.ts";
import type { ServeContext } from "../../cli/serve/route.ts";

const ctx: ServeContext = { dir: "/nonexistent", cwd: "/nonexistent", maxRows: 1, services: {} };

async function get(path: string): Promise<Response> {
  const url = new URL(`http://127.0.0.1${path}`);
  const route = uiRoutes.find((r) => r.method === "GET" && r.pattern.test(url));
  assert.ok(route, `a route for ${path}`);
  return await route.handle({ request: new Request(url), params: {}, url, ctx });
}

Deno.test("every UI asset carries the CSP, nosniff and its content type", async () => {
  const types: Record<string, RegExp> = {
    "/": /^text\/html/,
    "/ui/app.js": /^text\/javascript/,
    "/ui/app.css": /^text\/css/,
    "/ui/codemirror.js": /^text\/javascript/,
    "/ui/codemirror.css": /^text\/css/,
    "/ui/yaml.js": /^text\/javascript/,
    "/ui/show-hint.js": /^text\/javascript/,
    "/ui/show-hint.css": /^text\/css/,
  };
  for (const [path, type] of Object.entries(types)) {
    const res = await get(path);
    assert.equal(res.status, 200, path);
    assert.match(res.headers.get("content-type") ?? "", type, path);
    assert.equal(res.headers.get("content-security-policy"), UI_CSP, path);
    assert.equal(res.headers.get("x-content-type-options"), "nosniff", path);
    assert.ok((await res.text()).length > 100, path);
  }
  assert.match(UI_CSP, /default-src 'none'/);
  assert.match(UI_CSP, /script-src 'self'(;|$)/);
  assert.match(UI_CSP, /frame-ancestors 'none'/);
  assert.doesNotMatch(UI_CSP, /unsafe-inline|unsafe-eval|\*/);
});

Deno.test("the page has no inline script or style and loads nothing from elsewhere", async () => {
  const html = await (await get("/")).text();
  const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];
  assert.ok(scripts.length >= 3);
  for (const [, attrs, body] of scripts) {
    assert.match(attrs!, /\bsrc="\/ui\/[a-z-]+\.js"/);
    assert.equal(body!.trim(), "");
  }
  assert.doesNotMatch(html, /<style|\sstyle=|\son[a-z]+=/i);
  for (const [, url] of html.matchAll(/\b(?:src|href)="([^"]*)"/g)) {
    assert.ok(url!.startsWith("/") || url === "#" || url === "data:,", url!);
  }
  const app = await (await get("/ui/app.js")).text();
  assert.doesNotMatch(app, /https?:\/\//, "app.js names no outside address");
  assert.doesNotMatch(app, /\.innerHTML\s*=|insertAdjacentHTML|outerHTML\s*=|document\.write/);
});
