/**
 * `fabricate serve`: the HTTP API and web UI (docs/serve.md).
 *
 * @module
 */
import { UsageError } from "../core/errors.ts";
import { flagsHelp, type FlagSpec, parseFlags } from "./parse_flags.ts";
import { parseMaxRows } from "./gen_to_database.ts";

const FLAGS: Record<string, FlagSpec> = {
  port: { type: "string", short: "p", value: "N", help: "Port (default 8787; 0: any free port)" },
  host: { type: "string", value: "ADDR", help: "Address to listen on (default 127.0.0.1)" },
  dir: {
    type: "string",
    value: "DIR",
    help: "Workspace: jobs, their output, files/ for data files (default ./fabricate-serve)",
  },
  "max-jobs": { type: "string", value: "N", help: "Jobs running at once (default 1)" },
  "max-rows": {
    type: "string",
    value: "N",
    help: "Largest total row count of a job (default 10000000)",
  },
  db: {
    type: "string",
    multiple: true,
    value: "NAME=URL",
    help: "A database target jobs may load into, by NAME (sqlite:FILE, postgres://…, mysql://…)",
  },
  "allow-remote-db": {
    type: "boolean",
    help: "Allow --db targets on other hosts or with production-looking names",
  },
  workers: { type: "string", value: "N", help: "Worker threads per job (default: gen's choice)" },
  "allow-remote": {
    type: "boolean",
    help: "Allow --host other than loopback (needs a token)",
  },
  "token-file": {
    type: "string",
    value: "FILE",
    help: "Read the API token from FILE (else FABRICATE_SERVE_TOKEN)",
  },
  help: { type: "boolean", short: "h", help: "Show this help" },
};

const HELP = `Usage: fabricate serve [options]

Serve the HTTP API and web UI: pick or edit a scenario, preview rows, run
jobs in the background, download the output (files or a .zip), see the
report, load into a named database. See docs/serve.md.

Only 127.0.0.1 by default. Listening elsewhere needs --allow-remote and a
token (FABRICATE_SERVE_TOKEN or --token-file); every /api/ request must then
send Authorization: Bearer <token>.

Options:
${flagsHelp(FLAGS)}

Examples:
  fabricate serve                                   # http://127.0.0.1:8787/
  fabricate serve --port 0 --dir /tmp/ws --max-jobs 2 --max-rows 1000000
  fabricate serve --db dev=sqlite:dev.db --db staging=postgres://me@127.0.0.1/staging
  FABRICATE_SERVE_TOKEN=s3cret fabricate serve --host 0.0.0.0 --allow-remote

Stops on Ctrl-C or SIGTERM: running jobs are cancelled (nothing is left of
them) and the server exits 0.
`;

/**
 * Runs `serve` until a signal stops it.
 *
 * @param args The arguments after `serve`.
 * @returns The exit code.
 * @example
 * ```ts ignore
 * await serveCommand(["--port", "0"]);
 * ```
 */
export default async function serveCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseFlags(args, FLAGS);
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  if (positionals.length) {
    throw new UsageError(`Unexpected argument "${positionals[0]}"`, "serve takes only options");
  }
  const host = (values.host as string | undefined) ?? "127.0.0.1";
  const port = whole("--port", values.port as string | undefined, 8787, 0, 65535);
  const maxJobs = whole("--max-jobs", values["max-jobs"] as string | undefined, 1, 1, 64);
  const maxRows = values["max-rows"] === undefined
    ? undefined
    : parseMaxRows(values["max-rows"] as string);
  const workers = values.workers === undefined
    ? undefined
    : whole("--workers", values.workers as string, 1, 1, 256);
  const { isLoopback, serve } = await import("./serve/server.ts");
  const token = await readToken(values["token-file"] as string | undefined);
  if (!isLoopback(host)) {
    if (!values["allow-remote"]) {
      throw new UsageError(
        `Refusing to listen on ${host}: fabricate serve answers only this machine by default`,
        "pass --allow-remote and a token (FABRICATE_SERVE_TOKEN or --token-file) to listen there",
      );
    }
    if (token === undefined) {
      throw new UsageError(
        `Refusing to listen on ${host} without a token`,
        "set FABRICATE_SERVE_TOKEN or pass --token-file FILE; clients then send " +
          "Authorization: Bearer <token>",
      );
    }
  }
  const { parseTargets } = await import("./serve/targets.ts");
  const targets = parseTargets(
    (values.db as string[] | undefined) ?? [],
    values["allow-remote-db"] === true,
  );
  const server = await serve({
    host,
    port,
    ...(values.dir !== undefined ? { dir: values.dir as string } : {}),
    maxJobs,
    ...(maxRows !== undefined ? { maxRows } : {}),
    ...(token !== undefined ? { token } : {}),
    ...(values["allow-remote"] ? { allowRemote: true } : {}),
    targets,
    ...(values["allow-remote-db"] ? { allowRemoteDb: true } : {}),
    ...(workers !== undefined ? { workers } : {}),
    ...ticketLifetime(),
  });
  console.log(`Listening on ${server.url}`);
  console.error(
    `Workspace ${server.ctx.dir}; up to ${maxJobs} job${maxJobs === 1 ? "" : "s"} at once` +
      (token !== undefined ? "; API token required" : "") +
      (targets.size ? `; database targets: ${[...targets.keys()].join(", ")}` : ""),
  );
  const signals: Deno.Signal[] = Deno.build.os === "windows" ? ["SIGINT"] : ["SIGINT", "SIGTERM"];
  const stop = () => {
    console.error("Stopping: cancelling running jobs");
    server.shutdown().catch((e) => console.error(e));
  };
  for (const s of signals) Deno.addSignalListener(s, stop);
  try {
    await server.finished;
  } finally {
    for (const s of signals) Deno.removeSignalListener(s, stop);
  }
  return 0;
}

/**
 * FABRICATE_SERVE_TICKET_MS shortens a report ticket's lifetime (tests of
 * expiry); it cannot lengthen it beyond the 60 s default.
 */
function ticketLifetime(): { reportTicketMs?: number } {
  const raw = Deno.env.get("FABRICATE_SERVE_TICKET_MS");
  if (raw === undefined || raw === "") return {};
  const ms = Number(raw);
  if (!/^\d+$/.test(raw) || ms < 1 || ms > 60_000) {
    throw new UsageError(
      `Expected FABRICATE_SERVE_TICKET_MS from 1 to 60000, got "${raw}"`,
    );
  }
  return { reportTicketMs: ms };
}

async function readToken(file: string | undefined): Promise<string | undefined> {
  let token: string | undefined;
  if (file !== undefined) {
    try {
      token = (await Deno.readTextFile(file)).trim();
    } catch (e) {
      throw new UsageError(`Cannot read --token-file ${file}: ${(e as Error).message}`);
    }
  } else token = Deno.env.get("FABRICATE_SERVE_TOKEN")?.trim();
  if (token === undefined || token === "") {
    if (file !== undefined) throw new UsageError(`--token-file ${file} is empty`);
    return undefined;
  }
  if (token.length < 16 || /\s/.test(token)) {
    throw new UsageError(
      "The API token must be at least 16 characters with no spaces",
      "e.g. openssl rand -hex 24",
    );
  }
  return token;
}

function whole(flag: string, s: string | undefined, fallback: number, min: number, max: number) {
  if (s === undefined) return fallback;
  const n = Number(s);
  if (!/^\d+$/.test(s) || n < min || n > max) {
    throw new UsageError(`Expected a whole number from ${min} to ${max} for ${flag}, got "${s}"`);
  }
  return n;
}
