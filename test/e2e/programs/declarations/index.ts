/**
 * A generic Pulumi program for lifecycle scenarios written as data: it reads the list of resources to declare from
 * the stack config `e2e:resources` and constructs them from the package (`pulumi-securid` is `dist/`, built by the
 * tests' global setup), then exports each resource's
 * outputs as a stack output named after it. Run it with the engine stand-in (dev/engine `ProgramStack`):
 *
 *   stack.setConfig("e2e:resources", [
 *     { kind: "UserSync", name: "ada-sync", args: { email: "ada@example.com", triggers: ["v1"] } },
 *     { kind: "UserStatus", name: "ada", args: { email: "ada@example.com", status: "Enabled" },
 *       opts: { dependsOn: ["ada-sync"] } },
 *   ]);
 *
 * `opts.dependsOn` and `opts.parent` name resources declared earlier in the list; `opts.aliases` are URNs or alias
 * specs (`{ name?, type?, stack?, project?, noParent? }`, `parent` naming a declared resource).
 */
import * as pulumi from "@pulumi/pulumi";
import { NexusUserSync, Roster, UserStatus, UserSync } from "pulumi-securid";
import type { NexusUserSyncArgs, RosterArgs, UserStatusArgs, UserSyncArgs } from "pulumi-securid";

type AliasDeclaration =
  | string
  | { name?: string; type?: string; stack?: string; project?: string; parent?: string; noParent?: boolean };

interface Options {
  dependsOn?: string[];
  parent?: string;
  aliases?: AliasDeclaration[];
  deleteBeforeReplace?: boolean;
  ignoreChanges?: string[];
  additionalSecretOutputs?: string[];
}

type Declaration =
  | { kind: "UserStatus"; name: string; args: UserStatusArgs; opts?: Options }
  | { kind: "UserSync"; name: string; args: UserSyncArgs; opts?: Options }
  | { kind: "NexusUserSync"; name: string; args: NexusUserSyncArgs; opts?: Options }
  | { kind: "Roster"; name: string; args: RosterArgs; opts?: Options };

const declarations = new pulumi.Config("e2e").requireObject<Declaration[]>("resources");
const declared = new Map<string, pulumi.Resource>();

function resolve(name: string, what: string): pulumi.Resource {
  const r = declared.get(name);
  if (!r) throw new Error(`${what} names "${name}", which is not declared earlier in e2e:resources`);
  return r;
}

function alias(a: AliasDeclaration, owner: string): string | pulumi.Alias {
  if (typeof a === "string") return a;
  const { parent, noParent, ...rest } = a;
  if (noParent) return { ...rest, parent: undefined };
  if (parent) return { ...rest, parent: resolve(parent, `an alias of ${owner}`) };
  return rest;
}

function options(d: Declaration): pulumi.CustomResourceOptions {
  const o = d.opts ?? {};
  const out: pulumi.CustomResourceOptions = {};
  if (o.dependsOn) out.dependsOn = o.dependsOn.map((n) => resolve(n, `dependsOn of ${d.name}`));
  if (o.parent) out.parent = resolve(o.parent, `the parent of ${d.name}`);
  if (o.aliases) out.aliases = o.aliases.map((a) => alias(a, d.name));
  if (o.deleteBeforeReplace !== undefined) out.deleteBeforeReplace = o.deleteBeforeReplace;
  if (o.ignoreChanges) out.ignoreChanges = o.ignoreChanges;
  if (o.additionalSecretOutputs) out.additionalSecretOutputs = o.additionalSecretOutputs;
  return out;
}

function construct(d: Declaration): pulumi.Resource {
  switch (d.kind) {
    case "UserStatus":
      return new UserStatus(d.name, d.args, options(d));
    case "UserSync":
      return new UserSync(d.name, d.args, options(d));
    case "NexusUserSync":
      return new NexusUserSync(d.name, d.args, options(d));
    case "Roster":
      return new Roster(d.name, d.args, options(d));
    default:
      throw new Error(`unknown kind in e2e:resources: ${JSON.stringify(d)}`);
  }
}

/** A resource's outputs: its `Output` properties except the internal ones, each exported as it is (secrets stay). */
function outputsOf(r: pulumi.Resource): Record<string, pulumi.Output<unknown>> {
  const out: Record<string, pulumi.Output<unknown>> = {};
  for (const [k, v] of Object.entries(r)) {
    if (!k.startsWith("__") && k !== "urn" && pulumi.Output.isInstance(v))
      out[k] = v as pulumi.Output<unknown>;
  }
  return out;
}

const stackOutputs: Record<string, Record<string, pulumi.Output<unknown>>> = {};
// A name declared twice is registered twice (the engine refuses the duplicate URN); references name the latest.
for (const d of declarations) {
  const resource = construct(d);
  declared.set(d.name, resource);
  stackOutputs[d.name] = outputsOf(resource);
}

export = stackOutputs;
