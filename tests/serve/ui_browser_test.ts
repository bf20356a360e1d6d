/**
 * The web UI of `fabricate serve` in a real browser: Debian's Chromium
 * driven by playwright-core against the real server (`fabricate serve`
 * spawned as a user would). The whole flow: pick a built-in, edit it (an
 * error shows at the line:column `fabricate validate` gives), preview, run
 * with progress, download a file (the same bytes as `fabricate gen`), the
 * zip, the report (charts drawn), active toggle and delete. Hostile values
 * show as text; a token-protected server asks for the token once. Anything
 * on the page's console fails the test, except the error answers a step
 * provokes on purpose (the browser logs every 4xx), each listed with why.
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import { needsProgram } from "../formatters/_roundtrip.ts";
import { runCli, spawnCli } from "../_helpers/rows.ts";

// playwright-core probes /proc/sys/fs/binfmt_misc/WSLInterop when loaded, a
// path Deno refuses to stat without --allow-all (NotCapable); for that probe
// "no such file" is the true answer here.
const existsSync = fs.existsSync;
fs.existsSync = ((path: fs.PathLike) => {
  try {
    return existsSync(path);
  } catch {
    return false;
  }
}) as typeof fs.existsSync;
const { chromium } = await import("playwright-core");
type Browser = Awaited<ReturnType<typeof chromium.launch>>;
type Page = Awaited<ReturnType<Browser["newPage"]>>;

const browserBin = await needsProgram("chromium", "Debian package chromium");

interface Server {
  url: string;
  dir: string;
  tmp: string;
  stop(): Promise<void>;
}

/** Starts `fabricate serve --port 0` and waits for its "Listening on" line. */
async function startServer(env: Record<string, string> = {}): Promise<Server> {
  const tmp = await Deno.makeTempDir({ prefix: "serve-ui-browser-" });
  const dir = `${tmp}/ws`;
  const child = spawnCli(["serve", "--port", "0", "--dir", dir], { cwd: tmp, env });
  const stderr = new Response(child.stderr).text();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let seen = "";
  let url: string | undefined;
  while (!url) {
    const { value, done } = await reader.read();
    if (done) {
      throw new Error(`The server stopped before listening:\n${seen}\n${await stderr}`);
    }
    seen += value;
    url = /Listening on (http:\/\/\S+\/)/.exec(seen)?.[1];
  }
  const rest = (async () => {
    while (!(await reader.read()).done) { /* drain */ }
  })();
  return {
    url,
    dir,
    tmp,
    async stop() {
      child.kill("SIGTERM");
      await child.status;
      await rest;
      await stderr;
      await Deno.remove(tmp, { recursive: true }).catch(() => {});
    },
  };
}

interface Watch {
  /** Every console message and page error not expected. */
  problems: string[];
  /** Allows one kind of 4xx answer, with why: the browser logs each as a console error. */
  expect(status: number, path: RegExp): void;
}

function watch(page: Page): Watch {
  const problems: string[] = [];
  const expected: { status: number; path: RegExp }[] = [];
  page.on("console", (m) => {
    const url = m.location().url ?? "";
    const status = /status of (\d{3})/.exec(m.text())?.[1];
    const ok = status !== undefined &&
      expected.some((e) => e.status === Number(status) && e.path.test(new URL(url).pathname));
    if (!ok) problems.push(`${m.type()}: ${m.text()} (${url})`);
  });
  page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
  return { problems, expect: (status, path) => expected.push({ status, path }) };
}

/** The browser's absolute path (playwright wants one). */
async function browserPath(): Promise<string> {
  const out = await new Deno.Command("sh", {
    args: ["-c", `command -v ${browserBin.value()}`],
    stdout: "piped",
  }).output();
  return new TextDecoder().decode(out.stdout).trim();
}

async function launch(): Promise<Browser> {
  return await chromium.launch({
    executablePath: await browserPath(),
    args: ["--no-sandbox", "--disable-gpu"],
  });
}

/**
 * Waits until a check holds, checking from here: the page's CSP forbids the
 * string evaluation waitForFunction would need.
 */
