/**
 * `fabricate serve`'s API through the real CLI over HTTP on 127.0.0.1:
 * every endpoint, bad requests, queued jobs (output byte-identical to
 * `fabricate gen`), cancel, the .zip, the report, cleanup, the active toggle
 * and restarts.
 */
import assert from "node:assert/strict";
import {
  api,
  names,
  runCliProcess,
  type Server,
  SLOW_YAML,
  startServer,
  waitJob,
} from "./_server.ts";

async function tempDir(): Promise<string> {
  return await Deno.makeTempDir({ prefix: "fabricate-serve-api-" });
}

Deno.test("serve answers health, scenarios, targets, HEAD, 404 and 405 as JSON", async (t) => {
  const dir = await tempDir();
  await Deno.mkdir(`${dir}/scenarios/team`, { recursive: true });
  await Deno.writeTextFile(
    `${dir}/scenarios/team/mini.yaml`,
    "name: mini\ndescription: A workspace scenario\nentities:\n  a:\n    count: 3\n" +
      "    fields:\n      id: { sequence: {} }\n",
  );
  const server = await startServer(dir, [
    "--db",
    "dev=sqlite:" + `${dir}/dev.db`,
    "--db",
    "pg=postgres://app:hunter2secret@127.0.0.1:5432/dev",
  ]);
  try {
    await t.step("GET /api/health", async () => {
      const r = await api(server, "GET", "api/health");
      assert.equal(r.status, 200);
      assert.equal(r.body.ok, true);
      assert.match(r.body.version, /^\d+\.\d+\.\d+/);
      assert.equal(typeof r.body.engine, "string");
      assert.equal(r.headers.get("x-content-type-options"), "nosniff");
    });
    await t.step(
      "GET /api/scenarios lists built-ins (base and profile) and workspace ones",
      async () => {
        const r = await api(server, "GET", "api/scenarios");
        assert.equal(r.status, 200);
        // deno-lint-ignore no-explicit-any
        const by = new Map(r.body.map((s: any) => [s.name, s]));
        // deno-lint-ignore no-explicit-any
        const quick = by.get("quickstart") as any;
        assert.equal(quick.kind, "base");
        assert.equal(quick.source, "builtin");
        assert.deepEqual(quick.extends, []);
        assert.ok(quick.entities.some((e: { name: string }) => e.name === "orders"));
        // deno-lint-ignore no-explicit-any
        const normal = by.get("erp/normal-ops") as any;
        assert.equal(normal.kind, "profile");
        assert.ok(normal.extends.length >= 1);
        assert.deepEqual(by.get("team/mini"), {
          name: "team/mini",
          description: "A workspace scenario",
          kind: "base",
          extends: [],
          entities: [{ name: "a", count: 3 }],
          source: "workspace",
        });
      },
    );
    await t.step("GET /api/targets names targets without URLs or passwords", async () => {
      const r = await api(server, "GET", "api/targets");
      assert.equal(r.status, 200);
      assert.deepEqual(r.body, [{ name: "dev", kind: "sqlite" }, { name: "pg", kind: "postgres" }]);
      const raw = JSON.stringify(r.body);
      assert.ok(!raw.includes("hunter2") && !raw.includes("dev.db") && !raw.includes("5432"));
    });
    await t.step("a workspace scenario runs by name", async () => {
      const r = await api(server, "POST", "api/jobs", { scenario: "team/mini", formats: ["csv"] });
      assert.equal(r.status, 202, JSON.stringify(r.body));
      assert.equal(r.body.source, "workspace");
      const job = await waitJob(server, r.body.id);
      assert.equal(job.status, "succeeded", JSON.stringify(job.error));
      const csv = await fetch(new URL(`api/jobs/${r.body.id}/files/a.csv`, server.url));
      assert.equal(await csv.text(), "id\r\n1\r\n2\r\n3\r\n");
    });
    await t.step("HEAD answers like GET without a body", async () => {
      const res = await fetch(new URL("api/health", server.url), { method: "HEAD" });
      assert.equal(res.status, 200);
      assert.equal(await res.text(), "");
      assert.match(res.headers.get("content-type")!, /application\/json/);
    });
    await t.step("unknown paths are 404 JSON, wrong methods 405 with Allow", async () => {
      const r = await api(server, "GET", "api/nope");
      assert.equal(r.status, 404);
      assert.equal(r.body.error.code, "not_found");
      assert.equal(r.body.error.status, 404);
      const m = await api(server, "PUT", "api/jobs", {});
      assert.equal(m.status, 405);
      assert.equal(m.body.error.code, "method_not_allowed");
      assert.equal(m.headers.get("allow"), "GET, HEAD, POST");
      const j = await api(server, "GET", "api/jobs/AAAAAAAAAAAAAAAA");
      assert.equal(j.status, 404);
      assert.equal(j.body.error.field, "id");
    });
  } finally {
    assert.equal(await server.stop(), 0);
  }
});

