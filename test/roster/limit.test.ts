import assert from "node:assert/strict";
import { hasErrorCode } from "../../src/errors";
import { changeLimit, DEFAULT_MAX_CHANGES, parseMaxChanges, type MaxChanges } from "../../src/roster/limit";

describe("maxChanges and the change limit", () => {
  const valid: [unknown, MaxChanges][] = [
    [undefined, { kind: "count", count: DEFAULT_MAX_CHANGES }],
    [null, { kind: "count", count: 25 }],
    [0, { kind: "count", count: 0 }],
    [100, { kind: "count", count: 100 }],
    ["40", { kind: "count", count: 40 }],
    [" 40 ", { kind: "count", count: 40 }],
    ["10%", { kind: "percent", percent: 10 }],
    [" 12.5 % ", { kind: "percent", percent: 12.5 }],
    ["0%", { kind: "percent", percent: 0 }],
    ["100%", { kind: "percent", percent: 100 }],
  ];
  for (const [value, expected] of valid) {
    it(`reads ${JSON.stringify(value)}`, () => {
      assert.deepEqual(parseMaxChanges(value), expected);
    });
  }

  const invalid: [unknown, string][] = [
    [
      -1,
      'maxChanges must be a whole number of changes such as 25, or a percentage of the roster such as "10%", got a number (-1)',
    ],
    [
      2.5,
      'maxChanges must be a whole number of changes such as 25, or a percentage of the roster such as "10%", got a number (2.5)',
    ],
    [
      Infinity,
      'maxChanges must be a whole number of changes such as 25, or a percentage of the roster such as "10%", got a number (Infinity)',
    ],
    [
      "ten",
      'maxChanges must be a whole number of changes such as 25, or a percentage of the roster such as "10%", got the text "ten"',
    ],
    [
      "-5%",
      'maxChanges must be a whole number of changes such as 25, or a percentage of the roster such as "10%", got the text "-5%"',
    ],
    ["150%", 'maxChanges "150%" is more than 100%; use a percentage from "0%" to "100%"'],
    [
      true,
      'maxChanges must be a whole number of changes such as 25, or a percentage of the roster such as "10%", got a boolean (true)',
    ],
  ];
  for (const [value, message] of invalid) {
    it(`refuses ${String(value)}`, () => {
      assert.throws(
        () => parseMaxChanges(value),
        (err: Error) => hasErrorCode(err, "ERR_INVALID_INPUT") && err.message === message,
      );
    });
  }

  // [maxChanges, previous size, next size, limit]
  const limits: [MaxChanges, number, number, number][] = [
    [{ kind: "count", count: 25 }, 1000, 1000, 25],
    [{ kind: "count", count: 0 }, 1000, 1000, 0],
    [{ kind: "percent", percent: 10 }, 540, 500, 54], // of the larger: the old roster
    [{ kind: "percent", percent: 10 }, 0, 540, 54], // first apply: the new roster
    [{ kind: "percent", percent: 10 }, 540, 0, 54], // an empty new roster does not lower the limit
    [{ kind: "percent", percent: 10 }, 9, 9, 0], // rounded down: any change needs confirmation
    [{ kind: "percent", percent: 33.3 }, 1000, 1000, 333],
    [{ kind: "percent", percent: 12.5 }, 10_000, 10_000, 1250],
    [{ kind: "percent", percent: 100 }, 7, 3, 7],
    [{ kind: "percent", percent: 0 }, 10_000, 10_000, 0],
  ];
  for (const [maxChanges, previous, next, limit] of limits) {
    it(`limits ${JSON.stringify(maxChanges)} of ${previous} -> ${next} entries to ${limit}`, () => {
      assert.equal(changeLimit(maxChanges, previous, next), limit);
    });
  }
});
