/**
 * report.html is self-contained (no request leaves the page: no http(s) or
 * protocol-relative src/href, no external stylesheet) and escapes every
 * scenario- or file-derived text: hostile values (top values, anomaly
 * replacements) and a hostile CSV header stay text, parsed by a real HTML parser (parse5).
 */
import assert from "node:assert/strict";
import { parse } from "parse5";
import { runCli } from "../_helpers/rows.ts";

interface Node {
  nodeName: string;
  tagName?: string;
  attrs?: { name: string; value: string }[];
  childNodes?: Node[];
  content?: Node;
  value?: string;
}

function walk(node: Node, visit: (n: Node) => void): void {
  visit(node);
  for (const c of node.childNodes ?? []) walk(c, visit);
  if (node.content) walk(node.content, visit);
}

function elements(html: string): Node[] {
  const out: Node[] = [];
  walk(parse(html) as unknown as Node, (n) => n.tagName && out.push(n));
  return out;
}

function text(html: string): string {
  let s = "";
  walk(parse(html) as unknown as Node, (n) => {
    if (n.nodeName === "#text") s += n.value;
  });
  return s;
}

/** Asserts that nothing in the page is fetched from elsewhere. */
function assertSelfContained(html: string): void {
  const els = elements(html);
  for (const el of els) {
    for (const a of el.attrs ?? []) {
      if (["src", "href", "action", "poster", "srcset", "data", "formaction"].includes(a.name)) {
        assert.ok(
          !/^\s*(?:[a-z][a-z0-9+.-]*:|\/\/)/i.test(a.value) || a.value.startsWith("data:"),
          `<${el.tagName} ${a.name}="${a.value}"> points outside the file`,
        );
      }
    }
    assert.notEqual(el.tagName, "link", "no external stylesheet");
    assert.notEqual(el.tagName, "iframe");
    if (el.tagName === "script") {
      assert.ok(!el.attrs?.some((a) => a.name === "src"), "scripts are inlined");
    }
  }
  const styles = els.filter((e) => e.tagName === "style")
    .map((e) => e.childNodes?.map((c) => c.value).join("") ?? "").join("\n");
  assert.ok(!/@import|url\(\s*["']?(?:https?:)?\/\//i.test(styles), "no stylesheet import");
}

const HOSTILE =
  '</script><script>alert("x")</script><img src=https://evil.example/x onerror=alert(1)>';

Deno.test("report.html is self-contained and keeps hostile values as text", async () => {
  const tmp = await Deno.makeTempDir({ prefix: "fabricate-report-html-" });
  const scenario = `${tmp}/hostile.json`;
  await Deno.writeTextFile(
    scenario,
    JSON.stringify({
      // Names are identifiers (the schema says so); values and CSV headers are free text.
      name: "hostile",
      seed: 1,
      reference_date: "2025-01-01",
      period: { from: "2024-01-01", to: "2024-01-31" },
      entities: {
        people: {
          count: 50,
          fields: {
            id: { sequence: {} },
            label: { choice: [HOSTILE, "<u>under</u>", `" onmouseover="alert(2)`] },
            amount: { number: { min: 0, max: 10, decimals: 2 } },
          },
        },
        visits: {
          count: { timeline: { per_day: 5 } },
          fields: {
            person_id: { ref: "people.id" },
            at: { timestamp: {} },
            note: { constant: HOSTILE },
          },
          anomalies: {
            rate: 0.2,
            kinds: { weird: { weight: 1, set: { note: "<svg/onload=alert(3)>" } } },
          },
        },
      },
    }),
  );
  const out = `${tmp}/out`;
  const gen = await runCli(["gen", scenario, "--out", out, "--report", "-q"], { cwd: tmp });
  assert.equal(gen.code, 0, gen.stderr);
  const html = await Deno.readTextFile(`${out}/report.html`);
  assertSelfContained(html);
  const els = elements(html);
  // Exactly our three scripts: the chart data (JSON), uPlot, the drawing code.
  const scripts = els.filter((e) => e.tagName === "script");
  assert.equal(scripts.length, 3, "no injected script element");
  assert.equal(scripts[0]!.attrs?.find((a) => a.name === "type")?.value, "application/json");
  assert.ok(!els.some((e) => ["img", "svg", "u"].includes(e.tagName!)), "no injected element");
  assert.ok(
    !els.some((e) => e.attrs?.some((a) => a.name.startsWith("on"))),
    "no event handler attribute",
  );
  // The hostile texts are shown as they are.
  const shown = text(html);
  assert.ok(shown.includes(HOSTILE.slice(0, 39)), "a value is shown as text (cut to 40)");
  assert.ok(shown.includes("<u>under</u>"), "a top value is shown as text");
  assert.ok(shown.includes("<svg/onload=alert(3)>"), "an anomaly value is shown as text");
  // The chart data parses back as JSON.
  JSON.parse(scripts[0]!.childNodes![0]!.value!);
  await Deno.remove(tmp, { recursive: true });
});

Deno.test("check --report escapes a hostile CSV header and value", async () => {
  const tmp = await Deno.makeTempDir({ prefix: "fabricate-report-html-" });
  const out = `${tmp}/out`;
  const gen = await runCli(["gen", "quickstart", "--out", out, "-q"], { cwd: tmp });
  assert.equal(gen.code, 0, gen.stderr);
  const path = `${out}/products.csv`;
  const lines = (await Deno.readTextFile(path)).split("\r\n");
  const header = `"${HOSTILE.replaceAll('"', '""')}"`;
  lines[0] += `,${header}`;
  for (let i = 1; i < lines.length; i++) if (lines[i]) lines[i] += `,${header}`;
  await Deno.writeTextFile(path, lines.join("\r\n"));
  const check = await runCli(
    ["check", out, "--scenario", "quickstart", "--report", `${tmp}/r.html`],
    { cwd: tmp },
  );
  assert.equal(check.code, 0, check.stderr);
  const html = await Deno.readTextFile(`${tmp}/r.html`);
  assertSelfContained(html);
  const els = elements(html);
  assert.equal(els.filter((e) => e.tagName === "script").length, 3);
  assert.ok(!els.some((e) => e.tagName === "img"));
  assert.ok(text(html).includes(HOSTILE), "the header and value are shown as text");
  const report = JSON.parse(await Deno.readTextFile(`${tmp}/r.json`));
  const products = report.entities.find((e: { name: string }) => e.name === "products");
  assert.ok(products.columns.some((c: { name: string }) => c.name === HOSTILE));
  await Deno.remove(tmp, { recursive: true });
});
