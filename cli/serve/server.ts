/**
 * The HTTP server of `fabricate serve`: `Deno.serve` on 127.0.0.1 by
 * default, the request guards (Host header against DNS rebinding, Origin
 * on state-changing requests, the bearer token, for which only a one-time
 * report ticket may stand in on `GET /api/jobs/:id/report`), routing over the route
 * lists of `api_*.ts` and `ui.ts` (`GET` routes also answer `HEAD`; a
 * known path with another method is 405), and JSON errors: an
 * {@linkcode HttpError} becomes its status, anything else a 500 whose body
 * says nothing of the failure (the server log has it).
 *
 * @module
 */
import { UsageError } from "../../core/errors.ts";
import { editorRoutes } from "./api_editor.ts";
import { jobRoutes } from "./api_jobs.ts";
import { scenarioRoutes } from "./api_scenarios.ts";
import { JobManager } from "./jobs.ts";
import { ReportTickets } from "./report_tickets.ts";
import { HttpError, type Route, type ServeContext } from "./route.ts";
import type { ServeTarget } from "./targets.ts";
import { uiRoutes } from "./ui.ts";

/** The API's own routes (the UI's come from api_editor.ts and ui.ts). */
export const apiRoutes: Route[] = [...scenarioRoutes, ...jobRoutes];

/** Default `--max-rows`. */
export const DEFAULT_MAX_ROWS = 10_000_000;

/** Options of {@linkcode serve}. */
export interface ServeOptions {
  /** Address to listen on (default 127.0.0.1). */
  host?: string;
  /** Port (default 8787; 0 picks a free one). */
  port?: number;
  /** The workspace folder (default ./fabricate-serve). */
  dir?: string;
  /** Jobs running at once (default 1). */
  maxJobs?: number;
  /** Largest total row count of a job (default 10,000,000). */
  maxRows?: number;
  /** Bearer token every `/api/` request must carry. */
  token?: string;
  /** Allow a host other than loopback (needs `token`). */
  allowRemote?: boolean;
  /** Database targets, by name. */
  targets?: Map<string, ServeTarget>;
  /** Allow non-local or production-looking database targets. */
  allowRemoteDb?: boolean;
  /** Worker threads per job (default: gen's choice). */
  workers?: number;
  /** Lifetime of a report ticket in ms (default and most 60,000; shorter for tests). */
  reportTicketMs?: number;
}

/** A running server. */
export interface ServeHandle {
  /** The address it listens on. */
  readonly addr: Deno.NetAddr;
  /** Its base URL, e.g. `http://127.0.0.1:8787/`. */
  readonly url: string;
  /** The context handlers get. */
  readonly ctx: ServeContext;
  /** Cancels running jobs (they become failed "interrupted") and stops listening. */
  shutdown(): Promise<void>;
  /** Settles when the server has stopped. */
  readonly finished: Promise<void>;
}

/**
 * True for a loopback address (127.0.0.0/8, ::1, localhost).
 *
 * @param host The address.
 * @returns Whether only this machine can reach it.
 * @example
 * ```ts
 * import { isLoopback } from "./server.ts";
 * isLoopback("127.0.0.1"); // true
 * isLoopback("0.0.0.0"); // false
 * ```
 */
export function isLoopback(host: string): boolean {
  return /^127(\.\d{1,3}){3}$/.test(host) || host === "::1" || host === "localhost";
}

/**
 * Starts the server.
 *
 * @param options Address, workspace, limits, token, targets.
 * @returns The running server.
 * @throws {UsageError} When the options are unsafe (a non-loopback host
 *   without `allowRemote` and a token).
 * @example
 * ```ts ignore
 * const server = await serve({ port: 0, dir: await Deno.makeTempDir() });
 * const res = await fetch(new URL("api/health", server.url));
 * await server.shutdown();
 * ```
 */
