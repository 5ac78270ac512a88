/**
 * Alias resolution (pulumi/pulumi `pkg/resource/deploy/step_generator.go`: collapseAliasToUrn,
 * inheritedChildAlias, generateAliases): the URNs under which a registering resource may be found in the old
 * state, in the order they are tried after its own URN.
 */
import type { AliasSpec } from "./monitor";
import { ROOT_STACK_TYPE, createUrn, parseUrn } from "./urn";

export interface AliasContext {
  stack: string;
  project: string;
  /** New URN -> the old URN an alias matched for it (so children of a renamed parent follow it). */
  parentAliases: ReadonlyMap<string, string>;
}

/** `collapseAliasToUrn`: an alias spec to the URN it names; omitted fields default to the resource's own. */
export function collapseAlias(
  ctx: AliasContext,
  name: string,
  type: string,
  parent: string | undefined,
  alias: AliasSpec,
): string {
  if ("urn" in alias) return alias.urn;
  const n = alias.name || name;
  const t = alias.type || type;
  let p = alias.parentUrn || parent;
  if (alias.parentUrn) p = ctx.parentAliases.get(alias.parentUrn) ?? alias.parentUrn;
  if (alias.noParent || (p !== undefined && parseUrn(p).qualifiedType === ROOT_STACK_TYPE)) p = undefined;
  return createUrn(alias.stack || ctx.stack, alias.project || ctx.project, p, t, n);
}

/** `inheritedChildAlias`: where a child of a renamed parent was (its name prefix follows the parent's name). */
function inheritedChildAlias(
  ctx: AliasContext,
  childType: string,
  childName: string,
  parentName: string,
  parentAlias: string,
): string {
  const aliasName = childName.startsWith(parentName)
    ? parseUrn(parentAlias).name + childName.slice(parentName.length)
    : childName;
  return createUrn(ctx.stack, ctx.project, parentAlias, childType, aliasName);
}

/** `generateAliases`: the resource's own aliases, then those inherited from an aliased parent. */
export function generateAliases(
  ctx: AliasContext,
  name: string,
  type: string,
  parent: string | undefined,
  aliases: readonly AliasSpec[],
): string[] {
  const out: string[] = [];
  const add = (u: string) => {
    if (!out.includes(u)) out.push(u);
  };
  for (const a of aliases) add(collapseAlias(ctx, name, type, parent, a));
  const parentAlias = parent ? ctx.parentAliases.get(parent) : undefined;
  if (parent && parentAlias) {
    const parentName = parseUrn(parent).name;
    add(inheritedChildAlias(ctx, type, name, parentName, parentAlias));
    for (const a of aliases) {
      const child = parseUrn(collapseAlias(ctx, name, type, parent, a));
      add(inheritedChildAlias(ctx, child.type, child.name, parentName, parentAlias));
    }
  }
  return out;
}
