/**
 * Hostile tests of `fabricate serve`, each enforced by the server: the
 * listen guard, the bearer token, the Host header (DNS rebinding), the
 * Origin check, path traversal in job ids and file paths (encoded, absolute,
 * links), and what a posted scenario may reach (plugins, extends, data files).
 */
import assert from "node:assert/strict";
import { api, names, rawRequest, runCliProcess, startServer, waitJob } from "./_server.ts";

async function tempDir(): Promise<string> {
  return await Deno.makeTempDir({ prefix: "fabricate-serve-sec-" });
}

const TOKEN = "t0k3n-" + crypto.randomUUID();

Deno.test("serve refuses to listen beyond loopback without --allow-remote and a token", async () => {
  const dir = await tempDir();
  const a = await runCliProcess(["serve", "--host", "0.0.0.0", "--port", "0", "--dir", dir]);
  assert.equal(a.code, 2);
  assert.match(a.stderr, /Refusing to listen on 0\.0\.0\.0/);
  assert.match(a.stderr, /--allow-remote/);
  const b = await runCliProcess([
    "serve",
    "--host",
    "0.0.0.0",
    "--allow-remote",
    "--port",
    "0",
    "--dir",
    dir,
  ]);
  assert.equal(b.code, 2);
  assert.match(b.stderr, /without a token/);
  await Deno.writeTextFile(`${dir}/short`, "abc\n");
  const c = await runCliProcess([
    "serve",
    "--host",
    "0.0.0.0",
    "--allow-remote",
    "--token-file",
    `${dir}/short`,
    "--port",
    "0",
    "--dir",
    dir,
  ]);
  assert.equal(c.code, 2);
  assert.match(c.stderr, /at least 16 characters/);
  assert.equal(a.stdout + b.stdout + c.stdout, "");
});

Deno.test("serve with a token answers /api/ only to Authorization: Bearer <token>", async () => {
  const dir = await tempDir();
  const server = await startServer(dir, [], { FABRICATE_SERVE_TOKEN: TOKEN });
  try {
    for (
      const auth of [
        undefined,
        "Bearer wrong",
        `Bearer ${TOKEN}x`,
        `Basic ${TOKEN}`,
        TOKEN,
        "Bearer ",
      ]
    ) {
      const r = await api(
        server,
        "GET",
        "api/jobs",
        undefined,
        auth ? { authorization: auth } : {},
      );
      assert.equal(r.status, 401, String(auth));
      assert.equal(r.body.error.code, "unauthorized");
      assert.match(r.headers.get("www-authenticate")!, /^Bearer/);
    }
    const post = await api(server, "POST", "api/jobs", { scenario: "quickstart" });
    assert.equal(post.status, 401);
    const ok = await api(server, "GET", "api/jobs", undefined, {
      authorization: `Bearer ${TOKEN}`,
    });
    assert.equal(ok.status, 200);
    assert.deepEqual(ok.body, []);
    assert.deepEqual(await names(`${dir}/jobs`), []);
  } finally {
    assert.equal(await server.stop(), 0);
  }
  // The same from --token-file.
  await Deno.writeTextFile(`${dir}/token`, TOKEN + "\n");
  const again = await startServer(dir, ["--token-file", `${dir}/token`]);
  try {
    assert.equal((await api(again, "GET", "api/health")).status, 401);
    const ok = await api(again, "GET", "api/health", undefined, {
      authorization: `Bearer ${TOKEN}`,
    });
    assert.equal(ok.status, 200);
  } finally {
    assert.equal(await again.stop(), 0);
  }
});

Deno.test("serve refuses a foreign Host header (DNS rebinding) and foreign Origins", async (t) => {
  const dir = await tempDir();
  const server = await startServer(dir);
  const port = server.port;
  try {
    await t.step("Host", async () => {
      for (
        const host of [
          `evil.example:${port}`,
          `127.0.0.1:${port + 1}`,
          "evil.example",
          `127.0.0.2:${port}`,
        ]
      ) {
        const r = await rawRequest(port, ["GET /api/health HTTP/1.1", `Host: ${host}`]);
        assert.equal(r.status, 403, host);
        assert.equal(JSON.parse(r.text).error.code, "bad_host");
      }
      for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `LOCALHOST:${port}`]) {
        const r = await rawRequest(port, ["GET /api/health HTTP/1.1", `Host: ${host}`]);
        assert.equal(r.status, 200, host);
      }
    });
    await t.step("Origin on requests that change state", async () => {
      const body = { scenario: "quickstart", counts: { orders: 10 } };
      for (
        const headers of [
          { origin: "http://evil.example" },
          { origin: "null" },
          { origin: `http://127.0.0.1:${port}.evil.example` },
          { origin: `https://127.0.0.1:${port}` },
          { "sec-fetch-site": "cross-site" },
          { "sec-fetch-site": "same-site" },
        ]
      ) {
        const r = await api(server, "POST", "api/jobs", body, headers);
        assert.equal(r.status, 403, JSON.stringify(headers));
        assert.equal(r.body.error.code, "cross_origin");
      }
      assert.equal(
        (await api(server, "DELETE", "api/cleanup?confirm=DELETE_ALL", undefined, {
          origin: "http://evil.example",
        })).status,
        403,
      );
      assert.deepEqual(await names(`${dir}/jobs`), []);
      const same = await api(server, "POST", "api/jobs", body, {
        origin: `http://127.0.0.1:${port}`,
        "sec-fetch-site": "same-origin",
      });
      assert.equal(same.status, 202, JSON.stringify(same.body));
      await waitJob(server, same.body.id);
    });
  } finally {
    assert.equal(await server.stop(), 0);
  }
});

