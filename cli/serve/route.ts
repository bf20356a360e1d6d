/**
 * The shape every `fabricate serve` route module shares: a method, a
 * URLPattern and a handler that gets the server's context. The server
 * (`server.ts`) composes the route lists of `api_*.ts` and `ui.ts`.
 *
 * @module
 */

/** What a handler may use: the server's state and settings. */
export interface ServeContext {
  /** The workspace folder (jobs, uploaded scenarios). */
  readonly dir: string;
  /** Folder relative paths of built-in or workspace scenarios resolve against. */
  readonly cwd: string;
  /** Largest total row count a job or preview may ask for. */
  readonly maxRows: number;
  /** Services other modules registered (the job manager registers `jobs`). */
  readonly services: Record<string, unknown>;
}

/** A matched request. */
export interface RouteRequest {
  /** The request. */
  request: Request;
  /** The URLPattern's named groups (`:id` → `params.id`). */
  params: Record<string, string | undefined>;
  /** The request URL, parsed. */
  url: URL;
  /** The server's context. */
  ctx: ServeContext;
}

/** One route. */
export interface Route {
  /** HTTP method (`GET` also answers `HEAD`). */
  method: "GET" | "POST" | "PUT" | "DELETE";
  /** The path pattern, e.g. `new URLPattern({ pathname: "/api/jobs/:id" })`. */
  pattern: URLPattern;
  /** Answers the request. Throw an `HttpError` (server.ts) for a 4xx. */
  handle(req: RouteRequest): Response | Promise<Response>;
}

/**
 * Declares a route.
 *
 * @param method The HTTP method.
 * @param pathname A URLPattern pathname, e.g. `/api/jobs/:id`.
 * @param handle The handler.
 * @returns The route.
 * @example
 * ```ts
 * import { route } from "./route.ts";
 * const health = route("GET", "/api/health", () => Response.json({ ok: true }));
 * health.pattern.test("http://127.0.0.1/api/health");
 * ```
 */
export function route(
  method: Route["method"],
  pathname: string,
  handle: Route["handle"],
): Route {
  return { method, pattern: new URLPattern({ pathname }), handle };
}

/** One problem with a request or a posted scenario, as the API reports it. */
export interface ApiIssue {
  /** Where: a request field (`counts.orders`) or a scenario path (`entities.orders.count`). */
  path: string;
  /** What is wrong. */
  message: string;
  /** 1-based line and column in posted YAML, when the problem is in it. */
  line?: number;
  /** 1-based column. */
  column?: number;
  /** What was expected. */
  expected?: string;
  /** How to fix it. */
  hint?: string;
}

/**
 * A 4xx (or 5xx) answer: the server turns it into
 * `{"error": {"status", "code", "message", "field"?, "issues"?}}`.
 *
 * @example
 * ```ts
 * import { HttpError } from "./route.ts";
 * const e = new HttpError(404, "not_found", "No job abc", { field: "id" });
 * e.toResponse().status; // 404
 * ```
 */
export class HttpError extends Error {
  /** The HTTP status. */
  readonly status: number;
  /** A stable machine-readable code: `bad_request`, `invalid_scenario`, `not_found`, … */
  readonly code: string;
  /** The request field at fault, when one is. */
  readonly field: string | undefined;
  /** Every problem found. */
  readonly issues: ApiIssue[] | undefined;

  /**
   * @param status HTTP status.
   * @param code Machine-readable code.
   * @param message Human-readable message, sentence case.
   * @param extra The field at fault and the issues.
   */
  constructor(
    status: number,
    code: string,
    message: string,
    extra: { field?: string; issues?: ApiIssue[] } = {},
  ) {
    super(message);
    this.name = "HttpError";
    this.status = status;
    this.code = code;
    this.field = extra.field;
    this.issues = extra.issues;
  }

  /** @returns The JSON error response. */
  toResponse(): Response {
    const error: Record<string, unknown> = {
      status: this.status,
      code: this.code,
      message: this.message,
    };
    if (this.field !== undefined) error.field = this.field;
    if (this.issues !== undefined) error.issues = this.issues;
    return Response.json({ error }, { status: this.status });
  }
}