Deno.test("serve refuses bad job requests with a 4xx naming the field", async (t) => {
  const dir = await tempDir();
  const server = await startServer(dir, ["--max-rows", "100000"]);
  const post = (body: unknown, headers?: Record<string, string>) =>
    api(server, "POST", "api/jobs", body, headers);
  try {
    await t.step("unknown field, with a did-you-mean hint", async () => {
      const r = await post({ scenario: "quickstart", seeed: 1 });
      assert.equal(r.status, 400);
      assert.equal(r.body.error.code, "bad_request");
      assert.equal(r.body.error.field, "seeed");
      assert.match(r.body.error.issues[0].hint, /did you mean "seed"/);
    });
    await t.step("wrong types", async () => {
      const r = await post({ scenario: "quickstart", seed: true, formats: "csv" });
      assert.equal(r.status, 400);
      const paths = r.body.error.issues.map((i: { path: string }) => i.path).sort();
      assert.deepEqual(paths, ["formats", "seed"]);
    });
    await t.step("negative and fractional counts", async () => {
      const r = await post({ scenario: "quickstart", counts: { orders: -1, customers: 1.5 } });
      assert.equal(r.status, 400);
      const paths = r.body.error.issues.map((i: { path: string }) => i.path).sort();
      assert.deepEqual(paths, ["counts.customers", "counts.orders"]);
      assert.match(r.body.error.issues[0].message, /≥ 0/);
    });
    await t.step("both scenario and yaml, or neither", async () => {
      const both = await post({ scenario: "quickstart", yaml: "name: x\n" });
      assert.equal(both.status, 400);
      assert.equal(both.body.error.field, "yaml");
      const neither = await post({ seed: 1 });
      assert.equal(neither.status, 400);
      assert.equal(neither.body.error.field, "scenario");
    });
    await t.step("unknown scenario, with a did-you-mean hint", async () => {
      const r = await post({ scenario: "quickstrat" });
      assert.equal(r.status, 422);
      assert.equal(r.body.error.code, "unknown_scenario");
      assert.equal(r.body.error.field, "scenario");
      assert.match(r.body.error.issues[0].hint, /did you mean "quickstart"/);
    });
    await t.step("a scenario name is never a path", async () => {
      for (
        const name of ["/etc/passwd", "../../etc/passwd", "./quickstart.yaml", "file:///etc/hosts"]
      ) {
        const r = await post({ scenario: name });
        assert.equal(r.status, 422, name);
        assert.equal(r.body.error.code, "unknown_scenario", name);
      }
    });
    await t.step("unknown format, target and too many rows", async () => {
      const f = await post({ scenario: "quickstart", formats: ["csvv"] });
      assert.equal(f.status, 422);
      assert.match(f.body.error.message, /csvv/);
      const t2 = await post({ scenario: "quickstart", target: "prod" });
      assert.equal(t2.status, 422);
      assert.equal(t2.body.error.code, "unknown_target");
      assert.equal(t2.body.error.field, "target");
      const big = await post({ scenario: "quickstart", counts: { orders: 200000 } });
      assert.equal(big.status, 422);
      assert.equal(big.body.error.code, "too_many_rows");
      assert.match(big.body.error.message, /ceiling of 100,000/);
    });
    await t.step("an invalid scenario gives line and column like fabricate validate", async () => {
      const yaml =
        "name: bad\nentities:\n  a:\n    count: -3\n    fields:\n      id: { nope: {} }\n";
      const r = await post({ yaml });
      assert.equal(r.status, 422);
      assert.equal(r.body.error.code, "invalid_scenario");
      const issues = r.body.error.issues;
      assert.ok(issues.length >= 2, JSON.stringify(issues));
      const count = issues.find((i: { path: string }) => i.path === "entities.a.count");
      assert.equal(count.line, 4);
      assert.equal(count.column, 12);
      // The same positions as the CLI prints.
      const file = `${dir}/bad.yaml`;
      await Deno.writeTextFile(file, yaml);
      const cli = await runCliProcess(["validate", file]);
      assert.equal(cli.code, 2);
      for (const i of issues) {
        assert.ok(cli.stderr.includes(`bad.yaml:${i.line}:${i.column}`), cli.stderr);
      }
      const syntax = await post({ yaml: "name: [unclosed\n" });
      assert.equal(syntax.status, 422);
      assert.equal(typeof syntax.body.error.issues[0].line, "number");
    });
    await t.step("body limits, content type and JSON syntax", async () => {
      const big = await post({ yaml: "#".repeat(1024 * 1024 + 10) });
      assert.equal(big.status, 413);
      assert.equal(big.body.error.code, "payload_too_large");
      // Chunked, without Content-Length: counted while reading.
      const chunk = new TextEncoder().encode(" ".repeat(64 * 1024));
      let sent = 0;
      const stream = new ReadableStream<Uint8Array>({
        pull(c) {
          if (sent++ < 20) c.enqueue(chunk);
          else c.close();
        },
      });
      const chunked = await fetch(new URL("api/jobs", server.url), {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: stream,
      });
      assert.equal(chunked.status, 413);
      assert.equal((await chunked.json()).error.code, "payload_too_large");
      const text = await api(server, "POST", "api/jobs", undefined, {
        "content-type": "text/plain",
      });
      assert.equal(text.status, 415);
      const bad = await post("{not json");
      assert.equal(bad.status, 400);
      assert.equal(bad.body.error.code, "bad_json");
    });
    await t.step("nothing was queued by any of it", async () => {
      const r = await api(server, "GET", "api/jobs");
      assert.deepEqual(r.body, []);
      assert.deepEqual(await names(`${dir}/files`), []);
    });
  } finally {
    assert.equal(await server.stop(), 0);
  }
});

