/**
 * The editor's API (`cli/serve/api_editor.ts`), handlers called directly:
 * validate finds what `fabricate validate` finds at the same line:column,
 * preview generates the rows `gen` writes, posted scenarios cannot load
 * plugins or read files outside the workspace's files/ folder, and bad
 * requests name the field.
 */
import assert from "node:assert/strict";
import { editorRoutes } from "../../cli/serve/api_editor.ts";
import type { ServeContext } from "../../cli/serve/route.ts";
import { HttpError } from "../../cli/serve/route.ts";
import { rowsOf, runCli } from "../_helpers/rows.ts";

async function workspace(): Promise<ServeContext> {
  const dir = await Deno.makeTempDir({ prefix: "serve-ui-editor-" });
  return { dir: `${dir}/ws`, cwd: dir, maxRows: 1_000_000, services: {} };
}

/** Calls the route that matches, as the server would; HttpErrors become their response. */
async function call(
  ctx: ServeContext,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; json: Record<string, unknown> }> {
  const url = new URL(`http://127.0.0.1${path}`);
  const route = editorRoutes.find((r) => r.method === method && r.pattern.test(url));
  assert.ok(route, `a route for ${method} ${path}`);
  const request = new Request(url, {
    method,
    ...(body === undefined ? {} : {
      body: typeof body === "string" ? body : JSON.stringify(body),
      headers: { "content-type": "application/json" },
    }),
  });
  const params = route.pattern.exec(url)?.pathname.groups ?? {};
  let res: Response;
  try {
    res = await route.handle({ request, params, url, ctx });
  } catch (e) {
    if (!(e instanceof HttpError)) throw e;
    res = e.toResponse();
  }
  return { status: res.status, json: await res.json() };
}

type Issue = { line?: number; column?: number; path: string; message: string; hint?: string };
const issuesOf = (json: Record<string, unknown>) => (json.error as { issues: Issue[] }).issues;

const BAD = `name: shop
seed: 42
entities:
  customers:
    count: 10
    fields:
      id: { sequence: {} }
      name: { fakr: person.firstName }
  orders:
    count: 20
    fields:
      customer_id: { ref: custmers.id }
`;

Deno.test("POST /api/validate reports the problems fabricate validate reports, at the same line:column", async () => {
  const ctx = await workspace();
  const { status, json } = await call(ctx, "POST", "/api/validate", { yaml: BAD });
  assert.equal(status, 422);
  assert.equal((json.error as { code: string }).code, "invalid_scenario");
  const issues = issuesOf(json);
  assert.ok(issues.length >= 2, JSON.stringify(issues));

  await Deno.writeTextFile(`${ctx.cwd}/bad.yaml`, BAD);
  const cli = await runCli(["validate", "bad.yaml"], { cwd: ctx.cwd });
  assert.equal(cli.code, 2);
  const cliPlaces = [...cli.stderr.matchAll(/bad\.yaml:(\d+):(\d+) (\S+)/g)]
    .map((m) => `${m[1]}:${m[2]} ${m[3]}`);
  const apiPlaces = issues.map((i) => `${i.line}:${i.column} ${i.path}`);
  assert.deepEqual(apiPlaces, cliPlaces);
  assert.ok(issues.some((i) => i.hint?.includes("customers")), "a did-you-mean hint");
});

Deno.test("POST /api/validate answers ok with the entities and their counts", async () => {
  const ctx = await workspace();
  const { status, json } = await call(ctx, "POST", "/api/validate", {
    yaml: BAD.replace("fakr", "faker").replace("custmers", "customers"),
  });
  assert.equal(status, 200);
  assert.deepEqual(json, {
    ok: true,
    entities: [{ name: "customers", count: 10 }, { name: "orders", count: 20 }],
  });
});

Deno.test("POST /api/validate locates a YAML syntax error", async () => {
  const ctx = await workspace();
  const { status, json } = await call(ctx, "POST", "/api/validate", {
    yaml: "name: x\nentities:\n  a: [1, 2\n",
  });
  assert.equal(status, 422);
  const [issue] = issuesOf(json);
  assert.ok(issue?.line && issue.line >= 3, JSON.stringify(issue));
});

