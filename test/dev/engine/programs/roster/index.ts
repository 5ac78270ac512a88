/**
 * A component: `Roster` reads a JSON file of users and registers one `UserStatus` child per entry, behind a guard
 * resource (a dynamic resource of this program's own) that every child `dependsOn`. Config (namespace `roster`):
 * `file` (the JSON file), `name` (the roster's name, default "team"), `aliases` (alias specs of the roster),
 * `guardFails` (a reason: the guard's create fails with it).
 */
import { readFileSync } from "node:fs";
import * as pulumi from "@pulumi/pulumi";
import { UserStatus, type DesiredStatus } from "pulumi-securid";

interface GuardInputs {
  label: string;
  entries: number;
  fail?: string;
}

/** No `diff`: the engine compares the inputs itself (the provider answers DIFF_UNKNOWN). */
const guardProvider: pulumi.dynamic.ResourceProvider = {
  async create(inputs: GuardInputs) {
    if (inputs.fail) throw new Error(`guard ${inputs.label} refused: ${inputs.fail}`);
    return { id: `guard-${inputs.label}`, outs: { label: inputs.label, entries: inputs.entries } };
  },
  async update(_id: string, _olds: GuardInputs, news: GuardInputs) {
    if (news.fail) throw new Error(`guard ${news.label} refused: ${news.fail}`);
    return { outs: { label: news.label, entries: news.entries } };
  },
};

class Guard extends pulumi.dynamic.Resource {
  constructor(name: string, args: pulumi.Inputs, opts?: pulumi.CustomResourceOptions) {
    super(guardProvider, name, args, opts, "test", "Guard");
  }
}

interface Entry {
  email: string;
  status: DesiredStatus;
}

class Roster extends pulumi.ComponentResource {
  readonly statuses: UserStatus[];

  constructor(
    name: string,
    args: { file: string; guardFails?: string },
    opts?: pulumi.ComponentResourceOptions,
  ) {
    super("securid:test:Roster", name, {}, opts);
    const entries = JSON.parse(readFileSync(args.file, "utf8")) as Entry[];
    const guard = new Guard(
      `${name}-guard`,
      { label: name, entries: entries.length, fail: args.guardFails },
      { parent: this },
    );
    this.statuses = entries.map(
      (e) =>
        new UserStatus(
          `${name}-${e.email}`,
          { email: e.email, status: e.status },
          { parent: this, dependsOn: [guard] },
        ),
    );
    this.registerOutputs({ size: entries.length });
  }
}

const config = new pulumi.Config("roster");
const roster = new Roster(
  config.get("name") ?? "team",
  { file: config.require("file"), guardFails: config.get("guardFails") },
  { aliases: config.getObject<pulumi.Alias[]>("aliases") },
);

export const statuses = roster.statuses.map((s) => ({ email: s.email, status: s.status }));
