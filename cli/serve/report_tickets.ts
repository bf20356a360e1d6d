/**
 * Report tickets of `fabricate serve`: when the server requires a token, a
 * new browser tab cannot send `Authorization: Bearer`, so the UI (holding
 * the token) asks `POST /api/jobs/:id/report-ticket` for a ticket and opens
 * `/api/jobs/:id/report?ticket=…` in the new tab instead.
 *
 * A ticket is 256 random bits (`crypto.getRandomValues`), opens the
 * report.html of one job only, once, and only within its lifetime (60 s at
 * most). Only its SHA-256 digest is kept, and a presented ticket is compared
 * with every outstanding one in full (the time does not depend on how much
 * of it is right). A ticket presented for another job is spent all the same.
 *
 * @module
 */

/** The longest a ticket lives, in milliseconds. */
export const MAX_TICKET_MS = 60_000;

/** Most tickets outstanding at once; the oldest go first beyond it. */
const MAX_OUTSTANDING = 256;

interface Outstanding {
  readonly digest: Uint8Array;
  readonly job: string;
  readonly expires: number;
}

/** Options of {@linkcode ReportTickets}. */
export interface ReportTicketOptions {
  /** Lifetime in milliseconds (default and most {@linkcode MAX_TICKET_MS}). */
  lifetimeMs?: number;
  /** The clock (default `Date.now`), for tests. */
  now?: () => number;
}

/**
 * The tickets a server has issued and not yet seen spent or expired.
 *
 * @example
 * ```ts
 * import { ReportTickets } from "./report_tickets.ts";
 * const tickets = new ReportTickets();
 * const ticket = await tickets.issue("job1");
 * await tickets.redeem("job1", ticket); // true
 * await tickets.redeem("job1", ticket); // false: spent
 * ```
 */
export class ReportTickets {
  readonly #lifetime: number;
  readonly #now: () => number;
  #outstanding: Outstanding[] = [];

  /** @param options Lifetime (capped at {@linkcode MAX_TICKET_MS}) and clock. */
  constructor(options: ReportTicketOptions = {}) {
    const ms = options.lifetimeMs ?? MAX_TICKET_MS;
    this.#lifetime = Number.isFinite(ms) && ms > 0 ? Math.min(ms, MAX_TICKET_MS) : MAX_TICKET_MS;
    this.#now = options.now ?? Date.now;
  }

  /** The lifetime of a ticket in milliseconds. */
  get lifetimeMs(): number {
    return this.#lifetime;
  }

  /**
   * Issues a ticket for one job's report.
   *
   * @param job The job id.
   * @returns The ticket (64 hex digits).
   * @example
   * ```ts
   * import { ReportTickets } from "./report_tickets.ts";
   * const ticket = await new ReportTickets().issue("job1");
   * ticket.length; // 64
   * ```
   */
  async issue(job: string): Promise<string> {
    const bytes = crypto.getRandomValues(new Uint8Array(32));
    const ticket = [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("");
    this.#prune();
    if (this.#outstanding.length >= MAX_OUTSTANDING) this.#outstanding.shift();
    this.#outstanding.push({
      digest: await digest(ticket),
      job,
      expires: this.#now() + this.#lifetime,
    });
    return ticket;
  }

  /**
   * Spends a ticket: true when it was issued for `job`, is not spent and has
   * not expired. A ticket that matches is spent whatever the answer.
   *
   * @param job The job id the request names.
   * @param ticket The ticket presented.
   * @returns Whether it opens that job's report.
   * @example
   * ```ts
   * import { ReportTickets } from "./report_tickets.ts";
   * const tickets = new ReportTickets();
   * const ticket = await tickets.issue("a");
   * await tickets.redeem("b", ticket); // false, and spent
   * await tickets.redeem("a", ticket); // false
   * ```
   */
  async redeem(job: string, ticket: string): Promise<boolean> {
    const given = await digest(ticket);
    this.#prune();
    let found = -1;
    this.#outstanding.forEach((t, i) => {
      let diff = 0;
      for (let k = 0; k < t.digest.length; k++) diff |= t.digest[k]! ^ given[k]!;
      if (diff === 0) found = i;
    });
    if (found < 0) return false;
    const [t] = this.#outstanding.splice(found, 1);
    return t!.job === job;
  }

  /** Drops expired tickets. */
  #prune(): void {
    const now = this.#now();
    this.#outstanding = this.#outstanding.filter((t) => t.expires > now);
  }
}

async function digest(text: string): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text)));
}
