import assert from "node:assert/strict";
import { appliedRoster } from "../../src/roster/applied";
import { readRoster } from "../../src/roster/source";
import type { RosterOptions } from "../../src/roster/options";
import { lines, readFile } from "./helpers";

describe("roster formats", () => {
  // Each source holds the same two users; `where` is the line (CSV, YAML) or the index (JSON, inline).
  const sameRoster: [string, string, string[]][] = [
    [
      "people.json",
      '[\n  { "email": "ada@example.com", "status": "Enabled" },\n  { "email": "Bob@Example.com", "status": "Disabled" }\n]\n',
      ["ada@example.com Enabled @ people.json entry [0]", "Bob@Example.com Disabled @ people.json entry [1]"],
    ],
    [
      "people.yaml",
      "- email: ada@example.com\n  status: Enabled\n- email: Bob@Example.com\n  status: Disabled\n",
      ["ada@example.com Enabled @ people.yaml line 1", "Bob@Example.com Disabled @ people.yaml line 3"],
    ],
    [
      "people.yml",
      "# HR export\n- {email: ada@example.com, status: Enabled}\n\n- {email: Bob@Example.com, status: Disabled}\n",
      ["ada@example.com Enabled @ people.yml line 2", "Bob@Example.com Disabled @ people.yml line 4"],
    ],
    [
      "people.csv",
      "email,status\nada@example.com,Enabled\nBob@Example.com,Disabled\n",
      ["ada@example.com Enabled @ people.csv line 2", "Bob@Example.com Disabled @ people.csv line 3"],
    ],
    [
      "PEOPLE.CSV",
      "email,status\nada@example.com,Enabled\nBob@Example.com,Disabled",
      ["ada@example.com Enabled @ PEOPLE.CSV line 2", "Bob@Example.com Disabled @ PEOPLE.CSV line 3"],
    ],
    [
      "People.Json",
      '[{"email":"ada@example.com","status":"Enabled"},{"email":"Bob@Example.com","status":"Disabled"}]',
      ["ada@example.com Enabled @ People.Json entry [0]", "Bob@Example.com Disabled @ People.Json entry [1]"],
    ],
  ];
  for (const [path, text, expected] of sameRoster) {
    it(`reads ${path}`, () => {
      const entries = readFile(path, text);
      assert.deepEqual(lines(entries), expected);
      assert.deepEqual(
        entries.map((e) => e.key),
        ["ada@example.com", "bob@example.com"],
      );
    });
  }

  it("reads inline users, placed by index", () => {
    const roster = readRoster({
      kind: "inline",
      users: [
        { email: " ada@example.com ", status: "Enabled", onDelete: "restore" },
        { email: "Bob@Example.com", status: "disabled" },
      ],
    });
    assert.equal(roster.format, "inline");
    assert.equal(roster.subject, "users");
    assert.deepEqual(lines(roster.entries), [
      "ada@example.com Enabled restore @ users[0]",
      "Bob@Example.com Disabled @ users[1]",
    ]);
  });

  // Quirks of real exports: each text must give exactly these entries.
  const quirks: [string, string, string, RosterOptions, string[]][] = [
    [
      "a UTF-8 byte-order mark and CRLF line ends",
      "people.csv",
      "\uFEFFemail,status\r\nada@example.com,Enabled\r\nbob@example.com,Disabled\r\n",
      {},
      ["ada@example.com Enabled @ people.csv line 2", "bob@example.com Disabled @ people.csv line 3"],
    ],
    [
      "blank lines, whitespace-only lines and rows of empty cells",
      "people.csv",
      "\n\nemail,status\n\nada@example.com,Enabled\n   \n,,\nbob@example.com,Disabled\n\n",
      {},
      ["ada@example.com Enabled @ people.csv line 5", "bob@example.com Disabled @ people.csv line 8"],
    ],
    [
      "trailing empty columns and short or long rows",
      "people.csv",
      "email,status,,,\nada@example.com,Enabled,,,\nbob@example.com,Disabled,x,y,z,extra,more\n",
      {},
      ["ada@example.com Enabled @ people.csv line 2", "bob@example.com Disabled @ people.csv line 3"],
    ],
    [
      "quoted fields holding separators, quotes and line breaks (a record is placed on its first line)",
      "people.csv",
      'name,email,status\n"Lovelace, Ada","ada@example.com","Enabled"\n"Bob ""the builder""\nBuilder",bob@example.com,Disabled\nCid,cid@example.com,Enabled\n',
      {},
      [
        "ada@example.com Enabled @ people.csv line 2",
        "bob@example.com Disabled @ people.csv line 3",
        "cid@example.com Enabled @ people.csv line 5",
      ],
    ],
    [
      "a stray quote inside an unquoted field of another column",
      "people.csv",
      'name,email,status\nBob "Bobby" Builder,bob@example.com,Disabled\n',
      {},
      ["bob@example.com Disabled @ people.csv line 2"],
    ],
    [
      "header names in any case, with spaces around, in any order, extra columns ignored",
      "people.csv",
      "Department, STATUS , Name,  E-Mail\nHR,enabled,Ada,ada@example.com\n",
      { columns: { email: "e-mail" } },
      ["ada@example.com Enabled @ people.csv line 2"],
    ],
    [
      "semicolon-separated (spreadsheets in decimal-comma locales)",
      "people.csv",
      'email;status;note\nada@example.com;Enabled;"a, b"\nbob@example.com;Disabled;c\n',
      {},
      ["ada@example.com Enabled @ people.csv line 2", "bob@example.com Disabled @ people.csv line 3"],
    ],
    [
      "tab-separated",
      "people.csv",
      "email\tstatus\nada@example.com\tEnabled\n",
      {},
      ["ada@example.com Enabled @ people.csv line 2"],
    ],
    [
      "spaces around separators and quoted values",
      "people.csv",
      'email , status\n "ada@example.com" , "Enabled" \n',
      {},
      ["ada@example.com Enabled @ people.csv line 2"],
    ],
    [
      "an onDelete column, empty cells meaning the default",
      "people.csv",
      "email,status,onDelete\nada@example.com,Enabled,Restore\nbob@example.com,Disabled,\n",
      {},
      ["ada@example.com Enabled restore @ people.csv line 2", "bob@example.com Disabled @ people.csv line 3"],
    ],
    [
      "a statusMap with the HR system's values, in any case",
      "people.csv",
      "email,status\nada@example.com,ACTIVE\nbob@example.com,Leave of absence\n",
      { statusMap: { Active: "Enabled", " Leave of Absence ": "disabled" } },
      ["ada@example.com Enabled @ people.csv line 2", "bob@example.com Disabled @ people.csv line 3"],
    ],
    [
      "renamed columns",
      "people.csv",
      "Mail,State\nada@example.com,Enabled\n",
      { columns: { email: "mail", status: " STATE " } },
      ["ada@example.com Enabled @ people.csv line 2"],
    ],
    [
      "YAML anchors, aliases and merge keys",
      "people.yaml",
      "- &ada {email: ada@example.com, status: Enabled}\n- <<: *ada\n  email: bob@example.com\n",
      {},
      ["ada@example.com Enabled @ people.yaml line 1", "bob@example.com Enabled @ people.yaml line 2"],
    ],
    [
      "YAML scalars read as written (no booleans, numbers or dates)",
      "people.yaml",
      "- email: ada@example.com\n  status: yes\n  onDelete: keep\n- email: bob@example.com\n  status: 010\n",
      { statusMap: { yes: "Enabled", "010": "Disabled" } },
      ["ada@example.com Enabled keep @ people.yaml line 1", "bob@example.com Disabled @ people.yaml line 4"],
    ],
    [
      "YAML with CRLF line ends and a byte-order mark",
      "people.yaml",
      "\uFEFF- email: ada@example.com\r\n  status: Enabled\r\n\r\n- email: bob@example.com\r\n  status: Disabled\r\n",
      {},
      ["ada@example.com Enabled @ people.yaml line 1", "bob@example.com Disabled @ people.yaml line 4"],
    ],
    [
      "JSON numbers and booleans where text is expected, read as text",
      "people.json",
      '[{"email":"ada@example.com","status":1},{"email":"bob@example.com","status":false}]',
      { statusMap: { "1": "Enabled", false: "Disabled" } },
      ["ada@example.com Enabled @ people.json entry [0]", "bob@example.com Disabled @ people.json entry [1]"],
    ],
    [
      "JSON with a byte-order mark, extra fields, and field names in any case",
      "people.json",
      '\uFEFF[{"Email ":"ada@example.com","STATUS":"enabled","department":{"name":"HR"}}]',
      {},
      ["ada@example.com Enabled @ people.json entry [0]"],
    ],
  ];
  for (const [name, path, text, options, expected] of quirks) {
    it(`handles ${name}`, () => {
      assert.deepEqual(lines(readFile(path, text, options)), expected);
    });
  }

  const empty: [string, string][] = [
    ["people.csv", ""],
    ["people.csv", "\uFEFF\r\n\r\n"],
    ["people.csv", "email,status\n"],
    ["people.json", "[]"],
    ["people.json", "  \n"],
    ["people.yaml", ""],
    ["people.yaml", "# nobody yet\n"],
    ["people.yaml", "[]\n"],
  ];
  for (const [path, text] of empty) {
    it(`reads ${path} ${JSON.stringify(text)} as a roster of no entries (the guard decides)`, () => {
      assert.deepEqual(readFile(path, text), []);
    });
  }

  it("gives the same applied roster for a reordered, reformatted file with a new column, in any format", () => {
    const sources: [string, string][] = [
      ["a.csv", "email,status\nada@example.com,Enabled\nbob@example.com,Disabled\n"],
      ["b.csv", "Department;Status;EMAIL\nHR;disabled;BOB@example.com\nIT;ENABLED;Ada@Example.com\n"],
      [
        "c.json",
        '[{"status":"Disabled","email":"bob@example.com"},\n\n{"email":"ada@example.com","status":"Enabled"}]',
      ],
      [
        "d.yaml",
        "- status: Disabled\n  email: bob@example.com\n  team: x\n- {email: ada@example.com, status: enabled}\n",
      ],
    ];
    const applied = sources.map(([path, text]) => appliedRoster(readFile(path, text)));
    assert.deepEqual(new Set(applied).size, 1, applied.join("\n---\n"));
  });

  it("reads a 10,000-entry CSV roster", () => {
    const rows = Array.from(
      { length: 10_000 },
      (_, i) => `user${i}@example.com,${i % 7 ? "Active" : "Gone"},Dept ${i}`,
    );
    const entries = readFile("big.csv", `email,status,department\n${rows.join("\n")}\n`, {
      statusMap: { Active: "Enabled", Gone: "Disabled" },
    });
    assert.equal(entries.length, 10_000);
    assert.equal(entries.filter((e) => e.status === "Disabled").length, 1429);
    assert.equal(entries[9999]!.where, "big.csv line 10001");
  });
});
