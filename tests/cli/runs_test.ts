/**
 * Runs and files under stress (issue 8): two runs into one folder, real
 * signals, `--force` on foreign folders, broken pipes, full disks and a
 * failed rename. Every failure is one clear line with the right exit code,
 * nothing at the final path and no staging left behind.
 */
import assert from "node:assert/strict";
import { runCli, spawnCli } from "../_helpers/rows.ts";
import { folderTarget } from "../../core/output.ts";
import { FabricateError } from "../../core/errors.ts";

const CLI = new URL("../../cli.ts", import.meta.url).pathname;
const CONFIG = new URL("../../deno.json", import.meta.url).pathname;
const ARGS = ["run", "-P=cli", "--no-prompt", "--quiet", "--config", CONFIG, CLI];

/** A scenario big enough that a run lasts a few seconds. */
const SLOW = `name: slow
entities:
  rows:
    count: 3000000
    fields:
      id: { sequence: {} }
      word: { faker: lorem.word }
`;

async function tempDir(): Promise<string> {
  return await Deno.makeTempDir({ prefix: "fabricate-runs-" });
}

async function names(dir: string): Promise<string[]> {
  const out: string[] = [];
  for await (const e of Deno.readDir(dir)) out.push(e.name);
  return out.sort();
}

/** Waits until a staging folder shows up in `dir` (the run is writing). */
async function stagingAppears(dir: string): Promise<string> {
  for (let i = 0; i < 600; i++) {
    const found = (await names(dir)).find((n) => /^\.fabricate-[0-9a-f]{8}-/.test(n));
    if (found) return found;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error("the run never started writing");
}

function errorLines(stderr: string): string[] {
  return stderr.replace(
    /^.*Permissions in the config file is an experimental feature.*\n/gm,
    "",
  ).split("\n").filter((l) => l.trim() !== "");
}

Deno.test("a second run into a folder being written fails clearly; the first completes", async () => {
  const dir = await tempDir();
  try {
    await Deno.writeTextFile(`${dir}/s.yaml`, SLOW.replace("3000000", "1500000"));
    await Deno.mkdir(`${dir}/out`);
    const first = spawnCli(["gen", "s.yaml", "--out", "out", "-q"], { cwd: dir });
    await stagingAppears(dir);
    // The first run is held still while the second starts, however fast it would finish.
    first.kill("SIGSTOP");
    let second;
    try {
      second = await runCli(["gen", "s.yaml", "--out", "out", "-q"], { cwd: dir });
    } finally {
      first.kill("SIGCONT");
    }
    const done = await first.output();
    assert.equal(done.code, 0, new TextDecoder().decode(done.stderr));
    assert.equal(second.code, 2, second.stderr);
    assert.match(second.stderr, /another fabricate run \(pid \d+\) is writing there/);
    assert.ok(!second.stderr.includes("    at "), "no stack trace");
    assert.deepEqual(await names(`${dir}/out`), ["manifest.json", "rows.json"]);
    assert.deepEqual(await names(dir), ["out", "s.yaml"], "no lock or staging left");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a lock left by a dead run is taken over; one held by a live process is respected", async () => {
  const dir = await tempDir();
  try {
    await Deno.writeTextFile(`${dir}/s.yaml`, SLOW.replace("3000000", "5"));
    // A live run holds the OS lock (here: this test process).
    const lock = await Deno.open(`${dir}/.fabricate-lock-out`, { write: true, create: true });
    assert.ok(await lock.tryLock(true));
    await lock.write(new TextEncoder().encode(`${Deno.pid}\n`));
    const held = await runCli(["gen", "s.yaml", "--out", "out", "-q"], { cwd: dir });
    assert.equal(held.code, 2);
    assert.match(held.stderr, new RegExp(`another fabricate run \\(pid ${Deno.pid}\\)`));
    assert.deepEqual(await names(dir), [".fabricate-lock-out", "s.yaml"], "someone else's lock");
    // The holder dies without cleaning up: the file stays, the OS lock is gone.
    lock.close();
    const ok = await runCli(["gen", "s.yaml", "--out", "out", "-q"], { cwd: dir });
    assert.equal(ok.code, 0, ok.stderr);
    assert.deepEqual(await names(dir), ["out", "s.yaml"]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

for (const [signal, code] of [["SIGTERM", 143], ["SIGHUP", 129], ["SIGINT", 130]] as const) {
  Deno.test(`${signal} during a run removes the staging folder and exits ${code}`, async () => {
    const dir = await tempDir();
    try {
      await Deno.writeTextFile(`${dir}/s.yaml`, SLOW);
      const child = spawnCli(["gen", "s.yaml", "--out", "out", "-q", "--batch-size", "2000"], {
        cwd: dir,
      });
      await stagingAppears(dir);
      child.kill(signal);
      const result = await child.output();
      const lines = errorLines(new TextDecoder().decode(result.stderr));
      assert.equal(result.code, code, lines.join("\n"));
      assert.equal(lines.length, 1, lines.join("\n"));
      assert.match(lines[0]!, /Interrupted.*nothing was written to the output path/);
      assert.deepEqual(await names(dir), ["s.yaml"], "no staging, no lock, no output");
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  });
}

Deno.test("SIGKILL leaves staging behind; the next run into the same parent removes it", async () => {
  const dir = await tempDir();
  try {
    await Deno.writeTextFile(`${dir}/s.yaml`, SLOW);
    const child = spawnCli(["gen", "s.yaml", "--out", "out", "-q", "--batch-size", "2000"], {
      cwd: dir,
    });
    const staging = await stagingAppears(dir);
    child.kill("SIGKILL");
    await child.output();
    assert.ok((await names(dir)).includes(staging), "SIGKILL cannot be caught");
    assert.ok((await names(dir)).includes(".fabricate-lock-out"));
    // The staging folder of a live run (this test holds the lock of "busy") stays.
    const live = `.fabricate-0123abcd-busy`;
    await Deno.mkdir(`${dir}/${live}`);
    const lock = await Deno.open(`${dir}/.fabricate-lock-busy`, { write: true, create: true });
    assert.ok(await lock.tryLock(true));

    await Deno.writeTextFile(`${dir}/small.yaml`, SLOW.replace("3000000", "3"));
    const next = await runCli(["gen", "small.yaml", "--out", "other", "-q"], { cwd: dir });
    assert.equal(next.code, 0, next.stderr);
    assert.deepEqual(await names(dir), [
      live,
      ".fabricate-lock-busy",
      "other",
      "s.yaml",
      "small.yaml",
    ]);
    lock.close();
    // And the killed run's target is free again.
    const again = await runCli(["gen", "small.yaml", "--out", "out", "-q"], { cwd: dir });
    assert.equal(again.code, 0, again.stderr);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("--force replaces earlier fabricate output", async () => {
  const dir = await tempDir();
  try {
    await Deno.writeTextFile(`${dir}/s.yaml`, SLOW.replace("3000000", "3"));
    assert.equal((await runCli(["gen", "s.yaml", "--out", "out", "-q"], { cwd: dir })).code, 0);
    await Deno.writeTextFile(`${dir}/out/stray.txt`, "x");
    const r = await runCli(["gen", "s.yaml", "--out", "out", "-q", "--force", "-f", "csv"], {
      cwd: dir,
    });
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(await names(`${dir}/out`), ["manifest.json", "rows.csv"]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("`gen --out - | head -3` ends quietly with exit 0", async () => {
  const dir = await tempDir();
  try {
    await Deno.writeTextFile(`${dir}/s.yaml`, SLOW.replace("3000000", "200000"));
    const cmd = [Deno.execPath(), ...ARGS, "gen", "s.yaml", "-f", "csv", "--out", "-"]
      .map((a) => `'${a}'`).join(" ");
    const out = await new Deno.Command("bash", {
      args: ["-c", `${cmd} | head -3; echo "status=\${PIPESTATUS[0]}" >&2`],
      cwd: dir,
      env: { NO_COLOR: "1" },
      stdout: "piped",
      stderr: "piped",
    }).output();
    const stdout = new TextDecoder().decode(out.stdout);
    const lines = errorLines(new TextDecoder().decode(out.stderr));
    assert.equal(stdout.split("\n").length, 4, stdout);
    assert.deepEqual(lines.filter((l) => !/^\s*(rows|✓|done|\d)/.test(l)), ["status=0"]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a full disk on stdout (/dev/full) is one line, exit 1", async () => {
  const cmd = [Deno.execPath(), ...ARGS, "gen", "quickstart", "-f", "csv", "--only", "orders"]
    .concat(["--out", "-", "-q"]).map((a) => `'${a}'`).join(" ");
  const out = await new Deno.Command("sh", {
    args: ["-c", `${cmd} > /dev/full`],
    env: { NO_COLOR: "1" },
    stderr: "piped",
  }).output();
  const lines = errorLines(new TextDecoder().decode(out.stderr));
  assert.equal(out.code, 1, lines.join("\n"));
  assert.equal(lines.length, 2, lines.join("\n")); // the error and its hint
  assert.match(lines[0]!, /^error: Cannot write standard output: no space left on the device$/);
});

Deno.test("a full disk in the output folder (tiny tmpfs) is one line, exit 1, no leftovers", async (t) => {
  const dir = await tempDir();
  const mount = await new Deno.Command("mount", {
    args: ["-t", "tmpfs", "-o", "size=256k", "tmpfs", dir],
    stderr: "null",
  }).output().catch(() => undefined);
  if (!mount?.success) {
    await Deno.remove(dir);
    if (Deno.env.get("CI")) assert.fail("CI runs as root and must be able to mount a tmpfs");
    return void t.step({ name: "needs root to mount a tmpfs", ignore: true, fn: () => {} });
  }
  try {
    await Deno.writeTextFile(`${dir}/s.yaml`, SLOW.replace("3000000", "200000"));
    const r = await runCli(["gen", "s.yaml", "--out", "out", "-q"], { cwd: dir });
    assert.equal(r.code, 1, r.stderr);
    const lines = errorLines(r.stderr);
    assert.match(lines[0]!, /^error: Cannot write "rows.json": no space left on the device$/);
    assert.ok(!r.stderr.includes("    at "), "no stack trace");
    assert.deepEqual(await names(dir), ["s.yaml"]);
  } finally {
    await new Deno.Command("umount", { args: [dir] }).output();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a failed rename into place is a runtime error; staging and lock are removed", async () => {
  const dir = await tempDir();
  try {
    const target = await folderTarget({ out: `${dir}/run`, scenario: "x" });
    const file = await target.open("a.txt");
    await file.write("hello\n");
    await file.close();
    // Someone else puts a non-empty folder there meanwhile: rename(2) cannot replace it.
    await Deno.mkdir(`${dir}/run`);
    await Deno.writeTextFile(`${dir}/run/theirs.txt`, "theirs");
    const error = await target.commit().then(() => undefined, (e) => e);
    assert.ok(error instanceof FabricateError, String(error));
    assert.equal(error.exitCode, 1);
    assert.match(error.message, /^Cannot move the output into place at ".*run": /);
    await target.abort();
    assert.deepEqual(await names(dir), ["run"]);
    assert.deepEqual(await names(`${dir}/run`), ["theirs.txt"]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
