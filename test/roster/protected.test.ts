import assert from "node:assert/strict";
import { hasErrorCode } from "../../src/errors";
import {
  checkNeverDisable,
  matchesPattern,
  neverDisableFromConfig,
  neverDisablePatterns,
  protectingPattern,
} from "../../src/roster/protected";
import { readRoster } from "../../src/roster/source";
import { problemsOf } from "./helpers";

describe("protected accounts (neverDisable)", () => {
  // [address, pattern, matches]
  const matches: [string, string, boolean][] = [
    ["ceo@example.com", "ceo@example.com", true],
    ["CEO@Example.COM", " ceo@example.com ", true],
    ["ceo@example.com", "CEO@EXAMPLE.COM", true],
    ["ceo2@example.com", "ceo@example.com", false],
    ["root@admins.example.com", "*@admins.example.com", true],
    ["root@evil-admins.example.com", "*@admins.example.com", false],
    ["root@admins.example.com.evil.com", "*@admins.example.com", false],
    ["svc-backup@example.com", "svc-*@example.com", true],
    ["svc-@example.com", "svc-*@example.com", true],
    ["svc@example.com", "svc-*@example.com", false],
    ["anyone@anywhere.org", "*", true],
    ["a.b@example.com", "a*b*c*d*@example.com", false],
    ["abcd@example.com", "a*b*c*d*@example.com", true],
    ["axxbxxcxxd@example.com", "a**b*c*d@*", true],
    // Regular-expression characters are themselves: no injection.
    ["aXb@example.com", "a.b@example.com", false],
    ["a.b@example.com", "a.b@example.com", true],
    ["ab@example.com", "a+b@example.com", false],
    ["aab@example.com", "a+b@example.com", false],
    ["a+b@example.com", "a+b@example.com", true],
    ["anything@example.com", ".*@example.com", false],
    ["x@example.com", "(x|y)@example.com", false],
    ["(x|y)@example.com", "(x|y)@example.com", true],
    ["a*b@example.com", "a*b@example.com", true],
    ["a\\b@example.com", "a\\b@example.com", true],
    ["ab@example.com", "[a]b@example.com", false],
  ];
  for (const [email, pattern, expected] of matches) {
    it(`${expected ? "matches" : "does not match"} ${email} with ${pattern}`, () => {
      assert.equal(matchesPattern(email, pattern), expected);
    });
  }

  it("answers a pattern of many stars on a long address (no regular-expression backtracking)", () => {
    assert.equal(matchesPattern(`${"a".repeat(300)}@example.com`, `${"*a".repeat(40)}*b*`), false);
  });

  it("finds the protecting pattern, first one first, as texts or with their origin", () => {
    const patterns = [
      ...neverDisablePatterns(["ceo@example.com"]),
      ...neverDisableFromConfig('["*@admins.example.com", "ceo@*"]'),
    ];
    assert.deepEqual(protectingPattern("root@Admins.example.com", patterns), {
      pattern: "*@admins.example.com",
      origin: "securid:neverDisable",
    });
    assert.deepEqual(protectingPattern("ceo@example.com", patterns), {
      pattern: "ceo@example.com",
      origin: "neverDisable",
    });
    assert.equal(protectingPattern("ada@example.com", patterns), undefined);
    assert.equal(protectingPattern("ceo@example.org", ["x@y.com", "ceo@*"]), "ceo@*");
  });

  const readable: [unknown, string[]][] = [
    [undefined, []],
    [null, []],
    [[], []],
    [
      [" ceo@example.com ", "*@admins.example.com"],
      ["ceo@example.com", "*@admins.example.com"],
    ],
  ];
  for (const [value, patterns] of readable) {
    it(`reads neverDisable ${JSON.stringify(value)}`, () => {
      assert.deepEqual(
        neverDisablePatterns(value).map((p) => p.pattern),
        patterns,
      );
    });
  }

  const unreadable: [unknown, string][] = [
    [
      "ceo@example.com",
      'neverDisable must be a list, got the text "ceo@example.com". neverDisable is a list such as ["ceo@example.com", "*@admins.example.com"]',
    ],
    [
      ["ceo@example.com", 3],
      'neverDisable[1] must be a text, got a number (3). neverDisable is a list such as ["ceo@example.com", "*@admins.example.com"]',
    ],
    [
      ["", "a b@example.com"],
      'neverDisable[0] is empty; write an address or a pattern such as "*@admins.example.com"; neverDisable[1] "a b@example.com" contains a space, so it can match no address; remove it. neverDisable is a list such as ["ceo@example.com", "*@admins.example.com"]',
    ],
  ];
  for (const [value, message] of unreadable) {
    it(`refuses neverDisable ${JSON.stringify(value)}`, () => {
      assert.throws(
        () => neverDisablePatterns(value),
        (err: Error) => hasErrorCode(err, "ERR_INVALID_INPUT") && err.message === message,
      );
    });
  }

  const config: [string | undefined, string[] | string][] = [
    [undefined, []],
    ["", []],
    ["  ", []],
    ['["ceo@example.com", "*@ADMINS.example.com"]', ["ceo@example.com", "*@ADMINS.example.com"]],
    [
      "ceo@example.com",
      'securid:neverDisable is not valid JSON; set it to a JSON list of addresses or patterns: pulumi config set securid:neverDisable \'["ceo@example.com", "*@admins.example.com"]\'',
    ],
    [
      '{"ceo": true}',
      'securid:neverDisable must be a list, got an object. securid:neverDisable is a JSON list of addresses or patterns, e.g. pulumi config set securid:neverDisable \'["ceo@example.com", "*@admins.example.com"]\'',
    ],
    [
      '["ceo@example.com", 1]',
      'securid:neverDisable[1] must be a text, got a number (1). securid:neverDisable is a JSON list of addresses or patterns, e.g. pulumi config set securid:neverDisable \'["ceo@example.com", "*@admins.example.com"]\'',
    ],
  ];
  for (const [text, expected] of config) {
    it(`${typeof expected === "string" ? "refuses" : "reads"} stack config securid:neverDisable ${JSON.stringify(text)}`, () => {
      if (typeof expected === "string") {
        assert.throws(
          () => neverDisableFromConfig(text),
          (err: Error) => hasErrorCode(err, "ERR_INVALID_CONFIG") && err.message === expected,
        );
      } else {
        assert.deepEqual(
          neverDisableFromConfig(text).map((p) => p.pattern),
          expected,
        );
      }
    });
  }

  it("refuses every Disabled entry a pattern protects, naming the address, the pattern and its origin", () => {
    const roster = readRoster({
      kind: "file",
      path: "people.csv",
      text: "email,status\nceo@example.com,Disabled\nroot@admins.example.com,Enabled\nops@Admins.example.com,Disabled\nada@example.com,Disabled\n",
    });
    const patterns = [
      ...neverDisablePatterns(["CEO@example.com"]),
      ...neverDisableFromConfig('["*@admins.example.com"]'),
    ];
    assert.deepEqual(
      problemsOf(() => checkNeverDisable(roster, patterns)),
      [
        'people.csv line 2: ceo@example.com must never be Disabled: neverDisable protects it with "CEO@example.com"; set the entry to Enabled, or change neverDisable if this account may be disabled',
        'people.csv line 4: ops@Admins.example.com must never be Disabled: securid:neverDisable protects it with "*@admins.example.com"; set the entry to Enabled, or change securid:neverDisable if this account may be disabled',
      ],
    );
    checkNeverDisable(roster, []);
    checkNeverDisable(roster, neverDisablePatterns(["nobody@example.com"]));
  });
});