Deno.test("serve queues jobs (--max-jobs 1) and writes what fabricate gen writes", async () => {
  const dir = await tempDir();
  const server = await startServer(dir, ["--max-jobs", "1"]);
  try {
    const ids: string[] = [];
    for (const seed of [1, 2, 3]) {
      const r = await api(server, "POST", "api/jobs", {
        scenario: "quickstart",
        seed,
        counts: { orders: 3000 },
        formats: ["csv", "jsonl"],
      });
      assert.equal(r.status, 202, JSON.stringify(r.body));
      assert.match(r.body.id, /^[A-Za-z0-9_-]{16}$/);
      assert.ok(["queued", "running"].includes(r.body.status));
      assert.equal(r.headers.get("location"), `/api/jobs/${r.body.id}`);
      assert.equal(r.body.links.self, `/api/jobs/${r.body.id}`);
      ids.push(r.body.id);
    }
    const jobs = [];
    for (const id of ids) jobs.push(await waitJob(server, id));
    for (const job of jobs) {
      assert.equal(job.status, "succeeded", JSON.stringify(job.error));
      assert.equal(job.progress.percent, 100);
      assert.equal(job.progress.done, job.progress.total);
      assert.equal(job.progress.entities.orders.done, 3000);
    }
    // One at a time, in the order they were posted.
    assert.ok(jobs[1].started_at >= jobs[0].finished_at);
    assert.ok(jobs[2].started_at >= jobs[1].finished_at);
    const list = await api(server, "GET", "api/jobs");
    assert.deepEqual(new Set(list.body.map((j: { id: string }) => j.id)), new Set(ids));
    const created = list.body.map((j: { created_at: string }) => j.created_at);
    assert.deepEqual(created, [...created].sort().reverse());

    // The CLI with the same seed writes the same bytes.
    for (const [i, seed] of [1, 2, 3].entries()) {
      const out = `${dir}/cli-${seed}`;
      const cli = await runCliProcess([
        "gen",
        "quickstart",
        "--seed",
        String(seed),
        "--count",
        "orders=3000",
        "--format",
        "csv,jsonl",
        "--out",
        out,
        "--quiet",
      ]);
      assert.equal(cli.code, 0, cli.stderr);
      for (const file of ["orders.csv", "customers.jsonl"]) {
        const res = await fetch(new URL(`api/jobs/${ids[i]}/files/${file}`, server.url));
        assert.equal(res.status, 200);
        const served = new Uint8Array(await res.arrayBuffer());
        assert.deepEqual(served, await Deno.readFile(`${out}/${file}`), `${file} of seed ${seed}`);
      }
      const csv = await fetch(new URL(`api/jobs/${ids[i]}/files/orders.csv`, server.url));
      assert.match(csv.headers.get("content-type")!, /^text\/csv/);
      assert.match(csv.headers.get("content-disposition")!, /attachment; filename="orders.csv"/);
      await csv.body?.cancel();
    }
  } finally {
    assert.equal(await server.stop(), 0);
  }
});

