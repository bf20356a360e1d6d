/**
 * Hostile tests of the report tickets of `fabricate serve` (with a token, a
 * new tab opens report.html through a one-time ticket), against the real
 * server on 127.0.0.1: no token or a foreign origin gets no ticket; a
 * ticket opens one job's report.html once, within its lifetime, and nothing
 * else; the response does not leak it; without a token nothing changes.
 * Plus the ticket store itself on a fake clock.
 */
import assert from "node:assert/strict";
import { ReportTickets } from "../../cli/serve/report_tickets.ts";
import { api, CLI_ARGS, type Server, startServer, waitJob } from "./_server.ts";

const TOKEN = "t1ck3t-" + crypto.randomUUID();
const AUTH = { authorization: `Bearer ${TOKEN}` };

async function tempDir(): Promise<string> {
  return await Deno.makeTempDir({ prefix: "fabricate-serve-ticket-" });
}

/** Runs a small quickstart job (with the report unless told) and returns its id. */
async function job(server: Server, headers: Record<string, string>, report = true) {
  const r = await api(server, "POST", "api/jobs", {
    scenario: "quickstart",
    counts: { customers: 20, products: 10, orders: 50 },
    formats: ["csv"],
    report,
  }, headers);
  assert.equal(r.status, 202, JSON.stringify(r.body));
  const done = await waitJobWith(server, r.body.id, headers);
  assert.equal(done.status, "succeeded", JSON.stringify(done.error));
  return r.body.id as string;
}

/** waitJob with headers (the token). */
async function waitJobWith(
  server: Server,
  id: string,
  headers: Record<string, string>,
): Promise<{ id: string; status: string; error: unknown }> {
  for (let i = 0; i < 2400; i++) {
    const { status, body } = await api(server, "GET", `api/jobs/${id}`, undefined, headers);
    assert.equal(status, 200, JSON.stringify(body));
    if (!["queued", "running"].includes(body.status)) return body;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`job ${id} never finished`);
}

async function ticketFor(server: Server, id: string): Promise<{ url: string; ticket: string }> {
  const r = await api(server, "POST", `api/jobs/${id}/report-ticket`, undefined, AUTH);
  assert.equal(r.status, 201, JSON.stringify(r.body));
  const m = /^\/api\/jobs\/([^/]+)\/report\?ticket=([0-9a-f]{64})$/.exec(r.body.url);
  assert.ok(m, r.body.url);
  assert.equal(m[1], id);
  return { url: r.body.url, ticket: m[2]! };
}

/** GETs a path with no token, as a new tab would. */
async function bare(server: Server, path: string, method = "GET") {
  const res = await fetch(new URL(path, server.url), { method });
  const body = await res.text();
  return { status: res.status, headers: res.headers, body };
}

function refused(r: { status: number; body: string }, code: string, what: string) {
  assert.equal(r.status, 401, `${what}: ${r.status} ${r.body}`);
  assert.equal(JSON.parse(r.body).error.code, code, what);
}

