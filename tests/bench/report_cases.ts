/**
 * Benchmark cases of the quality report: customers-10 to CSV with
 * `report: true` (statistics collected while streaming; compare with
 * gen-csv for the overhead), and `fabricate report` reading the folder back.
 *
 * @module
 */
import { gen } from "../../core/gen.ts";
import { dataFilesIn } from "../../cli/data_files.ts";
import { collectFiles, planFor, readManifest } from "../../cli/report_files.ts";

/** The report cases. */
export const REPORT_CASES: string[] = ["gen-csv-report", "report-read-csv"];

/**
 * Runs one report case and returns the bytes of the report files.
 *
 * @param name The case.
 * @param rows Rows of customers.
 * @param dir A scratch folder.
 * @returns Bytes written by the report.
 * @example
 * ```ts ignore
 * await reportCase("gen-csv-report", 1_000_000, "/tmp/bench");
 * ```
 */
export async function reportCase(name: string, rows: number, dir: string): Promise<number> {
  const out = `${dir}/${name}`;
  if (name === "gen-csv-report") {
    // One thread, as gen-csv: the difference is the report (with Workers, their rows would also
    // have to be copied to the main thread as values, not only as bytes).
    await gen("customers-10", {
      out,
      formats: ["csv"],
      counts: { customers: rows },
      report: true,
      workers: 1,
    });
    return (await Deno.stat(`${out}/report.json`)).size +
      (await Deno.stat(`${out}/report.html`)).size;
  }
  // report-read-csv: generate, then read the folder back; the figure covers both (subtract gen-csv).
  await gen("customers-10", { out, formats: ["csv"], counts: { customers: rows }, workers: 1 });
  const manifest = await readManifest(out);
  const { plan } = await planFor("customers-10", manifest, {});
  try {
    const { files } = await dataFilesIn(out, plan.entities.map((e) => e.name));
    const { collector } = await collectFiles(plan, files, { validate: false });
    return JSON.stringify(collector.result()).length;
  } finally {
    plan.registry.close();
  }
}
