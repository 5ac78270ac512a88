/** `securid:neverDisable` -> `SECURID_NEVER_DISABLE`: the environment twin of a stack setting. */
export function environmentVariable(key: string): string {
  return key
    .replace(":", "_")
    .replace(/([a-z0-9])([A-Z])/g, "$1_$2")
    .toUpperCase();
}