Deno.test("serve's report tickets open one job's report once, and nothing else", async (t) => {
  const dir = await tempDir();
  const server = await startServer(dir, [], { FABRICATE_SERVE_TOKEN: TOKEN });
  try {
    const a = await job(server, AUTH);
    const b = await job(server, AUTH);
    const noReport = await job(server, AUTH, false);
    const html = await Deno.readTextFile(`${dir}/jobs/${a}/out/report.html`);

    await t.step("no token, a wrong token or a foreign origin gets no ticket", async () => {
      for (const headers of [{}, { authorization: "Bearer wrong-token-0123456789" }]) {
        const r = await api(server, "POST", `api/jobs/${a}/report-ticket`, undefined, headers);
        assert.equal(r.status, 401, JSON.stringify(headers));
        assert.equal(r.body.error.code, "unauthorized");
        assert.ok(!JSON.stringify(r.body).includes("ticket="));
      }
      for (
        const foreign of [
          { origin: "http://evil.example" },
          { origin: "null" },
          { "sec-fetch-site": "cross-site" },
          { "sec-fetch-site": "same-site" },
        ]
      ) {
        const r = await api(server, "POST", `api/jobs/${a}/report-ticket`, undefined, {
          ...AUTH,
          ...foreign,
        });
        assert.equal(r.status, 403, JSON.stringify(foreign));
        assert.equal(r.body.error.code, "cross_origin");
      }
      // A GET (which a cross-site page can make) issues nothing.
      const get = await api(server, "GET", `api/jobs/${a}/report-ticket`, undefined, AUTH);
      assert.equal(get.status, 405);
    });

    await t.step("no ticket for a job without a report, or for no job", async () => {
      const none = await api(server, "POST", `api/jobs/${noReport}/report-ticket`, undefined, AUTH);
      assert.equal(none.status, 404);
      const unknown = await api(
        server,
        "POST",
        "api/jobs/AAAAAAAAAAAAAAAA/report-ticket",
        undefined,
        AUTH,
      );
      assert.equal(unknown.status, 404);
    });

    await t.step("a ticket opens its report once, and the answer does not leak it", async () => {
      const { url, ticket } = await ticketFor(server, a);
      const r = await bare(server, url);
      assert.equal(r.status, 200, r.body);
      assert.equal(r.body, html);
      assert.match(r.headers.get("content-type")!, /^text\/html/);
      assert.match(r.headers.get("content-security-policy")!, /^sandbox allow-scripts; /);
      assert.match(r.headers.get("content-security-policy")!, /default-src 'none'/);
      assert.equal(r.headers.get("referrer-policy"), "no-referrer");
      assert.equal(r.headers.get("cache-control"), "no-store");
      for (const [k, v] of r.headers) assert.ok(!v.includes(ticket), k);
      assert.ok(!r.body.includes(ticket));
      refused(await bare(server, url), "bad_ticket", "reused");
    });

    await t.step("a ticket for job A opens neither job B's report nor A's afterwards", async () => {
      const { ticket } = await ticketFor(server, a);
      refused(await bare(server, `api/jobs/${b}/report?ticket=${ticket}`), "bad_ticket", "on B");
      refused(await bare(server, `api/jobs/${a}/report?ticket=${ticket}`), "bad_ticket", "spent");
    });

    await t.step("a ticket is accepted on no other endpoint (nor spent there)", async () => {
      const { url, ticket } = await ticketFor(server, a);
      const others = [
        `api/jobs/${a}/report.json?ticket=${ticket}`,
        `api/jobs/${a}/files/report.html?ticket=${ticket}`,
        `api/jobs/${a}/files/customers.csv?ticket=${ticket}`,
        `api/jobs/${a}/files?ticket=${ticket}`,
        `api/jobs/${a}/download?ticket=${ticket}`,
        `api/jobs/${a}?ticket=${ticket}`,
        `api/jobs?ticket=${ticket}`,
        `api/health?ticket=${ticket}`,
        `api/jobs/${a}/report/?ticket=${ticket}`,
      ];
      for (const path of others) refused(await bare(server, path), "unauthorized", path);
      // HEAD would spend it without showing the report: the token decides instead.
      assert.equal((await bare(server, url, "HEAD")).status, 401);
      // A state-changing request with the ticket is still unauthorized.
      const del = await fetch(
        new URL(`api/jobs/${a}/data?confirm=${a}&ticket=${ticket}`, server.url),
        {
          method: "DELETE",
        },
      );
      assert.equal(del.status, 401);
      await del.body?.cancel();
      // Other parameters beside it: refused (and spent).
      const { ticket: t2 } = await ticketFor(server, a);
      refused(
        await bare(server, `api/jobs/${a}/report?ticket=${t2}&x=1`),
        "bad_ticket",
        "extra parameter",
      );
      refused(await bare(server, `api/jobs/${a}/report?ticket=${t2}`), "bad_ticket", "after");
      // The first ticket was not spent by any of those.
      assert.equal((await bare(server, url)).status, 200);
      // The data is still there.
      const job = await api(server, "GET", `api/jobs/${a}`, undefined, AUTH);
      assert.equal(job.body.cleaned_at, null);
    });

    await t.step("guessed, empty and altered tickets are refused", async () => {
      const { ticket } = await ticketFor(server, a);
      const flipped = (ticket[0] === "0" ? "1" : "0") + ticket.slice(1);
      for (
        const bad of ["", "0", "0".repeat(64), flipped, ticket.toUpperCase(), ticket + "0", TOKEN]
      ) {
        refused(
          await bare(server, `api/jobs/${a}/report?ticket=${encodeURIComponent(bad)}`),
          "bad_ticket",
          JSON.stringify(bad),
        );
      }
      assert.equal((await bare(server, `api/jobs/${a}/report?ticket=${ticket}`)).status, 200);
    });

    await t.step("an inactive job's ticket opens nothing, and it gets none", async () => {
      const { url } = await ticketFor(server, b);
      const off = await api(server, "POST", `api/jobs/${b}/active`, { active: false }, AUTH);
      assert.equal(off.status, 200);
      const r = await bare(server, url);
      assert.equal(r.status, 409, r.body);
      const again = await api(server, "POST", `api/jobs/${b}/report-ticket`, undefined, AUTH);
      assert.equal(again.status, 409);
    });
  } finally {
    assert.equal(await server.stop(), 0);
  }
});

