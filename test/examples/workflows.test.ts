/**
 * The GitOps example's pipelines are valid for the services that run them, checked by maintained
 * validators rather than by hand:
 *
 * - each GitHub Actions workflow by GitHub's own workflow parser, `@actions/workflow-parser` (the
 *   schema and expression checks behind the GitHub Actions language server: unknown keys, missing
 *   `runs-on`, bad triggers, contexts used where they are not available);
 * - `.gitlab-ci.yml` by `gitlab-ci-local`, which validates it against GitLab's CI JSON schema (the
 *   `ci.json` of gitlab-org/gitlab, bundled), expands `extends`, and evaluates `rules` for a
 *   pipeline source.
 *
 * Each validator is also shown to reject a broken copy, so that a validator that accepts anything
 * would fail here. The rest checks what the example's README promises of each pipeline.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { registerHooks } from "node:module";
import { tmpdir } from "node:os";
import path from "node:path";
import { parse as parseYaml } from "yaml";

const GITOPS = path.resolve(__dirname, "../../examples/gitops");
const WORKFLOWS = path.join(GITOPS, ".github", "workflows");
const GITLAB_CI = path.join(GITOPS, ".gitlab-ci.yml");

type WorkflowParser = typeof import("@actions/workflow-parser");

/**
 * Loads `@actions/workflow-parser`, an ES module, from this CommonJS test. Two workarounds, to drop
 * when the package is fixed: `import()` goes through `Function`, because under `module: commonjs`
 * TypeScript turns a plain `import()` into `require()`, which the package's `import`-only exports
 * refuse; and while it loads, a module hook adds `with { type: "json" }` to the package's imports of
 * its own schema files, which Node 22 requires and the package leaves out
 * (actions/languageservices#387). The hook only touches those files, and is removed once loaded.
 */
async function loadWorkflowParser(): Promise<WorkflowParser> {
  if (typeof registerHooks !== "function") {
    throw new Error(
      `module.registerHooks is missing: this test needs Node.js 22.15 or newer, not ${process.version}`,
    );
  }
  const hooks = registerHooks({
    load(url, context, nextLoad) {
      const ownJson = url.includes("/@actions/workflow-parser/") && url.endsWith(".json");
      if (ownJson && context.importAttributes.type === undefined) {
        return nextLoad(url, { ...context, importAttributes: { ...context.importAttributes, type: "json" } });
      }
      return nextLoad(url, context);
    },
  });
  try {
    const importModule = new Function("specifier", "return import(specifier)") as (
      specifier: string,
    ) => Promise<WorkflowParser>;
    return await importModule("@actions/workflow-parser");
  } finally {
    hooks.deregister();
  }
}

/** What GitHub's parser finds wrong with a workflow (schema, expressions, then the model), as messages. */
async function workflowProblems(parser: WorkflowParser, name: string, content: string): Promise<string[]> {
  const quiet = { error() {}, info() {}, verbose() {} };
  const parsed = parser.parseWorkflow({ name, content }, quiet);
  const problems = parsed.context.errors.getErrors().map((e) => e.message);
  if (problems.length > 0) return problems;
  if (parsed.value === undefined) return [`${name}: nothing could be parsed`];
  const template = await parser.convertWorkflowTemplate(parsed.context, parsed.value);
  return (template.errors ?? []).map((e) => e.Message);
}

/** A step of a workflow, as the YAML writes it. */
interface WorkflowStep {
  uses?: string;
  run?: string;
  if?: string;
  with?: Record<string, unknown>;
  env?: Record<string, string>;
}

interface Workflow {
  on: Record<string, unknown>;
  concurrency?: { group: string; "cancel-in-progress": boolean };
  jobs: Record<string, { environment?: string; steps: WorkflowStep[] }>;
}

function readWorkflow(file: string): Workflow {
  return parseYaml(readFileSync(path.join(WORKFLOWS, file), "utf8")) as Workflow;
}

function steps(workflow: Workflow): WorkflowStep[] {
  return Object.values(workflow.jobs).flatMap((job) => job.steps);
}

function pulumiStep(workflow: Workflow): WorkflowStep {
  const found = steps(workflow).filter((s) => s.uses?.startsWith("pulumi/actions@"));
  assert.equal(found.length, 1, "one pulumi/actions step");
  return found[0];
}