Deno.test("serve cancels a running job and leaves nothing behind", async () => {
  const dir = await tempDir();
  const server = await startServer(dir);
  try {
    const r = await api(server, "POST", "api/jobs", { yaml: SLOW_YAML, formats: ["csv"] });
    assert.equal(r.status, 202, JSON.stringify(r.body));
    const id = r.body.id;
    assert.equal(r.body.scenario, "slow");
    assert.equal(r.body.source, "posted");
    const running = await waitJob(server, id, (j) => j.status === "running" && j.progress.done > 0);
    assert.ok(running.progress.percent > 0 && running.progress.percent < 100);
    assert.ok(running.progress.rows_per_second > 0);
    assert.equal(typeof running.progress.eta_seconds, "number");
    assert.equal(running.progress.entity, "rows");
    assert.equal(running.progress.entities.rows.total, 3000000);
    // A queued job is cancelled at once.
    const queued = await api(server, "POST", "api/jobs", { scenario: "quickstart" });
    assert.equal(queued.body.status, "queued");
    const q = await api(server, "DELETE", `api/jobs/${queued.body.id}`);
    assert.equal(q.status, 200);
    assert.equal(q.body.status, "cancelled");
    assert.equal(q.body.started_at, null);
    const c = await api(server, "DELETE", `api/jobs/${id}`);
    assert.equal(c.status, 200);
    assert.equal(c.body.status, "cancelled");
    assert.deepEqual(await names(`${dir}/jobs/${id}`), ["job.json", "scenario.yaml"]);
    assert.deepEqual(await names(`${dir}/files`), []);
    const again = await api(server, "DELETE", `api/jobs/${id}`);
    assert.equal(again.status, 409);
    const dl = await api(server, "GET", `api/jobs/${id}/download`);
    assert.equal(dl.status, 409);
  } finally {
    assert.equal(await server.stop(), 0);
  }
});

async function unzip(args: string[]): Promise<string> {
  const out = await new Deno.Command("unzip", { args, stdout: "piped", stderr: "piped" }).output();
  assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
  return new TextDecoder().decode(out.stdout);
}

Deno.test("serve streams a readable .zip, serves the report, toggles active and cleans up", async (t) => {
  const dir = await tempDir();
  const server = await startServer(dir);
  try {
    const r = await api(server, "POST", "api/jobs", {
      scenario: "quickstart",
      seed: 9,
      counts: { orders: 500 },
      formats: ["csv", "parquet"],
      report: true,
    });
    assert.equal(r.status, 202);
    const id = r.body.id;
    const job = await waitJob(server, id);
    assert.equal(job.status, "succeeded", JSON.stringify(job.error));
    const paths = job.files.map((f: { path: string }) => f.path);
    assert.ok(paths.includes("orders.parquet") && paths.includes("report.html"), paths.join());
    assert.equal(job.files.find((f: { path: string }) => f.path === "orders.csv").format, "csv");

    await t.step("GET /api/jobs/:id/files lists them", async () => {
      const list = await api(server, "GET", `api/jobs/${id}/files`);
      assert.equal(list.status, 200);
      assert.deepEqual(list.body, job.files);
      const manifest = await api(server, "GET", `api/jobs/${id}/files/manifest.json`);
      assert.equal(manifest.status, 200);
      assert.equal(manifest.body.seed, 9);
    });
    await t.step("the .zip holds every file, byte for byte", async () => {
      const res = await fetch(new URL(`api/jobs/${id}/download`, server.url));
      assert.equal(res.status, 200);
      assert.equal(res.headers.get("content-type"), "application/zip");
      const zip = `${dir}/download.zip`;
      await Deno.writeFile(zip, new Uint8Array(await res.arrayBuffer()));
      await unzip(["-tq", zip]);
      const listing = await unzip(["-Z1", zip]);
      assert.deepEqual(listing.trim().split("\n").sort(), [...paths].sort());
      for (const file of ["orders.csv", "orders.parquet", "manifest.json"]) {
        const inZip = await new Deno.Command("unzip", { args: ["-p", zip, file], stdout: "piped" })
          .output();
        assert.deepEqual(inZip.stdout, await Deno.readFile(`${dir}/jobs/${id}/out/${file}`), file);
      }
    });
    await t.step("report.html and report.json", async () => {
      const html = await fetch(new URL(`api/jobs/${id}/report`, server.url));
      assert.equal(html.status, 200);
      assert.match(html.headers.get("content-type")!, /^text\/html/);
      assert.match(html.headers.get("content-security-policy")!, /sandbox/);
      assert.match(await html.text(), /<html/i);
      const json = await api(server, "GET", `api/jobs/${id}/report.json`);
      assert.equal(json.status, 200);
      assert.equal(typeof json.body, "object");
    });
    await t.step("an inactive data set is listed but not downloadable", async () => {
      const off = await api(server, "POST", `api/jobs/${id}/active`, { active: false });
      assert.equal(off.status, 200);
      assert.equal(off.body.active, false);
      const dl = await api(server, "GET", `api/jobs/${id}/download`);
      assert.equal(dl.status, 409);
      assert.equal(dl.body.error.code, "inactive");
      assert.equal((await api(server, "GET", `api/jobs/${id}/files/orders.csv`)).status, 409);
      assert.deepEqual((await api(server, "GET", "api/jobs?active=true")).body, []);
      assert.equal((await api(server, "GET", "api/jobs?active=false")).body.length, 1);
      assert.equal((await api(server, "GET", "api/jobs?active=maybe")).status, 400);
      const bad = await api(server, "POST", `api/jobs/${id}/active`, { active: "yes" });
      assert.equal(bad.status, 400);
      assert.equal(bad.body.error.field, "active");
      const on = await api(server, "POST", `api/jobs/${id}/active`, { active: true });
      assert.equal(on.body.active, true);
    });
    await t.step("cleanup needs confirmation, then deletes the files", async () => {
      const no = await api(server, "DELETE", `api/jobs/${id}/data`);
      assert.equal(no.status, 400);
      assert.equal(no.body.error.field, "confirm");
      const yes = await api(server, "DELETE", `api/jobs/${id}/data?confirm=${id}`);
      assert.equal(yes.status, 200);
      assert.equal(typeof yes.body.cleaned_at, "string");
      assert.deepEqual(yes.body.files, []);
      assert.deepEqual(await names(`${dir}/jobs/${id}`), ["job.json"]);
      assert.equal((await api(server, "GET", `api/jobs/${id}/download`)).status, 409);
    });
    await t.step("DELETE /api/cleanup cleans every finished job", async () => {
      const a = await api(server, "POST", "api/jobs", {
        scenario: "customers-10",
        counts: { customers: 50 },
      });
      await waitJob(server, a.body.id);
      const no = await api(server, "DELETE", "api/cleanup?confirm=yes");
      assert.equal(no.status, 400);
      const all = await api(server, "DELETE", "api/cleanup?confirm=DELETE_ALL");
      assert.equal(all.status, 200);
      assert.deepEqual(all.body.cleaned, [a.body.id]);
      assert.deepEqual(await names(`${dir}/jobs/${a.body.id}`), ["job.json"]);
    });
  } finally {
    assert.equal(await server.stop(), 0);
  }
});

