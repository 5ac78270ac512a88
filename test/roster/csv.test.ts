import assert from "node:assert/strict";
import { detectDelimiter, type CsvDelimiter } from "../../src/roster/csv";

describe("CSV separator", () => {
  // Read from the header (the first line with text), outside quotes.
  const cases: [string, CsvDelimiter][] = [
    ["email,status\na;b;c\n", ","],
    ["email;status\na,b\n", ";"],
    ["email;status;note,with comma\n", ","],
    ['"Last, First";email;status\n', ";"],
    ['"Last; First",email,status\n', ","],
    ["\n\n  \nemail;status\n", ";"],
    ["email\tstatus\n", "\t"],
    ["email\tstatus;x\n", ";"],
    ["email\n", ","],
    ["", ","],
    ['"multi\nline;header",email\n', ","],
  ];
  for (const [text, delimiter] of cases) {
    it(`reads ${JSON.stringify(delimiter)} from ${JSON.stringify(text)}`, () => {
      assert.equal(detectDelimiter(text), delimiter);
    });
  }
});
