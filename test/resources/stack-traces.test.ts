import assert from "node:assert/strict";
import { withoutPromiseStackTraces } from "../../src/resources/stack-traces";

describe("withoutPromiseStackTraces", () => {
  const saved = process.env.PULUMI_DEBUG_PROMISE_LEAKS;
  afterEach(() => {
    if (saved === undefined) delete process.env.PULUMI_DEBUG_PROMISE_LEAKS;
    else process.env.PULUMI_DEBUG_PROMISE_LEAKS = saved;
  });

  it("builds with no stack trace and puts the limit back, also when the build throws", () => {
    delete process.env.PULUMI_DEBUG_PROMISE_LEAKS;
    const limit = Error.stackTraceLimit;
    const stack = withoutPromiseStackTraces(() => new Error("inside").stack);
    assert.equal(stack, "Error: inside", "no frame recorded");
    assert.throws(
      () =>
        withoutPromiseStackTraces(() => {
          throw new Error("boom");
        }),
      /boom/,
    );
    assert.equal(Error.stackTraceLimit, limit);
  });

  it("keeps the traces when the SDK's leak debugging is on", () => {
    process.env.PULUMI_DEBUG_PROMISE_LEAKS = "true";
    const stack = withoutPromiseStackTraces(() => new Error("inside").stack);
    assert.match(stack ?? "", /\n\s+at /);
  });
});
