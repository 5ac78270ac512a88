#!/usr/bin/env node
/**
 * `pulumi-securid-emulator`: runs the emulator as a local tool and writes the credentials a Pulumi
 * program needs (legacy key file, OAuth client JWK, Nexus credentials) into a key folder.
 */
import { readFile, writeFile } from "node:fs/promises";
import { isIP } from "node:net";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { SAMPLE_NEXUS_USERS, SAMPLE_USERS } from "./sample-users";
import { startEmulator } from "./server";
import type { Emulator, SeedUser } from "./types";

export const DEFAULT_PORT = 8455;
export const DEFAULT_KEY_DIR = ".emulator";

const HELP = `Usage: pulumi-securid-emulator [options]

Runs a local emulator of the RSA SecurID CAS Administration API (user lookup, search, status, sync),
its OAuth token endpoint, and ECI Nexus SyncUserIdentity. Test credentials only.

Options:
  --port <n>          port to listen on (default ${DEFAULT_PORT}; 0 picks a free one)
  --host <addr>       address to listen on (default 127.0.0.1; loopback only unless --allow-remote)
  --allow-remote      allow a non-loopback --host
  --users <file>      JSON array of users to seed (default: a built-in sample)
  --key-dir <dir>     where the key file, OAuth client and Nexus credentials go (default ./${DEFAULT_KEY_DIR})
  --rate-limit <rps>  rate limit the API calls (token bucket, burst = rps)
  --latency <ms>      answer every API call this long after it arrived
  --help              show this help
`;

export class CliError extends Error {}

function isLoopback(host: string): boolean {
  if (host === "localhost") return true;
  if (isIP(host) === 4) return host.startsWith("127.");
  return host === "::1";
}

function number(name: string, value: string | undefined, fallback?: number): number | undefined {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0)
    throw new CliError(`--${name} must be a non-negative number, got "${value}"`);
  return n;
}

async function readUsers(file: string): Promise<SeedUser[]> {
  const data: unknown = JSON.parse(await readFile(file, "utf8"));
  if (!Array.isArray(data) || !data.every((u) => typeof u?.emailAddress === "string")) {
    throw new CliError(`${file} must hold a JSON array of users, each with an emailAddress`);
  }
  return data as SeedUser[];
}

async function writeJson(path: string, value: unknown): Promise<string> {
  await writeFile(path, JSON.stringify(value, null, 2) + "\n", { mode: 0o600 });
  return path;
}

/** Starts the emulator from command-line arguments; `undefined` after `--help`. */
export async function runCli(
  argv: string[],
  print: (line: string) => void = console.log,
): Promise<Emulator | undefined> {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: "string" },
      host: { type: "string" },
      "allow-remote": { type: "boolean" },
      users: { type: "string" },
      "key-dir": { type: "string" },
      "rate-limit": { type: "string" },
      latency: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
    strict: true,
  });
  if (values.help) {
    print(HELP);
    return undefined;
  }
  const host = values.host ?? "127.0.0.1";
  if (!isLoopback(host) && !values["allow-remote"]) {
    throw new CliError(
      `refusing to listen on ${host}: not a loopback address (add --allow-remote to insist)`,
    );
  }
  const keyDir = resolve(values["key-dir"] ?? DEFAULT_KEY_DIR);
  const rps = number("rate-limit", values["rate-limit"]);
  const emulator = await startEmulator({
    port: number("port", values.port, DEFAULT_PORT),
    host,
    keyDir,
    users: values.users ? await readUsers(values.users) : [...SAMPLE_USERS],
    nexusUsers: [...SAMPLE_NEXUS_USERS],
    latencyMs: number("latency", values.latency, 0),
    rateLimit: rps ? { requestsPerSecond: rps, burst: Math.max(1, Math.ceil(rps)) } : undefined,
  });
  const keyFile = await emulator.writeKeyFile(keyDir);
  const client = emulator.oauthClient;
  const oauthFile = await writeJson(join(keyDir, "oauth-client.json"), client);
  const jwkFile = await writeJson(join(keyDir, "oauth-client.jwk.json"), client.privateJwk);
  const nexusFile = await writeJson(join(keyDir, "nexus-credentials.json"), {
    baseUrl: emulator.nexusUrl,
    ...emulator.nexusCredentials,
  });
  const nexus = emulator.nexusCredentials;
  [
    `pulumi-securid emulator listening on ${emulator.origin} (test credentials only)`,
    ``,
    `CAS adminRestApiUrl   ${emulator.url}`,
    `Legacy API key file   ${keyFile}`,
    `OAuth issuer          ${client.issuerUrl}  (token endpoint ${client.issuerUrl}/token)`,
    `OAuth client id       ${client.clientId}`,
    `OAuth client JWK      ${jwkFile}  (with issuer and client id: ${oauthFile})`,
    `Nexus URL             ${emulator.nexusUrl}`,
    `Nexus credentials     ${nexusFile}  (username ${nexus.username}, header ${nexus.applicationTokenHeader})`,
    `Admin API             ${emulator.origin}/__emulator/  (users, requests, stats, rate-limit, faults, latency)`,
    `Users                 ${emulator.listUsers().length} CAS, ${emulator.listNexusUsers().length} Nexus`,
    ``,
    `Legacy API key:`,
    `  export SECURID_API_KEY_FILE=${keyFile}`,
    `  pulumi config set securid:apiKeyFile ${keyFile}`,
    `OAuth client instead:`,
    `  pulumi config set securid:oauthIssuerUrl ${client.issuerUrl}`,
    `  pulumi config set securid:oauthClientId ${client.clientId}`,
    `  pulumi config set securid:oauthPrivateKeyFile ${jwkFile}`,
    `  pulumi config set securid:adminRestApiUrl ${emulator.url}`,
    `Nexus:`,
    `  pulumi config set nexus:baseUrl ${emulator.nexusUrl}`,
    `  pulumi config set nexus:username ${nexus.username}`,
    `  pulumi config set --secret nexus:password "$(node -p 'require(process.argv[1]).password' ${nexusFile})"`,
    ``,
    `Ctrl-C to stop.`,
  ].forEach((line) => print(line));
  return emulator;
}

async function main(): Promise<void> {
  let emulator: Emulator | undefined;
  try {
    emulator = await runCli(process.argv.slice(2));
  } catch (err) {
    console.error(`pulumi-securid-emulator: ${err instanceof Error ? err.message : String(err)}`);
    if (!(err instanceof CliError)) console.error(HELP);
    process.exitCode = 2;
    return;
  }
  if (!emulator) return;
  const running = emulator;
  const stop = () => {
    running.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}

if (require.main === module) void main();
