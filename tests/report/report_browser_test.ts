/**
 * report.html in a real browser: headless Chromium loads the file (offline,
 * from disk), runs uPlot and the drawing script, and every chart placeholder
 * holds a rendered chart with no message on the console (an uncaught error
 * would print one). Needs the Debian package chromium (.ci/run installs it).
 */
import assert from "node:assert/strict";
import { needsProgram } from "../formatters/_roundtrip.ts";
import { runCli } from "../_helpers/rows.ts";

const chromium = await needsProgram("chromium", "Debian package chromium");

Deno.test({
  name: "report.html draws every chart in headless Chromium without console messages",
  ignore: chromium.ignore,
  async fn() {
    const tmp = await Deno.makeTempDir({ prefix: "fabricate-report-browser-" });
    const out = `${tmp}/out`;
    const gen = await runCli(
      [
        "gen",
        "erp/normal-ops",
        "--from",
        "2024-01-01",
        "--to",
        "2024-01-31",
        "--out",
        out,
        "--report",
        "-q",
      ],
      { cwd: tmp },
    );
    assert.equal(gen.code, 0, gen.stderr);
    const result = await new Deno.Command(chromium.value(), {
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        `--user-data-dir=${tmp}/profile`,
        "--enable-logging=stderr",
        "--v=0",
        "--virtual-time-budget=5000",
        "--dump-dom",
        `file://${out}/report.html`,
      ],
      stdout: "piped",
      stderr: "piped",
    }).output();
    const dom = new TextDecoder().decode(result.stdout);
    const log = new TextDecoder().decode(result.stderr);
    assert.equal(result.code, 0, log);
    const placeholders = dom.match(/class="chart"/g)?.length ?? 0;
    const drawn = dom.match(/class="uplot[ "]/g)?.length ?? 0;
    assert.ok(placeholders > 10, `charts in the page: ${placeholders}`);
    assert.equal(drawn, placeholders, "every chart is drawn");
    assert.equal(dom.match(/<canvas/g)?.length ?? 0, placeholders, "one canvas per chart");
    const console = log.split("\n").filter((l) => /CONSOLE|Uncaught/.test(l));
    assert.deepEqual(console, [], "nothing on the page's console");
    await Deno.remove(tmp, { recursive: true });
  },
});
