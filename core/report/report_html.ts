/**
 * The report as one self-contained HTML file: tables rendered here (every
 * scenario-derived text escaped), charts drawn in the browser by uPlot,
 * whose script and stylesheet are inlined, so the file opens offline and
 * makes no request.
 *
 * uPlot's files come in as text imports (`with { type: "text" }`) from the
 * pinned npm package: part of the module graph, so `deno compile` embeds
 * them too.
 *
 * @module
 */
import uplotScript from "uplot/dist/uPlot.iife.min.js" with { type: "text" };
import uplotStyle from "uplot/dist/uPlot.min.css" with { type: "text" };
import type { Report } from "./collect_report.ts";
import type { ColumnReport } from "./column_stats.ts";

/**
 * Escapes text for HTML element content and quoted attribute values.
 *
 * @param s Any text.
 * @returns The text with `& < > " '` escaped.
 * @example
 * ```ts
 * import { escapeHtml } from "./report_html.ts";
 * escapeHtml("<script>"); // "&lt;script&gt;"
 * ```
 */
export function escapeHtml(s: string): string {
  return s.replace(
    /[&<>"']/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!,
  );
}

/**
 * JSON safe inside a `<script type="application/json">` element: `<` is
 * escaped so no value can close the element.
 *
 * @param value Any JSON value.
 * @returns The JSON text.
 * @example
 * ```ts
 * import { scriptJson } from "./report_html.ts";
 * scriptJson({ a: "</script>" }); // '{"a":"\\u003c/script>"}'
 * ```
 */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, "\\u003c").replace(/\u2028/g, "\\u2028")
    .replace(/\u2029/g, "\\u2029");
}

const h = escapeHtml;

function num(n: number | undefined, digits = 2): string {
  if (n === undefined) return "";
  if (Number.isInteger(n)) return n.toLocaleString("en-US");
  return n.toLocaleString("en-US", { maximumFractionDigits: digits });
}

function pct(x: number): string {
  return `${(x * 100).toFixed(x > 0 && x < 0.001 ? 3 : 1)}%`;
}

function cut(s: string, n = 60): string {
  return s.length > n ? s.slice(0, n - 1) + "…" : s;
}

/**
 * Renders the report as a self-contained HTML page.
 *
 * @param report The report.
 * @returns The HTML text.
 * @example
 * ```ts ignore
 * await Deno.writeTextFile("report.html", reportHtml(report));
 * ```
 */
