/**
 * Test helpers for `fabricate serve`: start the real CLI on a free port of
 * 127.0.0.1, talk JSON to it, wait for jobs, and send raw HTTP (for Host
 * headers and paths that fetch would normalise).
 */
import assert from "node:assert/strict";

const CLI = new URL("../../cli.ts", import.meta.url).pathname;
const CONFIG = new URL("../../deno.json", import.meta.url).pathname;
/** The arguments that run the CLI as a user would (deno.json's `cli` permission set). */
export const CLI_ARGS = ["run", "-P=cli", "--no-prompt", "--quiet", "--config", CONFIG, CLI];

/** A running `fabricate serve`. */
export interface Server {
  /** Base URL, e.g. `http://127.0.0.1:41234/`. */
  url: string;
  /** The port. */
  port: number;
  /** The workspace. */
  dir: string;
  /** The process. */
  process: Deno.ChildProcess;
  /** Everything it wrote to stderr so far. */
  stderr(): string;
  /** SIGTERM; resolves with the exit code. */
  stop(): Promise<number>;
  /** SIGKILL (a crash); resolves when it is gone. */
  kill(): Promise<void>;
}

/**
 * Starts `fabricate serve --port 0 --dir <dir>` plus `args`.
 *
 * @param dir The workspace.
 * @param args More flags.
 * @param env More environment.
 */
export async function startServer(
  dir: string,
  args: string[] = [],
  env: Record<string, string> = {},
): Promise<Server> {
  const process = new Deno.Command(Deno.execPath(), {
    args: [...CLI_ARGS, "serve", "--port", "0", "--dir", dir, ...args],
    env: { NO_COLOR: "1", ...env },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  let err = "";
  const decoder = new TextDecoder();
  const errDone = (async () => {
    for await (const chunk of process.stderr) err += decoder.decode(chunk, { stream: true });
  })();
  const reader = process.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let out = "";
  while (!/Listening on (\S+)\n/.test(out)) {
    const { done, value } = await reader.read();
    if (done) {
      await errDone;
      const status = await process.status;
      throw new Error(`serve exited ${status.code} before listening:\n${out}\n${err}`);
    }
    out += value;
  }
  // Keep draining stdout so the server never blocks on it.
  (async () => {
    while (!(await reader.read()).done) { /* drain */ }
  })();
  const url = /Listening on (\S+)\n/.exec(out)![1]!;
  const port = Number(new URL(url).port);
  assert.match(url, /^http:\/\/127\.0\.0\.1:\d+\/$/);
  return {
    url,
    port,
    dir,
    process,
    stderr: () => err,
    async stop() {
      process.kill("SIGTERM");
      const status = await process.status;
      await errDone;
      return status.code;
    },
    async kill() {
      process.kill("SIGKILL");
      await process.status;
      await errDone;
    },
  };
}

/** A JSON answer. */
export interface Answer {
  status: number;
  headers: Headers;
  // deno-lint-ignore no-explicit-any
  body: any;
}

/**
 * Calls the API: a JSON body is sent as application/json; the answer is
 * parsed as JSON when it says so.
 */
export async function api(
  server: Server,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<Answer> {
  const res = await fetch(new URL(path, server.url), {
    method,
    headers: {
      ...(body !== undefined ? { "content-type": "application/json" } : {}),
      ...headers,
    },
    ...(body !== undefined ? { body: typeof body === "string" ? body : JSON.stringify(body) } : {}),
  });
  const type = res.headers.get("content-type") ?? "";
  const parsed = type.startsWith("application/json") ? await res.json() : await res.text();
  return { status: res.status, headers: res.headers, body: parsed };
}

/** Polls a job until `done(job)`; fails after ~2 minutes. */
export async function waitJob(
  server: Server,
  id: string,
  // deno-lint-ignore no-explicit-any
  done: (job: any) => boolean = (j) => !["queued", "running"].includes(j.status),
  // deno-lint-ignore no-explicit-any
): Promise<any> {
  for (let i = 0; i < 2400; i++) {
    const { status, body } = await api(server, "GET", `api/jobs/${id}`);
    assert.equal(status, 200, JSON.stringify(body));
    if (done(body)) return body;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`job ${id} never reached the awaited state`);
}

/**
 * Sends one raw HTTP/1.1 request (the path and headers exactly as given)
 * and returns the status and body.
 */
export async function rawRequest(
  port: number,
  lines: string[],
  body = "",
): Promise<{ status: number; text: string }> {
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  const head = [...lines, "Connection: close", `Content-Length: ${body.length}`, "", ""].join(
    "\r\n",
  );
  await conn.write(new TextEncoder().encode(head + body));
  let text = "";
  const decoder = new TextDecoder();
  const buf = new Uint8Array(65536);
  while (true) {
    const n = await conn.read(buf);
    if (n === null) break;
    text += decoder.decode(buf.subarray(0, n), { stream: true });
  }
  conn.close();
  const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1]);
  return { status, text: text.slice(text.indexOf("\r\n\r\n") + 4) };
}

/** Runs the CLI to completion. */
export async function runCliProcess(
  args: string[],
  cwd?: string,
): Promise<{ code: number; stdout: string; stderr: string }> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: [...CLI_ARGS, ...args],
    env: { NO_COLOR: "1" },
    ...(cwd ? { cwd } : {}),
    stdout: "piped",
    stderr: "piped",
  }).output();
  const d = new TextDecoder();
  return { code: out.code, stdout: d.decode(out.stdout), stderr: d.decode(out.stderr) };
}

/** Names in a folder, sorted (empty when it does not exist). */
export async function names(dir: string): Promise<string[]> {
  try {
    return (await Array.fromAsync(Deno.readDir(dir))).map((e) => e.name).sort();
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return [];
    throw e;
  }
}

/** A scenario big enough that a job runs for a while (cancel tests). */
export const SLOW_YAML = `name: slow
entities:
  rows:
    count: 3000000
    fields:
      id: { sequence: {} }
      word: { faker: lorem.word }
`;
