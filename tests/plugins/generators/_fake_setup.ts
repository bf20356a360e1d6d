/**
 * Hand-made generator setups, for unit tests of generators that read what
 * only some entities have (an owner, a timeline) without a whole scenario.
 *
 * @module
 */
import { Random } from "../../../core/random.ts";
import type {
  FieldGenerator,
  GeneratorPlugin,
  GeneratorSetup,
  OwnerInfo,
  RowContext,
  TimelineInfo,
} from "../../../core/types.ts";

/**
 * A setup for field `v` of entity `e` (fields `v` and `extra`), with
 * optional owner and timeline.
 *
 * @example
 * ```ts ignore
 * const setup = fakeSetup({ owner: ownerOf("orders", [2, 1, 3]) });
 * ```
 */
export function fakeSetup(
  options: {
    owner?: OwnerInfo;
    timeline?: TimelineInfo;
    fields?: string[];
    entities?: Record<string, string[]>;
    counts?: Record<string, number>;
  } = {},
): GeneratorSetup {
  const fields = options.fields ?? ["v"];
  const entities = new Map(
    Object.entries({ e: fields, ...(options.entities ?? {}) }).map((
      [name, f],
    ) => [name, { name, fields: f }]),
  );
  return {
    entity: "e",
    field: "v",
    locale: "en",
    seed: 1,
    referenceDate: new Date("2025-01-01T00:00:00Z"),
    entities,
    count: (e) => options.counts?.[e] ?? 10,
    valueAt: (_e, _f, i) => i,
    ...(options.owner ? { owner: options.owner } : {}),
    ...(options.timeline ? { timeline: options.timeline } : {}),
  };
}

/**
 * An owner where parent `p` has `sizes[p]` rows, in parent order.
 *
 * @example
 * ```ts ignore
 * ownerOf("orders", [2, 1]).parentOf(2); // 1
 * ```
 */
export function ownerOf(entity: string, sizes: readonly number[]): OwnerInfo {
  const parent: number[] = [], position: number[] = [];
  sizes.forEach((n, p) => {
    for (let k = 0; k < n; k++) {
      parent.push(p);
      position.push(k);
    }
  });
  return {
    entity,
    parentOf: (i) => parent[i]!,
    positionOf: (i) => position[i]!,
    siblingsOf: (i) => sizes[parent[i]!]!,
    rowsOf: (j) => {
      const start = sizes.slice(0, j).reduce((a, b) => a + b, 0);
      return [start, start + sizes[j]!];
    },
  };
}

/**
 * A timeline whose row `i` is at `from + i × step` milliseconds.
 *
 * @example
 * ```ts ignore
 * timelineOf("2024-01-01", 3_600_000).timeAt(2); // two hours after midnight
 * ```
 */
export function timelineOf(from: string, step: number, days = 31): TimelineInfo {
  const start = new Date(`${from}T00:00:00Z`);
  return {
    from: start,
    to: new Date(start.getTime() + days * 86_400_000),
    timeAt: (i) => start.getTime() + i * step,
    dayOf: (i) => Math.floor((i * step) / 86_400_000),
  };
}

/**
 * The values of rows `0..n-1` of a generator set up by hand, each row with
 * its own seeded stream (as the kernel does).
 *
 * @example
 * ```ts ignore
 * const values = await valuesOf(position, { start: 1 }, fakeSetup({ owner }), 5);
 * ```
 */
export async function valuesOf<O>(
  plugin: GeneratorPlugin<O>,
  options: unknown,
  setup: GeneratorSetup,
  n: number,
): Promise<unknown[]> {
  const gen: FieldGenerator = await plugin.create(plugin.options.parse(options), setup);
  const random = new Random();
  const row: RowContext & { index: number } = {
    index: 0,
    random,
    attempt: 0,
    get: () => {
      throw new Error("no other fields in a fake setup");
    },
    lookup: () => {
      throw new Error("no parents in a fake setup");
    },
  };
  const out: unknown[] = [];
  for (let i = 0; i < n; i++) {
    row.index = i;
    random.reseed(12345, i);
    out.push(gen.value(row));
  }
  return out;
}