Deno.test("serve keeps jobs across restarts; a job cut off by a crash becomes failed", async () => {
  const dir = await tempDir();
  let server: Server = await startServer(dir);
  const done = await api(server, "POST", "api/jobs", {
    scenario: "customers-10",
    seed: 5,
    counts: { customers: 50 },
  });
  await waitJob(server, done.body.id);
  const slow = await api(server, "POST", "api/jobs", { yaml: SLOW_YAML, formats: ["csv"] });
  await waitJob(server, slow.body.id, (j) => j.status === "running" && j.progress.done > 0);
  await server.kill();

  server = await startServer(dir);
  try {
    const ok = await api(server, "GET", `api/jobs/${done.body.id}`);
    assert.equal(ok.body.status, "succeeded");
    const file = ok.body.files[0].path;
    assert.equal((await api(server, "GET", `api/jobs/${done.body.id}/files/${file}`)).status, 200);
    const cut = await api(server, "GET", `api/jobs/${slow.body.id}`);
    assert.equal(cut.body.status, "failed");
    assert.equal(cut.body.error.code, "interrupted");
    assert.deepEqual(await names(`${dir}/jobs/${slow.body.id}`), ["job.json", "scenario.yaml"]);

    // SIGTERM stops a running job the same way, and the server exits 0.
    const again = await api(server, "POST", "api/jobs", { yaml: SLOW_YAML, formats: ["csv"] });
    await waitJob(server, again.body.id, (j) => j.status === "running" && j.progress.done > 0);
    assert.equal(await server.stop(), 0);
    const state = JSON.parse(await Deno.readTextFile(`${dir}/jobs/${again.body.id}/job.json`));
    assert.equal(state.status, "failed");
    assert.equal(state.error.code, "interrupted");
    assert.deepEqual(await names(`${dir}/jobs/${again.body.id}`), ["job.json", "scenario.yaml"]);
    assert.deepEqual(await names(`${dir}/files`), []);
  } finally {
    await server.stop().catch(() => {});
  }
});