describe("examples/gitops: GitHub Actions workflows, checked by GitHub's workflow parser", function () {
  this.timeout(60_000);
  const files = readdirSync(WORKFLOWS)
    .filter((f) => /\.ya?ml$/.test(f))
    .sort();
  let parser: WorkflowParser;

  before(async () => {
    parser = await loadWorkflowParser();
  });

  it("has the three workflows", () => {
    assert.deepEqual(files, ["securid-drift.yml", "securid-preview.yml", "securid-up.yml"]);
  });

  for (const file of files) {
    it(`${file} is a valid workflow`, async () => {
      const problems = await workflowProblems(parser, file, readFileSync(path.join(WORKFLOWS, file), "utf8"));
      assert.deepEqual(problems, []);
    });
  }

  it("rejects a broken copy: a job without runs-on, an unknown trigger, a context where none is available", async () => {
    const up = readFileSync(path.join(WORKFLOWS, "securid-up.yml"), "utf8");
    const noRunsOn = up.replace(/^ {4}runs-on: .*\n/m, "");
    const badTrigger = up.replace(/^ {2}push:$/m, "  pushed:");
    const badContext = up.replace(
      "${{ runner.temp }}/securid-audit.jsonl",
      "${{ runners.temp }}/audit.jsonl",
    );
    for (const broken of [noRunsOn, badTrigger, badContext])
      assert.notEqual(broken, up, "the copy is broken");
    // Written to and read from a temporary directory, as a file of a repository would be.
    const dir = mkdtempSync(path.join(tmpdir(), "securid-workflows-"));
    try {
      const problemsOf = async (name: string, content: string) => {
        writeFileSync(path.join(dir, name), content);
        return (await workflowProblems(parser, name, readFileSync(path.join(dir, name), "utf8"))).join("\n");
      };
      assert.match(await problemsOf("no-runs-on.yml", noRunsOn), /Required property is missing: runs-on/);
      assert.match(await problemsOf("bad-trigger.yml", badTrigger), /Unexpected value 'pushed'/);
      assert.match(await problemsOf("bad-context.yml", badContext), /Unrecognized named-value: 'runners'/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("every action is pinned to a major version, and credentials come from secrets, never from a file", () => {
    for (const file of files) {
      const workflow = readWorkflow(file);
      for (const step of steps(workflow)) {
        if (step.uses) assert.match(step.uses, /^[\w.-]+\/[\w.-]+@v\d+$/, `${file}: ${step.uses}`);
        for (const [name, value] of Object.entries(step.env ?? {})) {
          assert.doesNotMatch(name, /KEY_FILE$/, `${file}: a key is given as its content, not a path`);
          if (/TOKEN|KEY/.test(name)) assert.match(value, /^\$\{\{ secrets\.\w+ \}\}$/, `${file}: ${name}`);
        }
      }
    }
  });

  it("securid-preview: every pull request, the plan as a comment, and no SecurID credential", () => {
    const text = readFileSync(path.join(WORKFLOWS, "securid-preview.yml"), "utf8");
    const workflow = readWorkflow("securid-preview.yml");
    assert.ok("pull_request" in workflow.on);
    const pulumi = pulumiStep(workflow);
    assert.equal(pulumi.with?.command, "preview");
    assert.equal(pulumi.with?.["comment-on-pr"], true);
    assert.equal(pulumi.with?.["expect-no-changes"], undefined, "a preview that shows the plan");
    assert.doesNotMatch(text, /secrets\.SECURID|SECURID_API_KEY:|SECURID_OAUTH_PRIVATE_KEY:/);
  });

  it("securid-up: on main, one run at a time, the audit log kept as an artifact even when the run fails", () => {
    const workflow = readWorkflow("securid-up.yml");
    assert.deepEqual((workflow.on.push as { branches: string[] }).branches, ["main"]);
    assert.equal(workflow.concurrency?.["cancel-in-progress"], false);
    const pulumi = pulumiStep(workflow);
    assert.equal(pulumi.with?.command, "up");
    const auditLog = pulumi.env?.SECURID_AUDIT_LOG_FILE;
    assert.ok(auditLog, "SECURID_AUDIT_LOG_FILE is set");
    const upload = steps(workflow).find((s) => s.uses?.startsWith("actions/upload-artifact@"));
    assert.ok(upload, "an upload-artifact step");
    assert.equal(upload.if, "always()");
    assert.equal(upload.with?.path, auditLog);
  });

  it("securid-drift: nightly and by hand, a refreshed preview that fails on any difference", () => {
    const workflow = readWorkflow("securid-drift.yml");
    assert.ok(Array.isArray(workflow.on.schedule) && workflow.on.schedule.length === 1);
    assert.ok("workflow_dispatch" in workflow.on);
    const pulumi = pulumiStep(workflow);
    assert.equal(pulumi.with?.command, "preview");
    assert.equal(pulumi.with?.refresh, true);
    assert.equal(pulumi.with?.["expect-no-changes"], true);
  });
});

describe("examples/gitops: .gitlab-ci.yml, checked by gitlab-ci-local against GitLab's CI schema", function () {
  this.timeout(120_000);
  const cli = require.resolve("gitlab-ci-local");
  let dir: string;

  /**
   * Runs gitlab-ci-local in `dir` (it writes its state there): schema validation on, whatever GCL_*
   * variables say, no colours, not the user's home.
   */
  function gitlabCiLocal(args: string[]): { status: number | null; stdout: string; output: string } {
    const options = ["--json-schema-validation", "--no-color", "--home", path.join(dir, "home")];
    const result = spawnSync(process.execPath, [cli, ...options, ...args], {
      cwd: dir,
      encoding: "utf8",
      env: { ...process.env, FORCE_COLOR: "0" },
    });
    return { status: result.status, stdout: result.stdout, output: `${result.stdout}\n${result.stderr}` };
  }

  /** The jobs a pipeline from `source` runs (`when` other than `never`). */
  function jobsFor(source: string): string[] {
    const run = gitlabCiLocal([
      "--list-json",
      "--variable",
      `CI_PIPELINE_SOURCE=${source}`,
      "--ignore-predefined-vars",
      "CI_PIPELINE_SOURCE",
    ]);
    assert.equal(run.status, 0, run.output);
    const jobs = JSON.parse(run.stdout) as { name: string; when: string }[];
    return jobs.filter((j) => j.when !== "never").map((j) => j.name);
  }

  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), "securid-gitlab-ci-"));
    copyFileSync(GITLAB_CI, path.join(dir, ".gitlab-ci.yml"));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("is valid, and holds the key only in the jobs on the default branch, one at a time, audit log kept", () => {
    const run = gitlabCiLocal(["--preview"]);
    assert.equal(run.status, 0, run.output);
    type Job = {
      script: string[];
      resource_group?: string;
      variables?: Record<string, string>;
      artifacts?: { when?: string; paths?: string[] };
    };
    const expanded = parseYaml(run.stdout) as Record<string, Job>;
    const [preview, up, drift] = ["securid-preview", "securid-up", "securid-drift"].map((name) => {
      assert.ok(expanded[name], `job ${name}`);
      return expanded[name];
    });
    assert.doesNotMatch(preview.script.join("\n"), /SECURID_/, "no SecurID credential in merge request jobs");
    assert.ok(up.resource_group, "up has a resource group");
    assert.equal(drift.resource_group, up.resource_group, "up and drift never run at once");
    assert.equal(up.artifacts?.when, "always");
    const auditLog = up.variables?.SECURID_AUDIT_LOG_FILE ?? "";
    assert.ok(
      up.artifacts?.paths?.some((p) => auditLog === `$CI_PROJECT_DIR/${p}`),
      `the artifact is the audit log ${auditLog}`,
    );
    assert.match(up.script.join("\n"), /pulumi up .*--yes/);
    assert.match(drift.script.join("\n"), /pulumi preview .*--refresh .*--expect-no-changes/);
  });

  it("runs the preview in merge request pipelines, up on a push to the default branch, drift when scheduled", () => {
    assert.deepEqual(jobsFor("merge_request_event"), ["securid-preview"]);
    assert.deepEqual(jobsFor("push"), ["securid-up"]);
    assert.deepEqual(jobsFor("schedule"), ["securid-drift"]);
  });

  it("rejects a broken copy: an unknown job key and an artifacts.when GitLab does not have", () => {
    const text = readFileSync(GITLAB_CI, "utf8");
    const broken = text
      .replace("  resource_group: securid-prod", "  resource_grop: securid-prod")
      .replace(
        "    when: always\n    paths: [securid-audit.jsonl]",
        "    when: sometimes\n    paths: [securid-audit.jsonl]",
      );
    assert.equal(broken.match(/resource_grop|when: sometimes/g)?.length, 2, "the copy is broken twice");
    writeFileSync(path.join(dir, ".gitlab-ci.yml"), broken);
    const run = gitlabCiLocal(["--preview"]);
    assert.notEqual(run.status, 0, "gitlab-ci-local accepted a broken file");
    assert.match(run.output, /Invalid \.gitlab-ci\.yml configuration/);
    assert.match(run.output, /'resource_grop' property is not expected/);
    assert.match(run.output, /'when' property must be one of .*\(found sometimes\)/);
  });
});
