/**
 * URNs as the engine builds them (pulumi/pulumi `sdk/go/common/resource/urn/urn.go`,
 * `pkg/resource/deploy/deployment.go` generateURN): `urn:pulumi:<stack>::<project>::<parentType$...$type>::<name>`.
 */

/** Type of the root component every Node program registers first (`runtime/stack.js`). */
export const ROOT_STACK_TYPE = "pulumi:pulumi:Stack";

const PREFIX = "urn:pulumi:";
const NAME_DELIMITER = "::";
const TYPE_DELIMITER = "$";

export interface ParsedUrn {
  stack: string;
  project: string;
  /** The parent type chain and the type, `a$b$c`. */
  qualifiedType: string;
  /** The resource's own type: the last element of `qualifiedType`. */
  type: string;
  /** Everything after the fourth `::` (names may contain `::`). */
  name: string;
}

export function parseUrn(urn: string): ParsedUrn {
  if (!urn.startsWith(PREFIX)) throw new Error(`not a URN: ${urn}`);
  const parts = urn.slice(PREFIX.length).split(NAME_DELIMITER);
  if (parts.length < 4) throw new Error(`not a URN: ${urn}`);
  const [stack, project, qualifiedType] = parts as [string, string, string];
  const name = parts.slice(3).join(NAME_DELIMITER);
  const types = qualifiedType.split(TYPE_DELIMITER);
  return { stack, project, qualifiedType, type: types[types.length - 1]!, name };
}

/**
 * The URN of a resource: its parent's qualified type (unless the parent is the root stack) joined to its type.
 * `parent` is the parent's URN (or undefined for none).
 */
export function createUrn(
  stack: string,
  project: string,
  parent: string | undefined,
  type: string,
  name: string,
): string {
  const parentType = parent ? parseUrn(parent).qualifiedType : "";
  const qualified =
    parentType !== "" && parentType !== ROOT_STACK_TYPE ? `${parentType}${TYPE_DELIMITER}${type}` : type;
  return `${PREFIX}${stack}${NAME_DELIMITER}${project}${NAME_DELIMITER}${qualified}${NAME_DELIMITER}${name}`;
}

/**
 * `tokens.Type.DisplayName`: `pkg:mod/file:Name` becomes `pkg:mod:Name` when `file` is `name` in camelCase; any
 * other type is shown as it is (so `pulumi-nodejs:dynamic/securid:UserStatus` stays whole).
 */
export function displayTypeName(type: string): string {
  const components = type.split(":");
  if (components.length !== 3) return type;
  const [pkg, module, name] = components as [string, string, string];
  if (name.length === 0) return type;
  const slash = module.lastIndexOf("/");
  if (slash === -1) return type;
  const file = module.slice(slash + 1);
  if (file !== name[0]!.toLowerCase() + name.slice(1)) return type;
  return `${pkg}:${module.slice(0, slash)}:${name}`;
}
