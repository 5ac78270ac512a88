/**
 * The package as a user gets it: `npm pack` of this repository, installed with `npm install` into a
 * fresh program directory next to a given @pulumi/pulumi, and the provider objects serialized by that
 * program's own SDK, exactly as `new UserStatus(...)` would in the user's program.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { ResourceKind } from "../../src/resources/thin-provider";

const ROOT = path.resolve(__dirname, "../..");
const npm = process.platform === "win32" ? "npm.cmd" : "npm";

function npmRun(args: string[], cwd: string): string {
  return execFileSync(npm, args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
}

/** A tarball of this repository (`npm pack`, which builds first). */
export function packPackage(destination: string): string {
  const packed = JSON.parse(npmRun(["pack", "--json", "--pack-destination", destination], ROOT)) as {
    filename: string;
  }[];
  return path.join(destination, packed[0].filename);
}

/** A program directory with the tarball and @pulumi/pulumi installed from the registry (or its cache). */
export interface InstalledProgram {
  /** The program's directory: the plugin's working directory. */
  dir: string;
  /** The `__provider` text of a kind, serialized by the program's own @pulumi/pulumi. */
  serializedProvider(kind: ResourceKind): Promise<string>;
}

export function installProgram(dir: string, tarball: string, pulumiVersion: string): InstalledProgram {
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    path.join(dir, "package.json"),
    JSON.stringify({
      name: "consumer",
      private: true,
      dependencies: { "pulumi-securid": `file:${tarball}`, "@pulumi/pulumi": pulumiVersion },
    }),
  );
  npmRun(["install", "--prefer-offline", "--no-audit", "--no-fund", "--loglevel=error"], dir);
  const modules = path.join(dir, "node_modules");
  return {
    dir,
    async serializedProvider(kind) {
      const thin = path.join(modules, "pulumi-securid", "dist", "resources", "thin-provider.js");
      const { providerFor } = require(thin) as typeof import("../../src/resources/thin-provider");
      const sdk = require(path.join(modules, "@pulumi", "pulumi")) as typeof import("@pulumi/pulumi");
      // What `new dynamic.Resource(...)` does with the provider object: serialize a function returning it.
      const provider = providerFor(kind);
      return (await sdk.runtime.serializeFunction(() => provider, { allowSecrets: true })).text;
    },
  };
}

/** Packs and installs into a new temporary directory; `cleanup` removes it. */
export function installedPackage(pulumiVersion: string): InstalledProgram & { cleanup(): void } {
  const work = mkdtempSync(path.join(tmpdir(), "securid-installed-"));
  const program = installProgram(path.join(work, "app"), packPackage(work), pulumiVersion);
  return { ...program, cleanup: () => rmSync(work, { recursive: true, force: true }) };
}