export function reportHtml(report: Report): string {
  const charts: { id: string; kind: string; data: unknown }[] = [];
  let next = 0;
  const chart = (kind: string, data: unknown, title: string) => {
    const id = `c${next++}`;
    charts.push({ id, kind, data });
    return `<figure><figcaption>${
      h(title)
    }</figcaption><div class="chart" id="${id}"></div></figure>`;
  };
  const parts: string[] = [];
  const failures = (report.validation?.failures ?? 0) +
    report.checks.reduce((n, c) => n + c.failures, 0);
  parts.push(
    `<header><h1>Quality report: ${h(report.scenario || "files")}</h1><p>` +
      [
        report.seed !== undefined ? `seed ${h(String(report.seed))}` : "",
        `source: ${report.source === "gen" ? "collected while generating" : "read from files"}`,
        `fabricate ${h(report.fabricate)}`,
        h(report.generated_at),
      ].filter(Boolean).join(" · ") +
      `</p><p class="${failures ? "bad" : "good"}">${
        failures ? `${num(failures)} failure${failures === 1 ? "" : "s"}` : "No failures"
      }</p></header>`,
  );
  parts.push(
    `<nav><a href="#validation">Validation</a> · <a href="#fks">Foreign keys</a> · ` +
      `<a href="#timelines">Timelines</a> · <a href="#anomalies">Anomalies</a> · ` +
      report.entities.map((e, i) => `<a href="#e${i}">${h(e.name)}</a>`).join(" · ") + `</nav>`,
  );

  // Validation and checks.
  parts.push(`<section id="validation"><h2>Validation</h2>`);
  if (report.validation) {
    const rows = (results: typeof report.validation.results) =>
      table(
        ["entity", "field", "rule", "checked", "failures", "example"],
        results.map((r) => [
          h(r.entity),
          h(r.field ?? ""),
          h(r.rule),
          num(r.checked),
          `<span class="${r.failures ? "bad" : "good"}">${num(r.failures)}</span>`,
          r.examples[0] ? `row ${r.examples[0].row}: ${h(cut(r.examples[0].message, 120))}` : "",
        ]),
      );
    const failed = report.validation.results.filter((r) => r.failures > 0);
    const passed = report.validation.results.filter((r) => r.failures === 0);
    parts.push(
      `<p>${num(report.validation.rules)} rules (${h(report.validation.source)}), ${
        num(report.validation.failures)
      } failures</p>` + (failed.length ? rows(failed) : "") +
        (passed.length
          ? `<details><summary>${num(passed.length)} rules passed</summary>${
            rows(passed)
          }</details>`
          : ""),
    );
  } else parts.push(`<p>No validator results.</p>`);
  parts.push(
    `<h3>Report checks</h3>` + (report.checks.length
      ? table(
        ["entity", "field", "check", "failures", "message", "rows"],
        report.checks.map((c) => [
          h(c.entity),
          h(c.field ?? ""),
          h(c.check),
          `<span class="bad">${num(c.failures)}</span>`,
          h(c.message),
          h(c.examples.map((x) => x.row).filter((r) => r !== undefined).join(", ")),
        ]),
      )
      : `<p class="good">All passed (foreign keys, non-null fields, row counts).</p>`) +
      `</section>`,
  );

  // Foreign keys.
  parts.push(`<section id="fks"><h2>Foreign keys</h2>`);
  if (report.foreign_keys.length === 0) parts.push(`<p>None.</p>`);
  else {
    parts.push(table(
      ["reference", "rows", "parent keys", "coverage", "orphans", "children per parent"],
      report.foreign_keys.map((f) => [
        `${h(f.entity)}.${h(f.field)} → ${h(f.parent)}.${h(f.parent_field)}`,
        num(f.references),
        f.skipped ? `not computed: ${h(f.skipped)}` : num(f.parent_keys),
        f.skipped ? "" : pct(f.coverage),
        f.skipped ? "" : num(f.orphans),
        f.skipped ? "" : `min ${num(f.min)}, mean ${num(f.mean)}, max ${num(f.max)}`,
      ]),
    ));
    for (const f of report.foreign_keys) {
      if (f.skipped || f.children_per_parent.length === 0) continue;
      parts.push(chart(
        "bars",
        {
          x: f.children_per_parent.map((c) => c.children),
          y: f.children_per_parent.map((c) => c.parents),
          xLabel: "children",
          yLabel: "parents",
        },
        `${f.entity}.${f.field}: ${f.parent} per number of ${f.entity}`,
      ));
    }
  }
  parts.push(`</section>`);

  // Timelines.
  parts.push(`<section id="timelines"><h2>Timelines</h2>`);
  if (report.timelines.length === 0) parts.push(`<p>No timestamp field follows a timeline.</p>`);
  for (const t of report.timelines) {
    const day = (d: string) => Date.parse(`${d}T00:00:00Z`) / 1000;
    parts.push(chart(
      "timeline",
      {
        x: t.days.map((d) => day(d.day)),
        rows: t.days.map((d) => d.rows),
        planned: t.days.map((d) => d.planned),
        shape: t.days.map((d) => d.shape),
      },
      `${t.entity}.${t.field}: rows per day against the configured shape` +
        (t.outside ? ` (${num(t.outside)} rows outside the period)` : ""),
    ));
    // The same per ISO week (Monday), where weekly profiles average out and trends show.
    const weeks = new Map<number, { rows: number; planned: number; shape: number }>();
    for (const d of t.days) {
      const dayNo = Math.floor(Date.parse(`${d.day}T00:00:00Z`) / 86_400_000);
      const monday = dayNo - ((dayNo + 3) % 7 + 7) % 7;
      const w = weeks.get(monday) ?? { rows: 0, planned: 0, shape: 0 };
      w.rows += d.rows;
      w.planned += d.planned;
      w.shape += d.shape;
      weeks.set(monday, w);
    }
    const ws = [...weeks].sort((a, b) => a[0] - b[0]);
    parts.push(chart(
      "timeline",
      {
        x: ws.map(([m]) => m * 86_400),
        rows: ws.map(([, w]) => w.rows),
        planned: ws.map(([, w]) => w.planned),
        shape: ws.map(([, w]) => w.shape),
      },
      `${t.entity}.${t.field}: rows per week (Monday) against the configured shape`,
    ));
  }
  parts.push(`</section>`);

  // Anomalies.
  parts.push(`<section id="anomalies"><h2>Anomalies</h2>`);
  if (report.anomalies.length === 0) parts.push(`<p>No entity declares anomalies.</p>`);
  else {
    const source = {
      engine: "from the engine",
      column: "from the _anomaly column",
      scenario: "recomputed from the scenario and seed (no label in the files)",
    };
    parts.push(table(
      ["entity", "kind", "rows", "measured rate", "configured rate", "counted"],
      report.anomalies.flatMap((a) => [
        [
          `<b>${h(a.entity)}</b>`,
          "all kinds",
          num(a.rows * a.rate),
          pct(a.rate),
          pct(a.configured_rate),
          h(source[a.source]),
        ],
        ...a.kinds.map((k) => [
          "",
          h(k.kind),
          num(k.rows),
          pct(k.rate),
          pct(k.configured_rate),
          "",
        ]),
      ]),
    ));
  }
  parts.push(`</section>`);

  // Entities.
  report.entities.forEach((e, i) => {
    parts.push(`<section id="e${i}"><h2>${h(e.name)} <small>${num(e.rows)} rows</small></h2>`);
    parts.push(table(
      ["field", "kind", "null rate", "distinct", "min", "max", "mean", "top values"],
      e.columns.map((c) => [
        h(c.name),
        h(c.kind),
        pct(c.null_rate),
        (c.distinct.exact ? "" : "≈ ") + num(c.distinct.value),
        h(String(c.min ?? (c.length ? `${c.length.min} chars` : ""))),
        h(String(c.max ?? (c.length ? `${c.length.max} chars` : ""))),
        c.mean !== undefined ? num(c.mean) : c.length ? `${num(c.length.mean)} chars` : "",
        topValues(c),
      ]),
    ));
    for (const c of e.columns) {
      if (c.histogram && c.histogram.counts.length > 1) {
        const hist = c.histogram;
        const date = c.kind === "date";
        parts.push(chart(
          "bars",
          {
            x: hist.counts.map((_, k) => {
              const x = hist.start + k * hist.width;
              return date ? x / 1000 : x;
            }),
            y: hist.counts,
            time: date,
            xLabel: c.name,
            yLabel: "rows",
          },
          `${e.name}.${c.name}: histogram (bin width ${
            date ? `${num(hist.width / 3_600_000)} h` : num(hist.width, 6)
          })`,
        ));
      }
    }
    parts.push(`</section>`);
  });
  if (report.notes.length) {
    parts.push(
      `<section><h2>Notes</h2><ul>${
        report.notes.map((n) => `<li>${h(n)}</li>`).join("")
      }</ul></section>`,
    );
  }
  parts.push(
    `<footer><p>Distinct counts are exact up to ${
      num(report.limits.exact_distinct_cap)
    } distinct values per column, then HyperLogLog estimates (marked ≈); top values are exact ` +
      `below that cap, then Space-Saving counts over ${report.limits.top_slots} slots (upper bounds). ` +
      `Histograms use at most ${report.limits.histogram_max_bins} bins of a power-of-two width. ` +
      `Charts: uPlot, inlined.</p></footer>`,
  );

  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:">
<title>Quality report: ${h(report.scenario || "files")}</title>
<style>${uplotStyle}</style>
<style>${STYLE}</style>
</head>
<body>
${parts.join("\n")}
<script type="application/json" id="report-charts">${scriptJson(charts)}</script>
<script>${uplotScript}</script>
<script>${CHART_SCRIPT}</script>
</body>
</html>
`;
}

function topValues(c: ColumnReport): string {
  const values = c.top.values.slice(0, 5);
  if (values.length === 0) return "";
  const most = values[0]!.count;
  return `<div class="top">${
    values.map((v) =>
      `<div><span class="bar" style="width:${Math.max(2, Math.round((v.count / most) * 60))}px">` +
      `</span>${h(cut(v.value, 40))} <small>${c.top.exact ? "" : "≤ "}${num(v.count)}</small></div>`
    ).join("")
  }</div>`;
}

function table(header: string[], rows: string[][]): string {
  return `<table><thead><tr>${header.map((x) => `<th>${h(x)}</th>`).join("")}</tr></thead>` +
    `<tbody>${rows.map((r) => `<tr>${r.map((c) => `<td>${c}</td>`).join("")}</tr>`).join("")}` +
    `</tbody></table>`;
}

const STYLE = `
body { font: 14px/1.4 system-ui, sans-serif; margin: 1.5rem; color: #222; }
h1 { font-size: 1.5rem; } h2 { border-bottom: 1px solid #ccc; margin-top: 2rem; }
table { border-collapse: collapse; margin: .5rem 0; }
th, td { text-align: left; padding: .2rem .6rem; border-bottom: 1px solid #eee; vertical-align: top; }
.bad { color: #b00; font-weight: bold; } .good { color: #070; }
.top div { white-space: nowrap; } .bar { display: inline-block; height: .7em; background: #69c; margin-right: .3em; }
figure { display: inline-block; margin: .5rem 1rem .5rem 0; } figcaption { font-size: .85rem; color: #555; }
nav { margin-bottom: 1rem; } footer { margin-top: 2rem; color: #666; font-size: .85rem; }
`;

/** Draws the charts from the JSON element; text goes in through uPlot's own DOM code. */
const CHART_SCRIPT = `
(function () {
  var charts = JSON.parse(document.getElementById("report-charts").textContent);
  charts.forEach(function (c) {
    var el = document.getElementById(c.id);
    if (!el) return;
    var d = c.data;
    if (c.kind === "bars") {
      new uPlot({
        width: 420, height: 200, legend: { show: false },
        scales: { x: { time: !!d.time }, y: { range: function (u, lo, hi) { return [0, hi * 1.1 || 1]; } } },
        series: [{}, { label: d.yLabel, fill: "rgba(102,153,204,0.6)", stroke: "#369",
          paths: uPlot.paths.bars({ size: [0.9, 40], align: 1 }), points: { show: false } }],
        axes: [{}, {}]
      }, [d.x, d.y], el);
    } else if (c.kind === "timeline") {
      new uPlot({
        width: 900, height: 260,
        scales: { y: { range: function (u, lo, hi) { return [0, hi * 1.1 || 1]; } } },
        series: [{}, { label: "rows", stroke: "#369", width: 1 },
          { label: "planned", stroke: "#e90", width: 1, dash: [4, 4] },
          { label: "configured shape", stroke: "#c33", width: 2 }]
      }, [d.x, d.rows, d.planned, d.shape], el);
    }
  });
})();
`;