Deno.test("POST /api/validate refuses plugins in posted YAML without loading them", async () => {
  const ctx = await workspace();
  const marker = `${ctx.cwd}/loaded`;
  await Deno.writeTextFile(
    `${ctx.cwd}/evil.ts`,
    `Deno.writeTextFileSync(${JSON.stringify(marker)}, "x"); export default [];`,
  );
  const yaml = `name: x\nplugins: [${ctx.cwd}/evil.ts]\nentities:\n  a:\n    count: 1\n` +
    `    fields: { id: { sequence: {} } }\n`;
  const { status, json } = await call(ctx, "POST", "/api/validate", { yaml });
  assert.equal(status, 422);
  const [issue] = issuesOf(json);
  assert.equal(issue?.path, "plugins");
  assert.equal(issue?.line, 2);
  assert.equal(await Deno.stat(marker).then(() => true, () => false), false, "never imported");
});

Deno.test("POST /api/validate: posted YAML extends only built-in scenarios", async () => {
  const ctx = await workspace();
  await Deno.writeTextFile(`${ctx.cwd}/secret.yaml`, "name: secret\nentities: {}\n");
  await Deno.mkdir(`${ctx.dir}/files`, { recursive: true });
  await Deno.writeTextFile(`${ctx.dir}/files/base.yaml`, "name: base\nentities: {}\n");
  const refs = ["../secret.yaml", `${ctx.cwd}/secret.yaml`, "file:///etc/passwd", "./base.yaml"];
  for (const ref of refs) {
    const { status, json } = await call(ctx, "POST", "/api/validate", {
      yaml: `extends: ${JSON.stringify(ref)}\nname: x\n`,
    });
    assert.equal(status, 422, ref);
    const [issue] = issuesOf(json);
    assert.equal(issue?.path, "extends");
    assert.equal(issue?.line, 1);
  }
  const ok = await call(ctx, "POST", "/api/validate", {
    yaml: "extends: quickstart\nname: mine\n",
  });
  assert.equal(ok.status, 200, JSON.stringify(ok.json));
});

