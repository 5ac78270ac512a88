import assert from "node:assert/strict";
import { emailProblem } from "../../src/resources/email";
import { MAX_LISTED_PROBLEMS } from "../../src/roster/problems";
import { readRoster } from "../../src/roster/source";
import { problemsOf, readFile, rosterErrorOf } from "./helpers";

const HR_MAP = { Active: "Enabled", Terminated: "Disabled", "Leave of Absence": "Disabled" };
const NOT_AN_ADDRESS = emailProblem("x")!;

describe("roster problems", () => {
  // [what, file, text, options, every problem as "place: problem"]
  const cases: [string, string, string, Record<string, unknown>, string[]][] = [
    [
      "a status the map does not know",
      "people.csv",
      "email,status\nada@example.com,Active\nbob@example.com,Termed\n",
      { statusMap: HR_MAP },
      [
        'people.csv line 3: status "Termed" is not in statusMap (known: Active, Terminated, Leave of Absence); add it to statusMap',
      ],
    ],
    [
      "a status that is neither Enabled nor Disabled (no statusMap)",
      "people.yaml",
      "- email: ada@example.com\n  status: Enabled\n- email: bob@example.com\n  status: Locked\n",
      {},
      [
        'people.yaml line 3: status "Locked" is neither Enabled nor Disabled; correct it, or map the roster\'s values with statusMap',
      ],
    ],
    [
      "an empty status",
      "people.csv",
      "email,status\nada@example.com,\n",
      {},
      ['people.csv line 2: status is empty; set it to "Enabled" or "Disabled"'],
    ],
    [
      "an invalid address",
      "people.json",
      '[{"email":"ada@example.com","status":"Enabled"},{"email":"x","status":"Enabled"}]',
      {},
      [`people.json entry [1]: email "x" ${NOT_AN_ADDRESS}`],
    ],
    [
      "an address with an invisible character (shown by code point, not echoed)",
      "people.csv",
      "email,status\nada\u200b@example.com,Enabled\n",
      {},
      [`people.csv line 2: email "ada\\u200B@example.com" ${emailProblem("ada\u200b@example.com")}`],
    ],
    [
      "an empty address",
      "people.csv",
      "email,status\n,Enabled\n",
      {},
      ["people.csv line 2: email is empty; every entry needs the user's address"],
    ],
    [
      "a duplicate address, compared case-insensitively, naming both places",
      "people.csv",
      "email,status\nada@example.com,Enabled\nbob@example.com,Enabled\n ADA@Example.COM ,Disabled\n",
      {},
      [
        "people.csv line 4: ADA@Example.COM is already listed at people.csv line 2 (addresses are compared case-insensitively); keep one entry per user",
      ],
    ],
    [
      "a duplicate through a YAML alias",
      "people.yaml",
      "- &ada {email: ada@example.com, status: Enabled}\n- *ada\n",
      {},
      [
        "people.yaml line 2: ada@example.com is already listed at people.yaml line 1 (addresses are compared case-insensitively); keep one entry per user",
      ],
    ],
    [
      "a missing column, naming the columns found",
      "people.csv",
      "Mail,Status,Dept\nada@example.com,Enabled,HR\n",
      {},
      [
        'people.csv line 1: no column "email" (columns: "Mail", "Status", "Dept"); rename the column, or name it with columns.email',
      ],
    ],
    [
      "both columns missing because there is no header row",
      "people.csv",
      "ada@example.com,Enabled\n",
      {},
      [
        'people.csv line 1: no column "email" (columns: "ada@example.com", "Enabled"); rename the column, or name it with columns.email; the first line holds an address: the file needs a header row first, e.g. email,status',
        'people.csv line 1: no column "status" (columns: "ada@example.com", "Enabled"); rename the column, or name it with columns.status; the first line holds an address: the file needs a header row first, e.g. email,status',
      ],
    ],
    [
      "a column named twice",
      "people.csv",
      "email,status,EMAIL\nada@example.com,Enabled,bob@example.com\n",
      {},
      [
        'people.csv line 1: columns 1 and 3 are all named "email" (names are compared case-insensitively); keep one',
      ],
    ],
    [
      "a JSON entry without the status field, naming the fields found",
      "people.json",
      '[{"email":"ada@example.com","state":"Enabled"}]',
      {},
      [
        'people.json entry [0]: no field "status" (fields: "email", "state"); add it, or name the right field with columns.status',
      ],
    ],
    [
      "a JSON entry with a field named twice in different cases",
      "people.json",
      '[{"email":"ada@example.com","Email":"bob@example.com","status":"Enabled"}]',
      {},
      [
        'people.json entry [0]: the fields "email" and "Email" all name the email field (names are compared case-insensitively); keep one',
      ],
    ],
    [
      "JSON entries that are not records, and values that are not text",
      "people.json",
      '[3, "ada@example.com", null, {"email":["a@example.com"],"status":"Enabled"}]',
      {},
      [
        "people.json entry [0]: the entry is a number (3); each entry is a record with the fields email and status",
        'people.json entry [1]: the entry is the text "ada@example.com"; each entry is a record with the fields email and status',
        "people.json entry [2]: the entry is null; each entry is a record with the fields email and status",
        "people.json entry [3]: email must be a text value, got a list",
      ],
    ],
    [
      "a YAML entry that is not a record",
      "people.yaml",
      "- ada@example.com\n- email: bob@example.com\n  status: Enabled\n",
      {},
      [
        'people.yaml line 1: the entry is the text "ada@example.com"; each entry is a record with the fields email and status',
      ],
    ],
    [
      "an onDelete that is neither keep nor restore",
      "people.csv",
      "email,status,onDelete\nada@example.com,Enabled,remove\n",
      {},
      [
        'people.csv line 2: onDelete "remove" is neither keep nor restore; set one of them, or leave it empty for keep',
      ],
    ],
    [
      "bytes that were not UTF-8 (decoded as U+FFFD)",
      "people.csv",
      "email,status\nren\uFFFD@example.com,Active\nada@example.com,Cong\uFFFD\n",
      { statusMap: { Active: "Enabled", Congé: "Disabled" } },
      [
        'people.csv line 2: email "ren\uFFFD@example.com" holds U+FFFD, the mark of bytes that were not UTF-8: save the file as UTF-8',
        'people.csv line 3: status "Cong\uFFFD" is not in statusMap (known: Active, Congé); add it to statusMap; it holds U+FFFD, the mark of bytes that were not UTF-8: save the file as UTF-8',
      ],
    ],
  ];
  for (const [what, path, text, options, expected] of cases) {
    it(`reports ${what}`, () => {
      assert.deepEqual(
        problemsOf(() => readFile(path, text, options)),
        expected,
      );
    });
  }

  // Text that cannot be parsed: one problem, placed where the parser stopped.
  const unreadable: [string, string, string, string][] = [
    [
      "an unknown extension",
      "people.xlsx",
      "",
      'Invalid roster people.xlsx: the extension ".xlsx" is not supported; a roster is a .json, .yaml, .yml or .csv file (save a spreadsheet as CSV)',
    ],
    [
      "no extension",
      "people",
      "",
      "Invalid roster people: the file has no extension; a roster is a .json, .yaml, .yml or .csv file (save a spreadsheet as CSV)",
    ],
    [
      "a JSON object instead of an array",
      "people.json",
      '{"users":[{"email":"ada@example.com","status":"Enabled"}]}',
      'Invalid roster people.json: the file is an object, not an array of records; its property "users" holds a list: make that list the whole file',
    ],
    [
      "a JSON text that is a single string",
      "people.json",
      '"ada@example.com"',
      'Invalid roster people.json: the file is the text "ada@example.com", not an array of records; the file must be [{ "email": ..., "status": ... }, ...]',
    ],
    [
      "invalid JSON, without echoing the line",
      "people.json",
      '[\n  {"email": "ada@example.com", "status": Enabled}\n]',
      'Invalid roster people.json: people.json line 2: not valid JSON: unexpected "E" where a value should be (column 42)',
    ],
    [
      "a trailing comma in JSON",
      "people.json",
      '[\n  {"email": "ada@example.com", "status": "Enabled"},\n]',
      'Invalid roster people.json: people.json line 2: not valid JSON: a trailing comma before "]"; remove it (column 52)',
    ],
    [
      "a YAML mapping instead of a list",
      "people.yaml",
      "ada@example.com: Enabled\n",
      "Invalid roster people.yaml: the file is not a list of records; write each user as an item: `- email: jane.doe@example.com` then `  status: Enabled`",
    ],
    [
      "a YAML syntax error",
      "people.yaml",
      '- email: ada@example.com\n  status: "Enabled\n',
      'Invalid roster people.yaml: people.yaml line 2: not valid YAML: Missing closing "quote',
    ],
    [
      "an unresolved YAML alias",
      "people.yaml",
      "- *ada\n",
      "Invalid roster people.yaml: the file cannot be read as YAML: Unresolved alias (the anchor must be set before the alias): ada",
    ],
    [
      "an unclosed CSV quote, placed on the record it opens in",
      "people.csv",
      'email,status\nada@example.com,Enabled\n\n"bob@example.com,Enabled\ncid@example.com,Enabled\n',
      'Invalid roster people.csv: people.csv line 4: not valid CSV: a quoted field opened in this record is never closed; close it, and write each quote inside a quoted field as ""',
    ],
    [
      "characters after a closing CSV quote",
      "people.csv",
      'email,status\n"ada@example.com"x,Enabled\n',
      'Invalid roster people.csv: people.csv line 2: not valid CSV: a closing quote is followed by other characters; quote the whole field, and write each quote inside it as ""',
    ],
  ];
  for (const [what, path, text, message] of unreadable) {
    it(`refuses ${what}`, () => {
      const err = rosterErrorOf(() => readFile(path, text));
      assert.equal(err.message, message);
      assert.equal(err.problems.length, 1);
    });
  }

  it("reports every problem of the roster in one error, in the roster's order", () => {
    const text = [
      "email,status,onDelete",
      "ada@example.com,Active,",
      "x,Active,",
      "bob@example.com,Termed,",
      "Ada@example.com,Active,never",
      "",
    ].join("\n");
    const err = rosterErrorOf(() => readFile("people.csv", text, { statusMap: HR_MAP }));
    assert.equal(
      err.message,
      [
        "Invalid roster people.csv: 4 problems, fix them all and run again:",
        `  people.csv line 3: email "x" ${NOT_AN_ADDRESS}`,
        '  people.csv line 4: status "Termed" is not in statusMap (known: Active, Terminated, Leave of Absence); add it to statusMap',
        "  people.csv line 5: Ada@example.com is already listed at people.csv line 2 (addresses are compared case-insensitively); keep one entry per user",
        '  people.csv line 5: onDelete "never" is neither keep nor restore; set one of them, or leave it empty for keep',
      ].join("\n"),
    );
    assert.equal(err.code, "ERR_INVALID_ROSTER");
    assert.equal(err.name, "SecurIdError");
  });

  it(`lists at most ${MAX_LISTED_PROBLEMS} problems, then how many more, and keeps them all in problems`, () => {
    const rows = Array.from({ length: 120 }, (_, i) => `user${i}@example.com,Retired`);
    const err = rosterErrorOf(() => readFile("people.csv", `email,status\n${rows.join("\n")}`));
    const listed = err.message.split("\n").slice(1);
    assert.equal(listed.length, MAX_LISTED_PROBLEMS + 1);
    assert.equal(
      listed[0],
      '  people.csv line 2: status "Retired" is neither Enabled nor Disabled; correct it, or map the roster\'s values with statusMap',
    );
    assert.equal(listed[MAX_LISTED_PROBLEMS], "  and 70 more");
    assert.equal(err.problems.length, 120);
    assert.equal(err.problems[119]!.place, "people.csv line 121");
  });

  it("cuts long values short and never echoes a whole line", () => {
    const cell = `${"x".repeat(5000)}@example.com`;
    const status = "Active; ".repeat(1000);
    const [emailLine, statusLine] = problemsOf(() =>
      readFile("people.csv", `email,status\n"${cell}","${status}"\n`),
    );
    assert.match(emailLine!, /^people\.csv line 2: email "x{40}"\.\.\. is 5012 characters long/);
    assert.match(
      statusLine!,
      /^people\.csv line 2: status "(Active; ){5}"\.\.\. is neither Enabled nor Disabled/,
    );
    assert.ok(emailLine!.length < 200 && statusLine!.length < 200);
  });

  it("checks inline users the same way, placed by index, with exact property names", () => {
    assert.deepEqual(
      problemsOf(() =>
        readRoster({
          kind: "inline",
          users: [
            { email: "ada@example.com", status: "Enabled" },
            { email: "ADA@example.com", status: "Disabled", ondelete: "keep" },
            { status: "Enabled" },
            { email: "bob@example.com" },
            "cid@example.com",
            { email: 42, status: "Enabled", onDelete: "Restore" },
          ],
        }),
      ),
      [
        'users[1]: unknown property "ondelete": the properties are email, status and onDelete',
        "users[1]: ADA@example.com is already listed at users[0] (addresses are compared case-insensitively); keep one entry per user",
        'users[2]: email is missing; set it to the user\'s address, e.g. "jane.doe@example.com"',
        'users[3]: status is missing; set it to "Enabled" or "Disabled"',
        'users[4]: must be { email, status, onDelete? }, got the text "cid@example.com"',
        `users[5]: email "42" ${emailProblem("42")}`,
      ],
    );
  });

  it("refuses inline users that are not a list", () => {
    assert.equal(
      rosterErrorOf(() => readRoster({ kind: "inline", users: { email: "ada@example.com" } })).message,
      "Invalid roster users: must be a list of { email, status, onDelete? }, got an object",
    );
  });

  // Options are checked first: with a wrong map, the entries' problems would only be noise.
  const badOptions: [string, unknown, string[]][] = [
    [
      "a statusMap value that is not a status",
      { statusMap: { Active: "Enabled", Terminated: "Gone" } },
      ['statusMap.Terminated: maps to "Gone"; each value must map to "Enabled" or "Disabled"'],
    ],
    [
      "an empty statusMap",
      { statusMap: {} },
      [
        'statusMap: is empty; map each value of the status field to "Enabled" or "Disabled", e.g. { "Active": "Enabled", "Terminated": "Disabled" }',
      ],
    ],
    [
      "one value mapped twice, differently, in different cases",
      { statusMap: { Active: "Enabled", ACTIVE: "Disabled", active: "enabled" } },
      [
        'statusMap: "Active" and "ACTIVE" are the same value (compared case-insensitively, spaces trimmed) but map to Enabled and Disabled; keep one',
      ],
    ],
    [
      "a statusMap that is not a map of texts",
      { statusMap: { Active: 1 } },
      ["statusMap.Active: must be a text, got a number (1)"],
    ],
    [
      "an empty column name, and two fields named alike",
      { columns: { email: " ", status: "State", onDelete: "STATE" } },
      [
        'columns.email: is empty; name the email column, or leave it out for "email"',
        'columns: status and onDelete both name the column "State"; each needs a column of its own',
      ],
    ],
    [
      "an unknown option and an unknown column",
      { statusmap: {}, columns: { mail: "x" } },
      [
        'columns: unknown property "mail": the properties are email, status, onDelete',
        'options: unknown property "statusmap": the properties are columns, statusMap',
      ],
    ],
  ];
  for (const [what, options, expected] of badOptions) {
    it(`refuses ${what}`, () => {
      assert.deepEqual(
        problemsOf(() => readFile("people.csv", "email,status\nnot an address,Whatever\n", options as never)),
        expected,
      );
    });
  }
});