Deno.test("serve refuses an expired report ticket", async () => {
  const dir = await tempDir();
  const server = await startServer(dir, [], {
    FABRICATE_SERVE_TOKEN: TOKEN,
    FABRICATE_SERVE_TICKET_MS: "1500",
  });
  try {
    const a = await job(server, AUTH);
    const r = await api(server, "POST", `api/jobs/${a}/report-ticket`, undefined, AUTH);
    assert.equal(r.body.expires_in_ms, 1500);
    await new Promise((done) => setTimeout(done, 2000));
    refused(await bare(server, r.body.url), "bad_ticket", "expired");
  } finally {
    assert.equal(await server.stop(), 0);
  }
  // The variable only shortens the lifetime.
  for (const ms of ["60001", "0", "-5", "1e3", "x"]) {
    const env = await new Deno.Command(Deno.execPath(), {
      args: [
        ...CLI_ARGS,
        "serve",
        "--port",
        "0",
        "--dir",
        dir,
      ],
      env: { NO_COLOR: "1", FABRICATE_SERVE_TICKET_MS: ms },
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).output();
    assert.equal(env.code, 2, ms);
    assert.match(new TextDecoder().decode(env.stderr), /FABRICATE_SERVE_TICKET_MS from 1 to 60000/);
  }
});

Deno.test("serve without a token: the report opens directly, as before, and issues no ticket", async () => {
  const dir = await tempDir();
  const server = await startServer(dir);
  try {
    const a = await waitJob(
      server,
      (await api(server, "POST", "api/jobs", {
        scenario: "quickstart",
        counts: { customers: 20, products: 10, orders: 50 },
        formats: ["csv"],
        report: true,
      })).body.id,
    );
    assert.equal(a.status, "succeeded");
    const html = await Deno.readTextFile(`${dir}/jobs/${a.id}/out/report.html`);
    for (const path of [`api/jobs/${a.id}/report`, `api/jobs/${a.id}/report?ticket=whatever`]) {
      const r = await bare(server, path);
      assert.equal(r.status, 200, path);
      assert.equal(r.body, html);
    }
    const t = await api(server, "POST", `api/jobs/${a.id}/report-ticket`);
    assert.equal(t.status, 404);
  } finally {
    assert.equal(await server.stop(), 0);
  }
});

Deno.test("report tickets expire on the clock, are single-use and bound to their job", async () => {
  let now = 1_000_000;
  const tickets = new ReportTickets({ lifetimeMs: 60_000, now: () => now });
  const a = await tickets.issue("a");
  const b = await tickets.issue("a");
  assert.match(a, /^[0-9a-f]{64}$/);
  assert.notEqual(a, b);
  now += 59_999;
  assert.equal(await tickets.redeem("a", a), true);
  assert.equal(await tickets.redeem("a", a), false, "spent");
  now += 1;
  assert.equal(await tickets.redeem("a", b), false, "expired at 60 s");
  const c = await tickets.issue("c");
  assert.equal(await tickets.redeem("d", c), false, "another job");
  assert.equal(await tickets.redeem("c", c), false, "spent by the wrong job");
  // The lifetime is at most 60 s whatever is asked.
  assert.equal(new ReportTickets({ lifetimeMs: 3_600_000 }).lifetimeMs, 60_000);
  assert.equal(new ReportTickets({ lifetimeMs: 0 }).lifetimeMs, 60_000);
  assert.equal(new ReportTickets({ lifetimeMs: NaN }).lifetimeMs, 60_000);
  // Outstanding tickets are bounded: the oldest go first.
  const first = await tickets.issue("x");
  for (let i = 0; i < 300; i++) await tickets.issue("y");
  assert.equal(await tickets.redeem("x", first), false);
});
