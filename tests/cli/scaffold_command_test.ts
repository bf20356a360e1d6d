/**
 * The `plugin new` scaffold's suggested test command works exactly as
 * printed, from a folder outside fabricate's (no deno.json there).
 */
import assert from "node:assert/strict";
import { runCli } from "../_helpers/rows.ts";

for (const kind of ["generator", "validator", "formatter"]) {
  Deno.test(`plugin new --kind ${kind}: the printed test command passes as printed`, async () => {
    const dir = await Deno.makeTempDir({ prefix: "fabricate-scaffold-" });
    try {
      const made = await runCli(["plugin", "new", "thing", "--kind", kind], { cwd: dir });
      assert.equal(made.code, 0, made.stderr);
      const line = made.stderr.split("\n").map((l) => l.trim()).find((l) =>
        l.startsWith("deno test ")
      );
      assert.ok(line, made.stderr);
      const deno = Deno.execPath();
      const out = await new Deno.Command("sh", {
        args: ["-c", line!],
        cwd: dir,
        env: {
          PATH: `${deno.slice(0, deno.lastIndexOf("/"))}:${Deno.env.get("PATH") ?? ""}`,
          NO_COLOR: "1",
        },
        stdout: "piped",
        stderr: "piped",
      }).output();
      const text = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
      assert.equal(out.code, 0, `${line}\n${text}`);
      assert.match(text, /ok \| \d+ passed \| 0 failed/);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  });
}
