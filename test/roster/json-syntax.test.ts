import assert from "node:assert/strict";
import { findJsonSyntaxProblem } from "../../src/roster/json-syntax";

describe("JSON syntax errors located", () => {
  // [text, offset of the problem, problem]
  const cases: [string, number, string][] = [
    ['[{"a": x}]', 7, 'unexpected "x" where a value should be'],
    ['[{"a": 1},\n]', 9, 'a trailing comma before "]"; remove it'],
    ['{"a": 1,}', 7, 'a trailing comma before "}"; remove it'],
    ['[{"a": 1} {"b": 2}]', 10, 'unexpected "{" where "," or "]" should be'],
    ["[{a: 1}]", 2, 'unexpected "a" where a name in double quotes should be'],
    ['[{"a" 1}]', 6, 'unexpected "1" where ":" after the name should be'],
    ["['a']", 1, "a single quote; JSON strings and names take double quotes"],
    ["[1, // two\n2]", 4, "a comment; JSON has no comments: remove it"],
    ['[{"a": 1}', 9, 'the text ends where "," or "]" should be; a bracket or a quote is not closed'],
    ['["abc', 1, "a string that is never closed; add the closing double quote"],
    ['["ab\ncd"]', 4, "a line break inside a string; a string ends on its line (write a line break as \\n)"],
    ['["a\\qb"]', 3, 'an invalid escape in a string; write a backslash as "\\\\"'],
    ["[1] [2]", 4, "more text after the end of the JSON value; remove it"],
    ["[01]", 2, 'unexpected "1" where "," or "]" should be'],
    ["[-]", 1, 'unexpected "-" where a value should be'],
    ["[NaN]", 1, 'unexpected "N" where a value should be'],
    ["[\u200b1]", 1, 'unexpected "\\u200B" where a value should be'],
    ["[".repeat(600), 513, "lists or objects nested more than 512 deep"],
  ];
  for (const [text, offset, problem] of cases) {
    it(`${JSON.stringify(text.slice(0, 24))}: ${problem}`, () => {
      assert.throws(() => JSON.parse(text));
      assert.deepEqual(findJsonSyntaxProblem(text), { offset, problem });
    });
  }

  const valid = [
    '[{"email":"a@example.com","status":"Enabled","n":-1.5e+3,"t":true,"f":false,"z":null}]',
    " [ ] ",
    '{"a":{"b":[[],{}]},"c":"\\u00e9\\n\\"\\\\\\/"}',
    "0",
  ];
  for (const text of valid) {
    it(`finds nothing in ${JSON.stringify(text.slice(0, 24))}`, () => {
      JSON.parse(text);
      assert.equal(findJsonSyntaxProblem(text), undefined);
    });
  }
});
