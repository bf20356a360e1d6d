/**
 * Benchmark cases of `fabricate serve` (in-process server on 127.0.0.1):
 * serve-job-csv posts customers-10 to CSV as a job and polls it to the end
 * (compare with gen-csv for the server's overhead); serve-zip times only
 * the streamed .zip download of that output (peak MB shows memory stays flat).
 *
 * @module
 */
import { serve } from "../../cli/serve/server.ts";

/** The serve cases. */
export const SERVE_CASES: string[] = ["serve-job-csv", "serve-zip"];

/**
 * Runs one serve case.
 *
 * @param name The case.
 * @param rows Rows of customers.
 * @param dir A scratch folder (the workspace).
 * @returns Bytes produced (the CSV, or the .zip) and the milliseconds timed.
 * @example
 * ```ts ignore
 * await serveCase("serve-zip", 1_000_000, "/tmp/bench");
 * ```
 */
export async function serveCase(
  name: string,
  rows: number,
  dir: string,
): Promise<{ bytes: number; ms: number }> {
  // One worker, as gen-csv: the difference is the server and the job manager.
  const server = await serve({ port: 0, dir: `${dir}/ws`, workers: 1 });
  try {
    const t0 = performance.now();
    const res = await fetch(new URL("api/jobs", server.url), {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        scenario: "customers-10",
        formats: ["csv"],
        counts: { customers: rows },
      }),
    });
    const { id } = await res.json();
    // deno-lint-ignore no-explicit-any
    let job: any;
    do {
      await new Promise((r) => setTimeout(r, 20));
      job = await (await fetch(new URL(`api/jobs/${id}`, server.url))).json();
    } while (job.status === "queued" || job.status === "running");
    if (job.status !== "succeeded") throw new Error(`job ${job.status}: ${job.error?.message}`);
    const jobMs = performance.now() - t0;
    if (name === "serve-job-csv") {
      return {
        bytes: job.files.find((f: { path: string }) => f.path === "customers.csv").bytes,
        ms: jobMs,
      };
    }
    const t1 = performance.now();
    const zip = await fetch(new URL(`api/jobs/${id}/download`, server.url));
    let bytes = 0;
    for await (const chunk of zip.body!) bytes += chunk.byteLength;
    return { bytes, ms: performance.now() - t1 };
  } finally {
    await server.shutdown();
  }
}
