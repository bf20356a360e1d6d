/**
 * Arguments for the `mariadb` client from a `mysql://user:pass@host:port`
 * URL (FABRICATE_TEST_MYSQL): TCP, utf8mb4, and the password in MYSQL_PWD
 * rather than on the command line.
 *
 * @module
 */

/**
 * The `mariadb` client's connection arguments and environment for a URL.
 *
 * @param url A `mysql://` URL.
 * @returns The arguments (add `--batch` and the like) and the environment.
 * @example
 * ```ts
 * import { mariadbArgs } from "./mariadb.ts";
 * mariadbArgs("mysql://root@127.0.0.1:33069").args.slice(-2); // ["-u", "root"]
 * ```
 */
export function mariadbArgs(url: string): { args: string[]; env: Record<string, string> } {
  const u = new URL(url);
  const args = [
    "--default-character-set=utf8mb4",
    "--protocol=TCP",
    "-h",
    u.hostname,
    "-P",
    u.port || "3306",
    "-u",
    decodeURIComponent(u.username),
  ];
  const env: Record<string, string> = {};
  if (u.password) env.MYSQL_PWD = decodeURIComponent(u.password);
  return { args, env };
}