export async function serve(options: ServeOptions = {}): Promise<ServeHandle> {
  const hostname = options.host ?? "127.0.0.1";
  if (!isLoopback(hostname) && !(options.allowRemote && options.token)) {
    throw new UsageError(
      `Refusing to listen on ${hostname}: only loopback without --allow-remote and a token`,
    );
  }
  const dir = await absolute(options.dir ?? "./fabricate-serve");
  const ctx: ServeContext = {
    dir,
    cwd: Deno.cwd(),
    maxRows: options.maxRows ?? DEFAULT_MAX_ROWS,
    services: { targets: options.targets ?? new Map() },
  };
  await Deno.mkdir(dir, { recursive: true });
  const jobs = new JobManager(ctx, {
    maxJobs: options.maxJobs ?? 1,
    targets: options.targets ?? new Map(),
    ...(options.allowRemoteDb ? { allowRemoteDb: true } : {}),
    ...(options.workers ? { workers: options.workers } : {}),
  });
  await jobs.open();
  ctx.services.jobs = jobs;

  const routes = [...apiRoutes, ...editorRoutes, ...uiRoutes];
  const tokenDigest = options.token === undefined ? undefined : await digest(options.token);
  // With a token, the UI opens report.html in a new tab through a one-time ticket.
  const tickets = tokenDigest
    ? new ReportTickets(
      options.reportTicketMs !== undefined ? { lifetimeMs: options.reportTicketMs } : {},
    )
    : undefined;
  if (tickets) ctx.services.reportTickets = tickets;
  // Host headers that name this server, known once listening; none for a wildcard address.
  const hosts: { allowed?: Set<string> } = {};
  const server = Deno.serve({
    hostname,
    port: options.port ?? 8787,
    onListen: () => {},
  }, async (request) => {
    try {
      const url = new URL(request.url);
      guardHost(request, hosts.allowed);
      guardOrigin(request);
      if (tokenDigest && url.pathname.startsWith("/api/")) {
        if (!await guardTicket(request, url, tickets!)) await guardToken(request, tokenDigest);
      }
      return withHeaders(await dispatch(routes, request, url, ctx), url);
    } catch (e) {
      if (e instanceof HttpError) return withHeaders(e.toResponse(), undefined);
      console.error(`Unexpected failure answering ${request.method} ${request.url}:`, e);
      return withHeaders(
        new HttpError(500, "internal", "Internal server error (see the server's log)")
          .toResponse(),
        undefined,
      );
    }
  });
  const addr = server.addr;
  const shown = addr.hostname.includes(":") ? `[${addr.hostname}]` : addr.hostname;
  // Any Host for a wildcard address: the token guards it then.
  if (addr.hostname !== "0.0.0.0" && addr.hostname !== "::") {
    hosts.allowed = new Set([
      `${shown}:${addr.port}`,
      ...(isLoopback(addr.hostname) ? [`localhost:${addr.port}`] : []),
      ...(addr.port === 80 ? [shown, ...(isLoopback(addr.hostname) ? ["localhost"] : [])] : []),
    ]);
  }
  let stopping: Promise<void> | undefined;
  return {
    addr,
    url: `http://${shown}:${addr.port}/`,
    ctx,
    finished: server.finished,
    shutdown() {
      stopping ??= (async () => {
        await jobs.shutdown();
        await server.shutdown();
      })();
      return stopping;
    },
  };
}

async function absolute(path: string): Promise<string> {
  await Deno.mkdir(path, { recursive: true });
  return await Deno.realPath(path);
}

/** Finds the route and answers; HEAD runs the GET route and drops the body. */
async function dispatch(
  routes: readonly Route[],
  request: Request,
  url: URL,
  ctx: ServeContext,
): Promise<Response> {
  const method = request.method === "HEAD" ? "GET" : request.method;
  const allowed = new Set<string>();
  for (const r of routes) {
    const match = r.pattern.exec(url);
    if (!match) continue;
    if (r.method !== method) {
      allowed.add(r.method);
      if (r.method === "GET") allowed.add("HEAD");
      continue;
    }
    const response = await r.handle({ request, params: match.pathname.groups, url, ctx });
    if (request.method !== "HEAD") return response;
    await response.body?.cancel();
    return new Response(null, { status: response.status, headers: response.headers });
  }
  if (allowed.size) {
    const e = new HttpError(405, "method_not_allowed", `${request.method} is not allowed here`);
    const response = e.toResponse();
    response.headers.set("allow", [...allowed].sort().join(", "));
    return response;
  }
  throw new HttpError(404, "not_found", `Nothing at ${url.pathname}`);
}