Deno.test("serve serves only files a job wrote, inside its folder", async () => {
  const dir = await tempDir();
  const secretDir = await tempDir();
  await Deno.writeTextFile(`${secretDir}/secret.csv`, "SECRET-CONTENT\n");
  const server = await startServer(dir);
  const port = server.port;
  try {
    const r = await api(server, "POST", "api/jobs", {
      scenario: "quickstart",
      counts: { orders: 20 },
      formats: ["csv"],
    });
    const id = r.body.id;
    await waitJob(server, id);
    const out = `${dir}/jobs/${id}/out`;
    // Links planted in the output folder: a new name, and one replacing a listed file.
    await Deno.symlink(`${secretDir}/secret.csv`, `${out}/planted.csv`);
    await Deno.remove(`${out}/products.csv`);
    await Deno.symlink(`${secretDir}/secret.csv`, `${out}/products.csv`);
    await Deno.symlink(secretDir, `${out}/dir`);
    const paths = [
      `/api/jobs/${id}/files/..%2Fjob.json`,
      `/api/jobs/${id}/files/%2e%2e%2Fjob.json`,
      `/api/jobs/${id}/files/%2e%2e/job.json`,
      `/api/jobs/${id}/files/../job.json`,
      `/api/jobs/${id}/files/%2F${secretDir.slice(1).replaceAll("/", "%2F")}%2Fsecret.csv`,
      `/api/jobs/${id}/files//${secretDir.slice(1)}/secret.csv`,
      `/api/jobs/${id}/files/..%5C..%5Cjob.json`,
      `/api/jobs/${id}/files/planted.csv`,
      `/api/jobs/${id}/files/products.csv`,
      `/api/jobs/${id}/files/dir/secret.csv`,
      `/api/jobs/${id}/files/orders.csv%00.txt`,
      `/api/jobs/..%2F..%2F${id}/download`,
      `/api/jobs/%2e%2e/report`,
      `/api/jobs/${id}%2F..%2F${id}/download`,
    ];
    for (const path of paths) {
      const res = await rawRequest(port, [`GET ${path} HTTP/1.1`, `Host: 127.0.0.1:${port}`]);
      assert.ok([400, 404].includes(res.status), `${path}: ${res.status}`);
      assert.ok(!res.text.includes("SECRET-CONTENT"), path);
      assert.ok(!res.text.includes('"status": "succeeded"'), path);
    }
    // The zip skips what is not a file the job wrote, and refuses the replaced one.
    const zip = await rawRequest(port, [
      `GET /api/jobs/${id}/download HTTP/1.1`,
      `Host: 127.0.0.1:${port}`,
    ]);
    assert.equal(zip.status, 404);
    assert.ok(!zip.text.includes("SECRET-CONTENT"));
    await Deno.remove(`${out}/products.csv`);
    const ok = await fetch(new URL(`api/jobs/${id}/download`, server.url));
    assert.equal(ok.status, 404); // a listed file is gone: refused, not a partial zip
    await ok.body?.cancel();
    const fine = await fetch(new URL(`api/jobs/${id}/files/orders.csv`, server.url));
    assert.equal(fine.status, 200);
    assert.match(await fine.text(), /^id,/);
  } finally {
    assert.equal(await server.stop(), 0);
  }
});

