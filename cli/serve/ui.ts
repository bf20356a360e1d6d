/**
 * The web UI's routes: `GET /` (the page) and its assets under `/ui/`. The
 * files are imported as text, so `deno compile` embeds them and the UI needs
 * no build step, no CDN and no outside request. Every answer carries a strict
 * Content-Security-Policy (scripts and styles only from the server itself, no
 * inline script, no framing) and `X-Content-Type-Options: nosniff`.
 *
 * @module
 */
import indexHtml from "./ui/index.html" with { type: "text" };
import appJs from "./ui/app.js" with { type: "text" };
import appCss from "./ui/app.css" with { type: "text" };
import codemirrorJs from "codemirror/lib/codemirror.js" with { type: "text" };
import codemirrorCss from "codemirror/lib/codemirror.css" with { type: "text" };
import yamlModeJs from "codemirror/mode/yaml/yaml.js" with { type: "text" };
import showHintJs from "codemirror/addon/hint/show-hint.js" with { type: "text" };
import showHintCss from "codemirror/addon/hint/show-hint.css" with { type: "text" };
import { type Route, route } from "./route.ts";

/** The UI's Content-Security-Policy: nothing from elsewhere, no inline script. */
export const UI_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
].join("; ");

function asset(path: string, body: string, type: string): Route {
  return route("GET", path, () =>
    new Response(body, {
      headers: {
        "content-type": type,
        "content-security-policy": UI_CSP,
        "x-content-type-options": "nosniff",
        "referrer-policy": "no-referrer",
        "cache-control": "no-cache",
      },
    }));
}

const JS = "text/javascript; charset=utf-8";
const CSS = "text/css; charset=utf-8";

/**
 * The UI's routes: the page at `/` and its scripts and styles under `/ui/`.
 *
 * @example
 * ```ts
 * import { uiRoutes } from "./ui.ts";
 * uiRoutes.some((r) => r.pattern.test("http://127.0.0.1/ui/app.js")); // true
 * ```
 */
export const uiRoutes: Route[] = [
  asset("/", indexHtml, "text/html; charset=utf-8"),
  asset("/ui/app.js", appJs, JS),
  asset("/ui/app.css", appCss, CSS),
  asset("/ui/codemirror.js", codemirrorJs, JS),
  asset("/ui/codemirror.css", codemirrorCss, CSS),
  asset("/ui/yaml.js", yamlModeJs, JS),
  asset("/ui/show-hint.js", showHintJs, JS),
  asset("/ui/show-hint.css", showHintCss, CSS),
];