function guardHost(request: Request, allowed: Set<string> | undefined): void {
  if (!allowed) return;
  const host = (request.headers.get("host") ?? "").toLowerCase();
  if (!allowed.has(host)) {
    throw new HttpError(
      403,
      "bad_host",
      "The Host header does not name this server (requests through another name are refused " +
        "against DNS rebinding)",
    );
  }
}

/** A request that changes state must come from the same origin (or from no browser page). */
function guardOrigin(request: Request): void {
  if (request.method === "GET" || request.method === "HEAD") return;
  const origin = request.headers.get("origin");
  const site = request.headers.get("sec-fetch-site");
  const host = request.headers.get("host") ?? "";
  const foreign = (origin !== null && origin.toLowerCase() !== `http://${host.toLowerCase()}`) ||
    (site !== null && site !== "same-origin" && site !== "none");
  if (foreign) {
    throw new HttpError(403, "cross_origin", "Requests that change state must come from this page");
  }
}

/** `GET /api/jobs/:id/report?ticket=…`, and nothing else, may stand in for the token. */
const TICKETED = new URLPattern({ pathname: "/api/jobs/:id/report" });

/**
 * True when the request opens a job's report with a valid ticket (which it
 * spends); false when it carries no ticket for the report, so the token
 * decides. A ticket that does not open this report is a 401.
 */
async function guardTicket(request: Request, url: URL, tickets: ReportTickets): Promise<boolean> {
  const ticket = url.searchParams.get("ticket");
  if (ticket === null || request.method !== "GET") return false;
  const match = TICKETED.exec(url);
  if (!match) return false;
  // Spent even when the request is refused for its other parameters.
  const valid = await tickets.redeem(match.pathname.groups.id!, ticket);
  if (!valid || [...url.searchParams.keys()].length !== 1) {
    throw new HttpError(
      401,
      "bad_ticket",
      "That report ticket is spent, expired or for another report: open the report again from the page",
    );
  }
  return true;
}

async function guardToken(request: Request, expected: Uint8Array): Promise<void> {
  const header = request.headers.get("authorization") ?? "";
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
  const given = await digest(m?.[1] ?? "");
  // Compare digests of equal length in full: the time does not depend on the token.
  let diff = m ? 0 : 1;
  for (let i = 0; i < expected.length; i++) diff |= expected[i]! ^ given[i]!;
  if (diff !== 0) {
    const e = new HttpError(401, "unauthorized", "Send Authorization: Bearer <token>");
    const response = e.toResponse();
    response.headers.set("www-authenticate", 'Bearer realm="fabricate"');
    throw new Unauthorized(response);
  }
}

/** A 401 with its WWW-Authenticate header. */
class Unauthorized extends HttpError {
  readonly #response: Response;
  constructor(response: Response) {
    super(401, "unauthorized", "Send Authorization: Bearer <token>");
    this.#response = response;
  }
  override toResponse(): Response {
    return this.#response;
  }
}

async function digest(text: string): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text)));
}

function withHeaders(response: Response, url: URL | undefined): Response {
  const headers = new Headers(response.headers);
  headers.set("x-content-type-options", "nosniff");
  if (!headers.has("referrer-policy")) headers.set("referrer-policy", "no-referrer");
  if (!url || url.pathname.startsWith("/api/")) headers.set("cache-control", "no-store");
  return new Response(response.body, {
    status: response.status,
    statusText: response.statusText,
    headers,
  });
}