Deno.test("POST /api/preview reads data files only from the workspace's files/ folder", async () => {
  const ctx = await workspace();
  await Deno.mkdir(`${ctx.dir}/files`, { recursive: true });
  await Deno.writeTextFile(`${ctx.dir}/files/cities.csv`, "name,population\nCairo,10\nLyon,1\n");
  await Deno.writeTextFile(`${ctx.cwd}/secret.csv`, "name\ntop-secret\n");
  const scenario = (file: string) =>
    `name: x\nseed: 1\nentities:\n  a:\n    count: 5\n    fields:\n` +
    `      city: { choice: { file: ${file}, value: name } }\n`;
  const good = await call(ctx, "POST", "/api/preview", { yaml: scenario("cities.csv"), rows: 5 });
  assert.equal(good.status, 200, JSON.stringify(good.json));
  const rows = (good.json.entities as Record<string, { rows: string[][] }>).a!.rows;
  assert.ok(rows.every(([c]) => c === "Cairo" || c === "Lyon"));
  const bad = await call(ctx, "POST", "/api/preview", { yaml: scenario("../../secret.csv") });
  assert.equal(bad.status, 422);
  assert.match(issuesOf(bad.json)[0]!.message, /outside the scenario's folder/);
  assert.equal(issuesOf(bad.json)[0]!.line, 7);
  // No temporary scenario is left behind.
  const left = [];
  for await (const e of Deno.readDir(`${ctx.dir}/files`)) left.push(e.name);
  assert.deepEqual(left.sort(), ["cities.csv"]);
});

Deno.test("POST /api/preview gives the first rows gen makes, for a built-in with overrides", async () => {
  const ctx = await workspace();
  const { status, json } = await call(ctx, "POST", "/api/preview", {
    scenario: "quickstart",
    rows: 3,
    seed: 7,
    counts: { orders: 2 },
  });
  assert.equal(status, 200, JSON.stringify(json));
  const entities = json.entities as Record<string, { columns: string[]; rows: unknown[][] }>;
  assert.deepEqual(Object.keys(entities), ["customers", "products", "orders"]);
  assert.equal(entities.orders!.rows.length, 2);
  const expected = await rowsOf("quickstart", "customers", { seed: 7, counts: { orders: 2 } });
  const got = entities.customers!.rows.map((r) =>
    Object.fromEntries(entities.customers!.columns.map((c, i) => [c, r[i]]))
  );
  assert.deepEqual(
    got,
    expected.slice(0, 3).map((r) =>
      Object.fromEntries(
        Object.entries(r).map(([k, v]) => [k, v instanceof Date ? v.toISOString() : v ?? null]),
      )
    ),
  );
});

Deno.test("POST /api/preview: bad requests get a 400 naming the field", async () => {
  const ctx = await workspace();
  const cases: [unknown, string][] = [
    [{ scenario: "quickstart", rows: 101 }, "rows"],
    [{ scenario: "quickstart", rows: 0 }, "rows"],
    [{ scenario: "quickstart", counts: { orders: -1 } }, "counts.orders"],
    [{ scenario: "quickstart", counts: { nope: 1 } }, "counts"],
    [{ scenario: "quickstart", yaml: "name: x" }, "scenario"],
    [{ scenario: "quickstart", colour: 1 }, "colour"],
    [{}, "scenario"],
  ];
  for (const [body, field] of cases) {
    const { status, json } = await call(ctx, "POST", "/api/preview", body);
    assert.equal(status, 400, JSON.stringify(body));
    assert.equal((json.error as { field: string }).field, field, JSON.stringify(json));
  }
  const notJson = await call(ctx, "POST", "/api/preview", "{oops");
  assert.equal(notJson.status, 400);
  const unknown = await call(ctx, "POST", "/api/preview", { scenario: "../etc/passwd" });
  assert.equal(unknown.status, 422);
  assert.equal((unknown.json.error as { code: string }).code, "unknown_scenario");
});

Deno.test("POST /api/preview respects the server's row limit", async () => {
  const ctx = { ...(await workspace()), maxRows: 100 };
  const { status, json } = await call(ctx, "POST", "/api/preview", { scenario: "quickstart" });
  assert.equal(status, 422);
  assert.equal((json.error as { code: string; field: string }).field, "counts");
});

Deno.test("GET /api/scenarios/:name+ gives a built-in's source; GET /api/schema the JSON Schema", async () => {
  const ctx = await workspace();
  const one = await call(ctx, "GET", "/api/scenarios/booking/young-patients");
  assert.equal(one.status, 200);
  assert.equal(one.json.name, "booking/young-patients");
  assert.deepEqual(one.json.extends, ["booking/base"]);
  assert.equal(
    one.json.source,
    await Deno.readTextFile(
      new URL("../../scenarios/booking/young-patients.yaml", import.meta.url),
    ),
  );
  assert.equal(one.json.editable, one.json.source);
  // A built-in extending a relative path: the editable text names the built-in, and validates.
  const ops = await call(ctx, "GET", "/api/scenarios/erp/normal-ops");
  const source = ops.json.source as string, editable = ops.json.editable as string;
  assert.match(source, /^extends: \.\/base\.yaml$/m);
  assert.equal(editable, source.replace(/^extends: \.\/base\.yaml$/m, "extends: erp/base"));
  const valid = await call(ctx, "POST", "/api/validate", { yaml: editable });
  assert.equal(valid.status, 200, JSON.stringify(valid.json));
  await Deno.mkdir(`${ctx.dir}/scenarios`, { recursive: true });
  await Deno.writeTextFile(`${ctx.dir}/scenarios/mine.yaml`, "name: mine\ndescription: Mine\n");
  const mine = await call(ctx, "GET", "/api/scenarios/mine");
  assert.equal(mine.json.description, "Mine");
  await Deno.writeTextFile(`${ctx.dir}/scenarios/my shop.yaml`, "name: s\ndescription: Spaced\n");
  assert.equal((await call(ctx, "GET", "/api/scenarios/my%20shop")).json.description, "Spaced");
  assert.equal((await call(ctx, "GET", "/api/scenarios/nope")).status, 404);
  assert.equal((await call(ctx, "GET", "/api/scenarios/%E0%A4%A")).status, 400);
  const schema = await call(ctx, "GET", "/api/schema");
  assert.equal(schema.status, 200);
  assert.equal(schema.json.title, "fabricate scenario");
});
