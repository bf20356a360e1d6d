import assert from "node:assert/strict";
import ref from "../../../plugins/validators/ref.ts";
import { batchOf, optionProblems, run, setupFor, type SyncValidator } from "./_setup.ts";

const scenario = {
  entities: { customers: ["id", "name"], orders: ["id", "customer_id", "legacy"] },
  refs: { "orders.customer_id": "customers.id" },
  values: { "customers.id": [1, 2, 3, null] },
};

Deno.test("ref finds the parent of a ref field and checks every non-null value", () => {
  const issues = run(ref, undefined, setupFor("orders", "customer_id", scenario), [
    batchOf({ customer_id: [1, 2, 4, null] }, 0),
    batchOf({ customer_id: [3, "1", 0] }, 4),
  ]);
  assert.deepEqual(issues, [
    { row: 2, field: "customer_id", message: "4 is not a customers.id", value: 4 },
    { row: 5, field: "customer_id", message: '"1" is not a customers.id', value: "1" },
    { row: 6, field: "customer_id", message: "0 is not a customers.id", value: 0 },
  ]);
});

Deno.test("ref regenerates the parent keys once, lazily", () => {
  let calls = 0;
  const setup = setupFor("orders", "customer_id", scenario);
  const counted = {
    ...setup,
    valueAt: (e: string, f: string, i: number) => (calls++, setup.valueAt(e, f, i)),
  };
  const validator = ref.create(ref.options.parse(undefined), counted) as SyncValidator;
  assert.equal(calls, 0, "nothing is generated at setup");
  validator.check(batchOf({ customer_id: [1] }));
  validator.check(batchOf({ customer_id: [2] }, 1));
  assert.equal(calls, 4);
});

Deno.test("ref takes the parent key from options when the field is not a ref", () => {
  const issues = run(ref, { to: "customers.id" }, setupFor("orders", "legacy", scenario), [
    batchOf({ legacy: [3, 9] }),
  ]);
  assert.deepEqual(issues.map((i) => i.row), [1]);
  assert.deepEqual(
    run(ref, "customers.id", setupFor("orders", "legacy", scenario), [batchOf({ legacy: [3] })]),
    [],
  );
});

Deno.test("ref without a parent says how to name one", () => {
  assert.throws(
    () => run(ref, undefined, setupFor("orders", "legacy", scenario), []),
    /orders\.legacy: it is not a ref field; name the parent key: \{ ref: \{ to: customers\.id \} \}/,
  );
  assert.throws(
    () => run(ref, "custmers.id", setupFor("orders", "legacy", scenario), []),
    /Unknown entity "custmers": did you mean "customers"\?/,
  );
  assert.throws(
    () => run(ref, "customers.idd", setupFor("orders", "legacy", scenario), []),
    /"idd" is not a field of customers: did you mean "id"\?/,
  );
  assert.match(optionProblems(ref, "customers")[0]!.message, /Expected entity\.field/);
});
