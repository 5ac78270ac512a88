/**
 * Each directory of examples/ is a Pulumi TypeScript project a user can copy as it is: Pulumi.yaml,
 * package.json (with this package and @pulumi/pulumi), tsconfig.json and index.ts. Their index.ts
 * files are type-checked by `npm run typecheck` (tsconfig.json includes examples/), not here. The
 * roster files they name are read here with the options their index.ts gives, so that an example
 * never ships a roster its program would refuse.
 */
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { parse as parseYaml } from "yaml";
import {
  checkNeverDisable,
  neverDisableFromConfig,
  neverDisablePatterns,
  readRoster,
  type RosterOptions,
} from "../../src/roster";

const ROOT = path.resolve(__dirname, "../..");
const EXAMPLES = path.join(ROOT, "examples");

interface PackageJson {
  name?: string;
  version?: string;
  main?: string;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
}

const root = JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8")) as PackageJson;

function readJson<T>(file: string): T {
  return JSON.parse(readFileSync(file, "utf8")) as T;
}

/** True when the caret range `^X.Y.Z` admits `version` (for 0.x, the minor must match too). */
function caretAdmits(range: string, version: string): boolean {
  const r = /^\^(\d+)\.(\d+)\.(\d+)$/.exec(range);
  const v = /^(\d+)\.(\d+)\.(\d+)/.exec(version);
  if (!r || !v) return false;
  const [rMajor, rMinor, rPatch] = r.slice(1).map(Number);
  const [vMajor, vMinor, vPatch] = v.slice(1).map(Number);
  if (rMajor !== vMajor) return false;
  if (rMajor === 0 && rMinor !== vMinor) return false;
  return vMinor > rMinor || (vMinor === rMinor && vPatch >= rPatch);
}

/**
 * How each example's index.ts reads its roster (the same options as the program), and the patterns
 * it protects on top of its stack config.
 */
const ROSTERS: Record<string, { file: string; options?: RosterOptions; neverDisable?: string[] }> = {
  offboarding: { file: "roster.yaml", neverDisable: ["break-glass@example.com"] },
  "hr-export": {
    file: "hr-export.csv",
    options: {
      columns: { email: "Work Email", status: "Worker Status" },
      statusMap: { Active: "Enabled", "Leave of Absence": "Disabled", Terminated: "Disabled" },
    },
  },
  gitops: { file: "roster.yaml" },
};

describe("examples: each a project a user can copy", () => {
  const examples = readdirSync(EXAMPLES, { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();

  it("has the examples", () => {
    assert.deepEqual(examples, ["gitops", "hr-export", "offboarding", "sync"]);
  });

  for (const example of examples) {
    const dir = path.join(EXAMPLES, example);

    describe(`examples/${example}`, () => {
      it("has Pulumi.yaml, package.json, tsconfig.json and index.ts", () => {
        for (const file of ["Pulumi.yaml", "package.json", "tsconfig.json", "index.ts"]) {
          assert.ok(existsSync(path.join(dir, file)), `examples/${example}/${file}`);
        }
      });

      it("Pulumi.yaml: a TypeScript project of its own", () => {
        const project = parseYaml(readFileSync(path.join(dir, "Pulumi.yaml"), "utf8")) as {
          name?: string;
          main?: string;
          runtime?: { name?: string; options?: { typescript?: boolean } };
        };
        assert.match(project.name ?? "", /^securid-[a-z-]+$/);
        assert.equal(project.runtime?.name, "nodejs");
        assert.equal(project.runtime?.options?.typescript, true);
        assert.equal(project.main, undefined, "the program is the directory's index.ts");
      });

      it("package.json: depends on this package and @pulumi/pulumi, builds with TypeScript 5.9", () => {
        const pkg = readJson<PackageJson>(path.join(dir, "package.json"));
        const deps = pkg.dependencies ?? {};
        assert.deepEqual(Object.keys(deps).sort(), ["@pulumi/pulumi", "pulumi-securid"]);
        assert.ok(
          caretAdmits(deps["pulumi-securid"], root.version ?? ""),
          `pulumi-securid ${deps["pulumi-securid"]} admits this package's version ${root.version}`,
        );
        const peerMinimum = /^>=\s*([\d.]+)/.exec(root.peerDependencies?.["@pulumi/pulumi"] ?? "")?.[1];
        assert.equal(deps["@pulumi/pulumi"], `^${peerMinimum}`, "the peer dependency's lowest version");
        assert.equal(pkg.main, "index.ts");
        const dev = pkg.devDependencies ?? {};
        assert.match(dev.typescript ?? "", /^~5\.9\./);
        assert.ok(dev["@types/node"], "@types/node");
      });

      it("tsconfig.json: strict, CommonJS, index.ts", () => {
        const tsconfig = readJson<{ compilerOptions: Record<string, unknown>; files?: string[] }>(
          path.join(dir, "tsconfig.json"),
        );
        assert.equal(tsconfig.compilerOptions.strict, true);
        assert.equal(tsconfig.compilerOptions.module, "commonjs");
        assert.deepEqual(tsconfig.files, ["index.ts"]);
      });

      const roster = ROSTERS[example];
      if (roster) {
        it(`${roster.file}: the roster index.ts reads is valid, and disables no protected account`, () => {
          const index = readFileSync(path.join(dir, "index.ts"), "utf8");
          assert.match(index, new RegExp(`file: "${roster.file.replace(".", "\\.")}"`));
          const text = readFileSync(path.join(dir, roster.file), "utf8");
          const read = readRoster({ kind: "file", path: roster.file, text }, roster.options);
          assert.ok(read.entries.length >= 8, `${read.entries.length} entries`);
          assert.ok(
            read.entries.some((e) => e.status === "Disabled"),
            "a leaver at least",
          );
          const stackFiles = readdirSync(dir).filter((f) => /^Pulumi\..+\.yaml$/.test(f));
          const fromStacks = stackFiles.flatMap((f) => {
            const stack = parseYaml(readFileSync(path.join(dir, f), "utf8")) as {
              config?: Record<string, unknown>;
            };
            const value = stack.config?.["securid:neverDisable"];
            return neverDisableFromConfig(value === undefined ? undefined : JSON.stringify(value));
          });
          checkNeverDisable(read, [...neverDisablePatterns(roster.neverDisable), ...fromStacks]);
        });
      }
    });
  }
});