Deno.test("a posted scenario cannot load plugins, extend paths or read files outside files/", async (t) => {
  const dir = await tempDir();
  const outside = await tempDir();
  await Deno.writeTextFile(`${outside}/secret.csv`, "name\nSECRET-CONTENT\n");
  const server = await startServer(dir);
  const post = (yaml: string) => api(server, "POST", "api/jobs", { yaml });
  const scenario = (field: string) =>
    `name: probe\nentities:\n  a:\n    count: 3\n    fields:\n      v: ${field}\n`;
  try {
    await t.step("plugins:", async () => {
      const r = await post(
        "name: p\nplugins:\n  - ./evil.ts\nentities:\n  a:\n    count: 1\n    fields:\n" +
          "      v: { sequence: {} }\n",
      );
      assert.equal(r.status, 422, JSON.stringify(r.body));
      assert.equal(r.body.error.code, "invalid_scenario");
      const issue = r.body.error.issues[0];
      assert.equal(issue.path, "plugins");
      assert.equal(issue.line, 2);
      assert.equal(issue.column, 1);
    });
    await t.step("extends a path or URL", async () => {
      for (
        const base of [
          "/etc/passwd",
          "../../x.yaml",
          "https://example.com/s.yaml",
          "file:///etc/hosts",
        ]
      ) {
        const r = await post(`extends: ${JSON.stringify(base)}\nname: e\n`);
        assert.equal(r.status, 422, base);
        assert.equal(r.body.error.issues[0].path, "extends");
        assert.equal(r.body.error.issues[0].line, 1);
      }
      const ok = await post(
        "extends: quickstart\nname: mine\nentities:\n  orders:\n    count: 5\n",
      );
      assert.equal(ok.status, 202, JSON.stringify(ok.body));
      assert.equal(ok.body.scenario, "mine");
      assert.equal((await waitJob(server, ok.body.id)).status, "succeeded");
    });
    await t.step("data files outside files/", async () => {
      await Deno.symlink(`${outside}/secret.csv`, `${dir}/files/leak.csv`);
      for (
        const file of [
          "/etc/passwd",
          `${outside}/secret.csv`,
          "../../secret.csv",
          `../${outside.split("/").pop()}/secret.csv`,
          "leak.csv",
        ]
      ) {
        const r = await post(
          scenario(`{ choice: { file: ${JSON.stringify(file)}, value: name } }`),
        );
        assert.equal(r.status, 422, `${file}: ${JSON.stringify(r.body)}`);
        assert.equal(r.body.error.code, "invalid_scenario");
        assert.match(r.body.error.issues[0].message, /outside|no such file|Cannot read/, file);
        assert.ok(!JSON.stringify(r.body).includes("SECRET-CONTENT"));
      }
    });
    await t.step("a data file in files/ is read", async () => {
      await Deno.writeTextFile(`${dir}/files/cities.csv`, "name\nLyon\n");
      const r = await api(server, "POST", "api/jobs", {
        yaml: scenario("{ choice: { file: cities.csv, value: name } }"),
        formats: ["csv"],
      });
      assert.equal(r.status, 202, JSON.stringify(r.body));
      const job = await waitJob(server, r.body.id);
      assert.equal(job.status, "succeeded", JSON.stringify(job.error));
      const csv = await (await fetch(new URL(`api/jobs/${r.body.id}/files/a.csv`, server.url)))
        .text();
      assert.equal(csv, "v\r\nLyon\r\nLyon\r\nLyon\r\n");
    });
  } finally {
    assert.equal(await server.stop(), 0);
  }
});

Deno.test("serve answers an unexpected failure with a 500 that leaks nothing", async () => {
  const dir = await tempDir();
  // A file where the workspace's scenarios folder should be: listing it fails.
  await Deno.writeTextFile(`${dir}/scenarios`, "not a folder");
  const server = await startServer(dir);
  try {
    const r = await api(server, "GET", "api/scenarios");
    assert.equal(r.status, 500);
    assert.deepEqual(r.body, {
      error: {
        status: 500,
        code: "internal",
        message: "Internal server error (see the server's log)",
      },
    });
    assert.match(server.stderr(), /Unexpected failure answering GET/);
    assert.equal((await api(server, "GET", "api/health")).status, 200);
  } finally {
    assert.equal(await server.stop(), 0);
  }
});

Deno.test("serve applies gen --to's guard to --db targets at start", async () => {
  const dir = await tempDir();
  const cases: [string, RegExp][] = [
    ["staging=postgres://app:pw@db.example.com/staging", /not this machine/],
    ["live=sqlite:prod.db", /production/],
    ["nourl", /NAME=URL/],
    ["x=https://example.com/db", /NAME=URL/],
  ];
  for (const [value, message] of cases) {
    const r = await runCliProcess(["serve", "--port", "0", "--dir", dir, "--db", value]);
    assert.equal(r.code, 2, value);
    assert.match(r.stderr, message, value);
    assert.ok(!r.stderr.includes(":pw@"), "the password is not echoed");
    assert.equal(r.stdout, "");
  }
});
