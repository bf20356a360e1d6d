/**
 * A hostile plugin, run sandboxed through the real CLI, tries one forbidden
 * thing at a time. Each attempt must be denied by the sandbox (fabricate's
 * own process has the permission, so the denial is the sandbox's), the run
 * must fail naming the plugin, and nothing may be written. For the network
 * and remote imports, the same plugin trusted (in-process) succeeds: proof
 * the listener was reachable and the denial came from the sandbox.
 */
import assert from "node:assert/strict";
import { runCli } from "../_helpers/rows.ts";
import { exists, fixture, oneField, project } from "./_setup.ts";

const HOSTILE = fixture("hostile");

async function attempt(
  what: string,
  target: string,
  options: { denoFlags?: string[]; trust?: boolean } = {},
) {
  const p = await project([HOSTILE], oneField({ hostile: { attempt: what, target } }));
  const r = await runCli([
    "gen",
    p.scenario,
    "--out",
    p.out,
    "--format",
    "jsonl",
    ...(options.trust ? ["--trust-plugin", HOSTILE] : []),
  ], { cwd: p.dir, ...(options.denoFlags ? { denoFlags: options.denoFlags } : {}) });
  return { ...r, project: p };
}

function assertDenied(r: Awaited<ReturnType<typeof attempt>>, what: RegExp) {
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stderr, /Plugin "hostile" failed in create\(\) for e\.v: /);
  assert.match(r.stderr, what);
  assert.match(r.stderr, /denied by the sandbox/);
}

/** A listener on 127.0.0.1 that counts requests and serves a tiny module. */
function listener() {
  let requests = 0;
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, () => {
    requests++;
    return new Response('export default "from the network";', {
      headers: { "content-type": "application/javascript" },
    });
  });
  return { server, url: `http://127.0.0.1:${server.addr.port}`, requests: () => requests };
}

Deno.test("a sandboxed plugin cannot read a file outside its grant", async () => {
  const dir = await Deno.makeTempDir();
  await Deno.writeTextFile(`${dir}/secret.txt`, "the secret");
  const r = await attempt("read", `${dir}/secret.txt`);
  assertDenied(r, /Requires read access to ".*secret\.txt"/);
  assert.ok(!r.stderr.includes("the secret"));
  assert.equal(await exists(r.project.out), false, "nothing is written");
});

Deno.test("a sandboxed plugin cannot read the environment", async () => {
  // LOG_STREAM is in fabricate's own env permission (-P=cli): only the sandbox denies it.
  const r = await attempt("env", "LOG_STREAM");
  assertDenied(r, /Requires env access to "LOG_STREAM"/);
  assert.equal(await exists(r.project.out), false);
});

Deno.test("a sandboxed plugin cannot fetch from 127.0.0.1, which fabricate itself may", async () => {
  const { server, url, requests } = listener();
  try {
    const denoFlags = ["--allow-net=127.0.0.1"];
    const r = await attempt("fetch", `${url}/steal`, { denoFlags });
    assertDenied(r, /Requires net access to "127\.0\.0\.1:\d+"/);
    assert.equal(requests(), 0, "no request reached the listener");
    assert.equal(await exists(r.project.out), false);

    const trusted = await attempt("fetch", `${url}/steal`, { denoFlags, trust: true });
    assert.equal(trusted.code, 0, trusted.stderr);
    assert.equal(requests(), 1, "in-process, the same plugin reaches the listener");
  } finally {
    await server.shutdown();
  }
});

Deno.test("a sandboxed plugin cannot run a program", async () => {
  const r = await attempt("run", "true");
  assertDenied(r, /Requires run access to "true"/);
  assert.equal(await exists(r.project.out), false);
});

Deno.test("a sandboxed plugin cannot write a file", async () => {
  const dir = await Deno.makeTempDir();
  const r = await attempt("write", `${dir}/pwned.txt`);
  assertDenied(r, /Requires write access to ".*pwned\.txt"/);
  assert.equal(await exists(`${dir}/pwned.txt`), false);
  assert.equal(await exists(r.project.out), false);
});

Deno.test("a sandboxed plugin cannot import a local module outside its folder", async () => {
  const dir = await Deno.makeTempDir();
  await Deno.writeTextFile(`${dir}/elsewhere.ts`, 'export default "elsewhere";');
  const r = await attempt("import-local", `file://${dir}/elsewhere.ts`);
  assertDenied(r, /Requires read access to ".*elsewhere\.ts"/);
  assert.equal(await exists(r.project.out), false);
});

Deno.test("a sandboxed plugin cannot import a remote module, which fabricate itself may", async () => {
  const { server, url, requests } = listener();
  try {
    const port = new URL(url).port;
    // --no-lock: the trusted run's remote import must not end up in deno.lock.
    const denoFlags = [`--allow-import=127.0.0.1:${port}`, "--no-lock"];
    const target = `${url}/mod-${crypto.randomUUID()}.js`;
    const r = await attempt("import-remote", target, { denoFlags });
    assertDenied(r, /Requires import access to "127\.0\.0\.1:\d+"/);
    assert.equal(requests(), 0, "no request reached the listener");
    assert.equal(await exists(r.project.out), false);

    const trusted = await attempt("import-remote", target, { denoFlags, trust: true });
    assert.equal(trusted.code, 0, trusted.stderr);
    assert.equal(requests(), 1, "in-process, the same plugin imports it");
  } finally {
    await server.shutdown();
  }
});

Deno.test("a sandboxed plugin reads its own modules but not the files beside them", async () => {
  const parts = fixture("with_parts");
  const ok = await project([parts], oneField({ with_parts: {} }, 2));
  const r = await runCli(["gen", ok.scenario, "--out", "-", "--format", "jsonl"], { cwd: ok.dir });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /"v":"HELLO FROM A JSON MODULE"/);

  for (const peek of ["./parts/notes.txt", "./hostile.ts"]) {
    const p = await project([parts], oneField({ with_parts: { peek } }, 2));
    const denied = await runCli(["gen", p.scenario, "--out", p.out], { cwd: p.dir });
    assert.equal(denied.code, 1, denied.stderr);
    assert.match(denied.stderr, /Plugin "with_parts" failed in create\(\).*Requires read access/);
    assert.equal(await exists(p.out), false);
  }
});