async function until(check: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 600; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`Timed out waiting for: ${check}`);
}

/** The history table's "Active" column. */
function activeColumn(page: Page): Promise<(string | null)[]> {
  return page.$$eval("#history tbody tr", (rows) => rows.map((r) => r.children[3]!.textContent));
}

/** The CodeMirror editor's text and cursor, through the editor's own API (in the page). */
function editor(page: Page) {
  const cm = `document.querySelector(".CodeMirror").CodeMirror`;
  return {
    text: () => page.evaluate<string>(`${cm}.getValue()`),
    setText: (text: string) => page.evaluate(`${cm}.setValue(${JSON.stringify(text)})`),
    /** Puts the cursor at 1-based line and column, and focuses the editor. */
    cursor: (line: number, column: number) =>
      page.evaluate(`${cm}.focus(); ${cm}.setCursor({ line: ${line - 1}, ch: ${column - 1} })`),
  };
}

Deno.test({
  name: "the UI drives edit → preview → run → download → report in Chromium",
  ignore: browserBin.ignore,
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const server = await startServer();
    const browser = await launch();
    try {
      const context = await browser.newContext({ acceptDownloads: true });
      const page = await context.newPage();
      page.setDefaultTimeout(90_000); // two cores shared with other work: be patient, never timed
      const seen = watch(page);
      const res = await page.goto(server.url);
      assert.match(res!.headers()["content-security-policy"] ?? "", /script-src 'self'/);
      assert.equal(res!.headers()["x-content-type-options"], "nosniff");
      await page.waitForSelector("body[data-ready]");

      // The list is grouped: base scenarios and profiles.
      const groups = await page.$$eval("#scenario optgroup", (gs) => gs.map((g) => g.label));
      assert.deepEqual(groups, ["Base scenarios", "Profiles"]);
      const inGroup = (label: string) =>
        page.$$eval(
          `optgroup[label="${label}"] option`,
          (os) => os.map((o) => o.getAttribute("value")),
        );
      assert.ok((await inGroup("Base scenarios")).includes("quickstart"));
      assert.ok((await inGroup("Profiles")).includes("erp/normal-ops"), "a profile extends a base");

      // A profile extending its base by a relative path is valid as the editor shows it.
      await page.selectOption("#scenario", "erp/normal-ops");
      await page.waitForSelector("#validation.ok");
      assert.match(await editor(page).text(), /^extends: erp\/base$/m);

      await page.selectOption("#scenario", "quickstart");
      await page.waitForSelector('#validation.ok:text("customers (1,000)")');
      await page.waitForSelector("#validation.ok");
      const original = await editor(page).text();
      assert.match(original, /first_name: \{ faker: person\.firstName \}/);

      // Break it by typing: "faker" → "fake" on the first_name line.
      const lines = original.split("\n");
      const line = lines.findIndex((l) => l.includes("first_name: { faker")) + 1;
      const column = lines[line - 1]!.indexOf("faker") + "faker".length + 1;
      seen.expect(422, /^\/api\/validate$/); // the invalid scenario typed on purpose
      await editor(page).cursor(line, column);
      await page.keyboard.press("Backspace");
      await page.waitForSelector("#issues li");
      const where = await page.textContent("#issues li .issue-location");
      const issueText = await page.textContent("#issues li");
      assert.match(issueText!, /Unknown generator "fake"/);
      assert.equal(
        await page.$$eval(".cm-error-line", (els) => els.length) > 0,
        true,
        "the line is marked",
      );
      // The same place `fabricate validate` gives for the same text.
      await Deno.writeTextFile(`${server.tmp}/edited.yaml`, await editor(page).text());
      const cli = await runCli(["validate", "edited.yaml"], { cwd: server.tmp });
      assert.equal(cli.code, 2);
      assert.ok(cli.stderr.includes(`edited.yaml:${where} `), `${where} in:\n${cli.stderr}`);
      assert.equal(where, `${line}:${column - "faker".length}`, "the key's first character");

      // Fix it: the error goes away.
      await page.keyboard.type("r");
      await page.waitForSelector("#validation.ok");
      assert.equal(await page.$$eval("#issues li", (els) => els.length), 0);
      assert.equal(await editor(page).text(), original);
      // Esc leaves the editor: the keyboard is never trapped in it.
      await page.keyboard.press("Escape");
      assert.equal(await page.evaluate(`document.activeElement.id`), "seed");

      // Options: a seed and small counts.
      await page.fill("#seed", "7");
      await page.fill('input[data-entity="customers"]', "40");
      await page.fill('input[data-entity="products"]', "15");
      await page.fill('input[data-entity="orders"]', "120");

      // Preview: one table per entity, ten rows each.
      await page.click("#preview-button");
      await page.waitForSelector("table.preview");
      const tables = await page.$$eval(
        "table.preview",
        (ts) =>
          ts.map((t) => [t.getAttribute("data-entity"), t.querySelectorAll("tbody tr").length]),
      );
      assert.deepEqual(tables, [["customers", 10], ["products", 10], ["orders", 10]]);

      // Run: CSV with the report.
      await page.check('input[name="format"][value="csv"]');
      await page.click("#run-button");
      await page.waitForSelector('#job-status[data-status="succeeded"]', { timeout: 120_000 });
      assert.equal(await page.getAttribute("#job-progress", "value"), "100");
      assert.equal(await page.textContent("#job-progress-text"), "Done");
      assert.equal(await page.getAttribute("#job-progress-text", "aria-live"), "polite");

      // Download customers.csv: the bytes `fabricate gen` writes for the same seed and counts.
      const [download] = await Promise.all([
        page.waitForEvent("download"),
        page.click('#files a:text-is("customers.csv")'),
      ]);
      const got = await Deno.readFile(await download.path());
      const gen = await runCli([
        "gen",
        "quickstart",
        "--seed",
        "7",
        "--count",
        "customers=40",
        "--count",
        "products=15",
        "--count",
        "orders=120",
        "--format",
        "csv",
        "--out",
        "cli-out",
        "-q",
      ], { cwd: server.tmp });
      assert.equal(gen.code, 0, gen.stderr);
      assert.deepEqual(got, await Deno.readFile(`${server.tmp}/cli-out/customers.csv`));

      // The whole output as a zip.
      const [zip] = await Promise.all([page.waitForEvent("download"), page.click("#zip-link")]);
      const zipBytes = await Deno.readFile(await zip.path());
      assert.deepEqual([...zipBytes.subarray(0, 2)], [0x50, 0x4b], "a zip file");

      // The report opens in a new tab and draws its charts.
      const [report] = await Promise.all([
        context.waitForEvent("page"),
        page.click("#report-link"),
      ]);
      const reportSeen = watch(report);
      await report.waitForLoadState("load");
      await report.waitForSelector(".uplot canvas");
      const charts = await report.$$eval(".chart", (cs) => cs.length);
      const drawn = await report.$$eval(".uplot", (cs) => cs.length);
      assert.ok(charts > 3, `charts: ${charts}`);
      assert.equal(drawn, charts, "every chart is drawn");
      assert.deepEqual(reportSeen.problems, []);
      await report.close();

      // Inactive data sets are not downloadable; active again, they are.
      seen.expect(403, /^\/api\/jobs\/[^/]+\/files\//); // fetched below while inactive
      seen.expect(409, /^\/api\/jobs\/[^/]+\/files\//);
      seen.expect(410, /^\/api\/jobs\/[^/]+\/files\//);
      await page.uncheck("#active");
      await until(async () => (await activeColumn(page)).includes("no"));
      const href = await page.getAttribute('#files a:text-is("customers.csv")', "href");
      const blocked = await page.evaluate((h) => fetch(h!).then((r) => r.status), href);
      assert.ok(blocked >= 400, `inactive download answered ${blocked}`);
      await page.check("#active");
      await until(async () => (await activeColumn(page)).every((a) => a === "yes"));

      // Delete the files (confirmed in the dialog).
      page.once("dialog", (d) => d.accept());
      await page.click("#delete-button");
      await until(async () => (await page.$$("#files li")).length === 0);

      // A long run cancelled from the page: the job ends cancelled, with no files.
      await page.fill('input[data-entity="orders"]', "5000000");
      await page.click("#run-button");
      await page.waitForSelector('#job-status[data-status="running"]', { timeout: 120_000 });
      await page.click("#cancel-button");
      await page.waitForSelector('#job-status[data-status="cancelled"]', { timeout: 120_000 });
      assert.equal(await page.isHidden("#results"), true);
      assert.equal(await page.isHidden("#cancel-button"), true);
      assert.deepEqual(seen.problems, [], "nothing unexpected on the console");
    } finally {
      await browser.close();
      await server.stop();
    }
  },
});

const HOSTILE = `<img src=x onerror="window.__xss=1">`;

Deno.test({
  name: "the UI shows hostile scenario values, names and messages as text",
  ignore: browserBin.ignore,
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const server = await startServer();
    // A workspace scenario whose description is markup.
    await Deno.mkdir(`${server.dir}/scenarios`, { recursive: true });
    await Deno.writeTextFile(
      `${server.dir}/scenarios/hostile.yaml`,
      `name: hostile\ndescription: ${JSON.stringify(HOSTILE)}\nentities:\n  a:\n    count: 3\n` +
        `    fields:\n      v: { constant: ${JSON.stringify(HOSTILE)} }\n` +
        `      w: { choice: { values: [${
          JSON.stringify(`</td><script>window.__xss=2</script>`)
        }] } }\n`,
    );
    // And one whose name is markup.
    const markupName = `<img src=x onerror="window.__xss=3">`;
    await Deno.writeTextFile(
      `${server.dir}/scenarios/${markupName}.yaml`,
      `name: x\ndescription: named with markup\nentities:\n  a:\n    count: 2\n` +
        `    fields: { id: { sequence: {} } }\n`,
    );
    const browser = await launch();
    try {
      const page = await browser.newPage();
      page.setDefaultTimeout(90_000);
      const seen = watch(page);
      await page.goto(server.url);
      await page.waitForSelector("body[data-ready]");
      const options = await page.$$eval("#scenario option", (os) => os.map((o) => o.textContent));
      assert.ok(options.includes(`${markupName} (workspace)`), options.join("\n"));
      await page.selectOption("#scenario", markupName);
      await page.waitForSelector('#scenario-description:text("named with markup")');
      await page.waitForSelector("#validation.ok");

      await page.selectOption("#scenario", "hostile");
      // #validation is still .ok from the scenario before: wait for the new one's text first.
      await until(async () => (await page.textContent("#scenario-description")) === HOSTILE);
      await page.waitForSelector("#validation.ok");
      assert.equal(await page.textContent("#scenario-description"), HOSTILE);
      await page.click("#preview-button");
      await page.waitForSelector("table.preview");
      const cells = await page.$$eval(
        "table.preview tbody td",
        (tds) => tds.map((t) => t.textContent),
      );
      assert.deepEqual(cells.slice(0, 2), [HOSTILE, `</td><script>window.__xss=2</script>`]);
      assert.equal(await page.$$eval("#preview img, #preview script", (e) => e.length), 0);

      // An unknown generator whose name is markup: the message shows it as text.
      seen.expect(422, /^\/api\/validate$/); // the invalid scenario posted on purpose
      await editor(page).setText(
        `name: x\nentities:\n  a:\n    count: 1\n    fields:\n      v: { "${
          HOSTILE.replaceAll('"', '\\"')
        }": 1 }\n`,
      );
      await page.waitForSelector("#issues li");
      assert.ok((await page.textContent("#issues"))!.includes(HOSTILE));
      assert.equal(await page.$$eval("#issues img", (e) => e.length), 0);
      assert.equal(await page.evaluate(`typeof window.__xss`), "undefined");

      // Ctrl-Space completes from the scenario schema.
      const text = "name: x\nentities:\n  a:\n    count: 1\n    fields:\n      id: { seq";
      await editor(page).setText(text);
      await editor(page).cursor(6, "      id: { seq".length + 1);
      await page.keyboard.press("Control+Space");
      await page.waitForSelector(".CodeMirror-hints");
      const hints = await page.$$eval(".CodeMirror-hint", (hs) => hs.map((h) => h.textContent));
      assert.ok(hints.includes("sequence"), hints.join(", "));
      await page.click('.CodeMirror-hint:text-is("sequence")');
      assert.equal(await editor(page).text(), text.replace(/seq$/, "sequence"));
      assert.deepEqual(seen.problems, []);
    } finally {
      await browser.close();
      await server.stop();
    }
  },
});

Deno.test({
  name: "the UI asks a token-protected server's token once and sends it as a bearer",
  ignore: browserBin.ignore,
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const token = "serve-ui-test-token-0123456789";
    const server = await startServer({ FABRICATE_SERVE_TOKEN: token });
    const browser = await launch();
    try {
      const context = await browser.newContext({ acceptDownloads: true });
      const page = await context.newPage();
      page.setDefaultTimeout(90_000);
      const seen = watch(page);
      seen.expect(401, /^\/api\//); // the first requests, before the token is given
      await page.goto(server.url);
      await page.waitForSelector("#token-form:not([hidden])");
      assert.equal(await page.isHidden("#app"), true);

      // A wrong token is refused and asked again.
      await page.fill("#token", "wrong");
      await page.click('#token-form button[type="submit"]');
      await page.waitForSelector('#token-error:text("refused")');
      await page.fill("#token", token);
      await page.click('#token-form button[type="submit"]');
      await page.waitForSelector("body[data-ready]");
      assert.equal(
        await page.evaluate(`sessionStorage.getItem("fabricate-serve-token")`),
        token,
      );

      // Asked once: a reload in the same tab goes straight on.
      await page.reload();
      await page.waitForSelector("body[data-ready]");
      assert.equal(await page.isHidden("#token-form"), true);

      // Everything after works with it: preview, a run, a download, the report.
      await page.selectOption("#scenario", "customers-10");
      await page.waitForSelector("#validation.ok");
      await page.fill('input[data-entity="customers"]', "50");
      await page.click("#preview-button");
      await page.waitForSelector("table.preview");
      await page.check('input[name="format"][value="jsonl"]');
      await page.click("#run-button");
      await page.waitForSelector('#job-status[data-status="succeeded"]', { timeout: 120_000 });
      const [download] = await Promise.all([
        page.waitForEvent("download"),
        page.click("#files a >> nth=0"),
      ]);
      const text = await Deno.readTextFile(await download.path());
      assert.ok(text.trim().split("\n").every((l) => typeof JSON.parse(l) === "object"));

      // "View report" opens the report in a new tab (through a one-time ticket) and it draws.
      const [report] = await Promise.all([
        context.waitForEvent("page"),
        page.click("#report-link"),
      ]);
      const reportSeen = watch(report);
      await report.waitForLoadState("load");
      await report.waitForSelector(".uplot canvas");
      const charts = await report.$$eval(".chart", (cs) => cs.length);
      const drawn = await report.$$eval(".uplot", (cs) => cs.length);
      assert.ok(charts > 3, `charts: ${charts}`);
      assert.equal(drawn, charts, "every chart is drawn");
      assert.equal(await report.evaluate(`window.opener`), null, "cut from the page");
      const opened = new URL(report.url());
      assert.match(opened.pathname, /^\/api\/jobs\/[^/]+\/report$/);
      assert.match(opened.searchParams.get("ticket") ?? "", /^[0-9a-f]{64}$/);
      assert.deepEqual(reportSeen.problems, []);
      await report.close();
      // The ticket in its address is spent.
      const again = await fetch(opened);
      assert.equal(again.status, 401);
      await again.body?.cancel();

      // Without the token the API answers 401 (checked outside the browser).
      const bare = await fetch(new URL("api/jobs", server.url));
      assert.equal(bare.status, 401);
      await bare.body?.cancel();
      assert.deepEqual(seen.problems, []);
    } finally {
      await browser.close();
      await server.stop();
    }
  },
});
