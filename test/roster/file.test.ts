import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { rosterFileSource } from "../../src/roster/file";
import { readRoster } from "../../src/roster/source";
import { rosterErrorOf } from "./helpers";

describe("roster files", () => {
  let dir: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "roster-"));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("reads a file as a source", () => {
    const file = path.join(dir, "people.csv");
    fs.writeFileSync(file, "email,status\nada@example.com,Enabled\n");
    const roster = readRoster(rosterFileSource(file));
    assert.deepEqual(
      roster.entries.map((e) => e.email),
      ["ada@example.com"],
    );
    assert.equal(roster.format, "csv");
  });

  it("decodes bytes that are not UTF-8 as U+FFFD, which the entry checks report", () => {
    const file = path.join(dir, "latin1.csv");
    fs.writeFileSync(file, Buffer.from("email,status\nren\xe9@example.com,Enabled\n", "latin1"));
    assert.match(
      rosterErrorOf(() => readRoster(rosterFileSource(file))).message,
      /line 2: email "ren\uFFFD@example.com" holds U\+FFFD, the mark of bytes that were not UTF-8: save the file as UTF-8$/,
    );
  });

  const unreadable: [string, (dir: string) => string, RegExp][] = [
    [
      "a missing file",
      (d) => path.join(d, "nobody.csv"),
      /there is no such file \(resolved to .*nobody\.csv\)/,
    ],
    ["a directory", (d) => d, /it is a directory/],
  ];
  for (const [what, filePath, reason] of unreadable) {
    it(`refuses ${what}, naming the path`, () => {
      const err = rosterErrorOf(() => rosterFileSource(filePath(dir)));
      assert.match(err.message, /^Invalid roster .*: cannot read the roster file: /);
      assert.match(err.message, reason);
      assert.match(err.message, /check the file option, relative to the program's directory$/);
    });
  }
});
