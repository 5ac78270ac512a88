import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { resolveCasSettings, resolveNexusSettings } from "../../src/client/settings";
import { legacyKeyFileJson, newPrivateJwk, pemBody, pkcs1Pem } from "./helpers";

const dir = mkdtempSync(join(tmpdir(), "securid-settings-"));
const PEM = pkcs1Pem();
const KEY_FILE_JSON = legacyKeyFileJson(PEM, { description: "d" });
const keyPath = join(dir, "key.key");
writeFileSync(keyPath, KEY_FILE_JSON);
const JWK = newPrivateJwk("k1");
const JWK_TEXT = JSON.stringify(JWK);
const jwkPath = join(dir, "client.jwk");
writeFileSync(jwkPath, JWK_TEXT);

const SECRETS = [
  pemBody(PEM).slice(0, 40),
  pemBody(PEM).slice(-40),
  String(JWK.d).slice(0, 30),
  "hunter2-pw",
  "secret-bearer",
];

const config = (values: Record<string, string>) => (key: string) => values[key];

const OAUTH_CONFIG = {
  "securid:oauthIssuerUrl": "https://tenant.auth.securid.com/oauth",
  "securid:oauthClientId": "client-1",
  "securid:oauthPrivateKey": JWK_TEXT,
  "securid:adminRestApiUrl": "https://tenant.access.securid.com/AdminInterface/restapi/",
};

/** Asserts a rejection with `code` and a message matching `pattern`, and that no secret is in it. */
async function refused(promise: Promise<unknown>, code: string, pattern: RegExp) {
  await assert.rejects(promise, (err: Error & { code?: string }) => {
    assert.equal(err.code, code, err.message);
    assert.match(err.message, pattern);
    for (const secret of SECRETS) assert.ok(!err.message.includes(secret), `secret in: ${err.message}`);
    return true;
  });
}

// The key files are test keys, but nothing of a test run stays behind in the temporary directory.
after(() => rmSync(dir, { recursive: true, force: true }));

describe("client/settings (CAS)", () => {
  it("reads a legacy key file from the config, with default knobs and no secret in the tenant key", async () => {
    const s = await resolveCasSettings(config({ "securid:apiKeyFile": keyPath }), {});
    assert.equal(s.auth.kind, "legacy");
    assert.equal(s.baseUrl, "https://tenant.access.securid.com/AdminInterface/restapi");
    assert.deepEqual(s.knobs, { maxConcurrency: 8, maxRetries: 6, requestTimeoutSeconds: 30 });
    assert.equal(s.tenantKey, "cas https://tenant.access.securid.com/AdminInterface/restapi key:access-1");
    assert.deepEqual(s.proxy, {});
  });

  it("reads the key file content from SECURID_API_KEY, and the path from SECURID_API_KEY_FILE", async () => {
    assert.equal(
      (await resolveCasSettings(config({}), { SECURID_API_KEY: KEY_FILE_JSON })).auth.kind,
      "legacy",
    );
    assert.equal(
      (await resolveCasSettings(config({}), { SECURID_API_KEY_FILE: keyPath })).auth.kind,
      "legacy",
    );
  });

  it("prefers the config to the environment (credentials and knobs)", async () => {
    const s = await resolveCasSettings(
      config({ "securid:apiKey": KEY_FILE_JSON, "securid:maxRetries": "2" }),
      {
        SECURID_OAUTH_ISSUER_URL: "https://elsewhere/oauth",
        SECURID_OAUTH_CLIENT_ID: "other",
        SECURID_MAX_RETRIES: "9",
        SECURID_MAX_CONCURRENCY: "3",
      },
    );
    assert.equal(s.auth.kind, "legacy");
    assert.equal(s.knobs.maxRetries, 2);
    assert.equal(s.knobs.maxConcurrency, 3);
  });

  it("reads an OAuth client (inline JWK or file)", async () => {
    const s = await resolveCasSettings(
      config({ ...OAUTH_CONFIG, "securid:oauthScopes": "rsa.user.read, rsa.user.manage" }),
      {},
    );
    assert.equal(s.auth.kind, "oauth");
    if (s.auth.kind !== "oauth") return;
    assert.equal(s.auth.key.alg, "RS256");
    assert.deepEqual(s.auth.scopes, ["rsa.user.read", "rsa.user.manage"]);
    assert.equal(s.baseUrl, "https://tenant.access.securid.com/AdminInterface/restapi");
    assert.equal(
      s.tenantKey,
      "cas https://tenant.access.securid.com/AdminInterface/restapi oauth:client-1@https://tenant.auth.securid.com/oauth",
    );
    const { "securid:oauthPrivateKey": _k, ...rest } = OAUTH_CONFIG;
    const f = await resolveCasSettings(config({}), {
      SECURID_OAUTH_ISSUER_URL: rest["securid:oauthIssuerUrl"],
      SECURID_OAUTH_CLIENT_ID: "client-1",
      SECURID_OAUTH_PRIVATE_KEY_FILE: jwkPath,
      SECURID_ADMIN_REST_API_URL: "https://tenant.access.securid.com",
    });
    assert.equal(f.auth.kind, "oauth");
    assert.deepEqual(f.auth.kind === "oauth" && f.auth.scopes, [
      "rsa.user.read",
      "rsa.user.manage",
      "rsa.user.sync",
    ]);
  });

  it("requires exactly one authentication method, saying how to set one", async () => {
    await refused(
      resolveCasSettings(config({}), {}),
      "ERR_INVALID_CONFIG",
      /No RSA SecurID credentials.*pulumi config set securid:apiKeyFile.*pulumi config set --secret securid:apiKey.*SECURID_API_KEY_FILE.*securid:oauthIssuerUrl/,
    );
    await refused(
      resolveCasSettings(config({ ...OAUTH_CONFIG, "securid:apiKeyFile": keyPath }), {}),
      "ERR_INVALID_CONFIG",
      /Both a legacy API key \(securid:apiKeyFile\) and an OAuth client \(securid:oauthIssuerUrl, securid:oauthClientId, securid:oauthPrivateKey\)/,
    );
    await refused(
      resolveCasSettings(config({ "securid:apiKeyFile": keyPath, "securid:apiKey": KEY_FILE_JSON }), {}),
      "ERR_INVALID_CONFIG",
      /Both securid:apiKeyFile and securid:apiKey/,
    );
    await refused(
      resolveCasSettings(config({ "securid:oauthClientId": "c" }), {}),
      "ERR_INVALID_CONFIG",
      /missing securid:oauthIssuerUrl \(SECURID_OAUTH_ISSUER_URL\), securid:oauthPrivateKey \(SECURID_OAUTH_PRIVATE_KEY\), securid:adminRestApiUrl/,
    );
  });

  it("names an unreadable file and its error code, never its content", async () => {
    const missing = join(dir, "nope.key");
    await refused(
      resolveCasSettings(config({ "securid:apiKeyFile": missing }), {}),
      "ERR_INVALID_CONFIG",
      new RegExp(
        `Cannot read the API key file ${missing.replace(/[.\\/]/g, "\\$&")} \\(securid:apiKeyFile\\): ENOENT`,
      ),
    );
    await refused(
      resolveCasSettings(config({ "securid:apiKeyFile": dir }), {}),
      "ERR_INVALID_CONFIG",
      /EISDIR/,
    );
  });

  it("names what is wrong with a key without quoting it", async () => {
    const broken = KEY_FILE_JSON.replace(/MII/g, "MI!");
    await refused(
      resolveCasSettings(config({ "securid:apiKey": broken }), {}),
      "ERR_INVALID_KEY",
      /the API key in securid:apiKey: accessKey/,
    );
    await refused(
      resolveCasSettings(config({ "securid:apiKey": PEM }), {}),
      "ERR_INVALID_KEY",
      /is not JSON/,
    );
    await refused(
      resolveCasSettings(
        config({ ...OAUTH_CONFIG, "securid:oauthPrivateKey": JSON.stringify({ ...JWK, kid: undefined }) }),
        {},
      ),
      "ERR_INVALID_KEY",
      /the OAuth private key in securid:oauthPrivateKey cannot be used: missing or invalid kid/,
    );
  });

  it("refuses out-of-range knobs, naming the key, the value and the range", async () => {
    const cases: Array<[string, string, RegExp]> = [
      ["securid:maxConcurrency", "0", /securid:maxConcurrency is "0": expected an integer from 1 to 64/],
      ["securid:maxConcurrency", "65", /from 1 to 64/],
      ["securid:maxConcurrency", "2.5", /an integer/],
      ["securid:maxRetries", "abc", /securid:maxRetries is "abc": expected an integer from 0 to 20/],
      ["securid:requestTimeoutSeconds", "601", /from 1 to 600/],
      ["securid:maxRequestsPerSecond", "0", /greater than 0/],
      ["securid:maxRequestsPerSecond", "-1", /greater than 0/],
    ];
    for (const [key, value, pattern] of cases) {
      await refused(
        resolveCasSettings(config({ "securid:apiKeyFile": keyPath, [key]: value }), {}),
        "ERR_INVALID_CONFIG",
        pattern,
      );
    }
    await refused(
      resolveCasSettings(config({ "securid:apiKeyFile": keyPath }), { SECURID_MAX_CONCURRENCY: "many" }),
      "ERR_INVALID_CONFIG",
      /SECURID_MAX_CONCURRENCY is "many"/,
    );
    const ok = await resolveCasSettings(
      config({
        "securid:apiKeyFile": keyPath,
        "securid:maxRequestsPerSecond": "2.5",
        "securid:requestTimeoutSeconds": "90",
        "securid:maxRetries": "0",
      }),
      {},
    );
    assert.deepEqual(ok.knobs, {
      maxConcurrency: 8,
      maxRetries: 0,
      requestTimeoutSeconds: 90,
      maxRequestsPerSecond: 2.5,
    });
  });

  it("reads the backoff bounds, and refuses a minimum above the maximum", async () => {
    const ok = await resolveCasSettings(
      config({ "securid:apiKeyFile": keyPath, "securid:minRetryDelayMs": "20" }),
      {
        SECURID_MAX_RETRY_DELAY_MS: "500",
      },
    );
    assert.equal(ok.knobs.minRetryDelayMs, 20);
    assert.equal(ok.knobs.maxRetryDelayMs, 500);
    await refused(
      resolveCasSettings(config({ "securid:apiKeyFile": keyPath, "securid:minRetryDelayMs": "1.5" }), {}),
      "ERR_INVALID_CONFIG",
      /securid:minRetryDelayMs is "1.5": expected an integer from 0 to 60000/,
    );
    await refused(
      resolveCasSettings(config({ "securid:apiKeyFile": keyPath, "securid:maxRetryDelayMs": "100" }), {}),
      "ERR_INVALID_CONFIG",
      /the default minRetryDelayMs \(250\) is greater than securid:maxRetryDelayMs \(100\)/,
    );
  });

  it("refuses http:// to a non-loopback host, and an adminRestApiUrl contradicting the key", async () => {
    await refused(
      resolveCasSettings(
        config({
          ...OAUTH_CONFIG,
          "securid:adminRestApiUrl": "http://tenant.access.securid.com/AdminInterface/restapi",
        }),
        {},
      ),
      "ERR_INVALID_CONFIG",
      /securid:adminRestApiUrl .* uses http:\/\/ to tenant.access.securid.com/,
    );
    await refused(
      resolveCasSettings(config({ ...OAUTH_CONFIG, "securid:oauthIssuerUrl": "http://10.0.0.1/oauth" }), {}),
      "ERR_INVALID_CONFIG",
      /securid:oauthIssuerUrl/,
    );
    const local = await resolveCasSettings(
      config({ ...OAUTH_CONFIG, "securid:adminRestApiUrl": "http://127.0.0.1:9/AdminInterface/restapi" }),
      {},
    );
    assert.equal(local.baseUrl, "http://127.0.0.1:9/AdminInterface/restapi");
    await refused(
      resolveCasSettings(
        config({
          "securid:apiKeyFile": keyPath,
          "securid:adminRestApiUrl": "https://other.access.securid.com",
        }),
        {},
      ),
      "ERR_INVALID_CONFIG",
      /differs from the API key's adminRestApiUrl/,
    );
  });

  it("carries the proxy settings of the given environment", async () => {
    const s = await resolveCasSettings(config({ "securid:apiKeyFile": keyPath }), {
      HTTPS_PROXY: "http://proxy.corp:3128",
      no_proxy: "localhost",
    });
    assert.deepEqual(s.proxy, { httpsProxy: "http://proxy.corp:3128", noProxy: "localhost" });
  });
});

describe("client/settings (Nexus)", () => {
  it("reads a base URL and HTTP Basic credentials, config first", async () => {
    const s = await resolveNexusSettings(
      config({
        "nexus:baseUrl": "https://nexus.example.com/api/",
        "nexus:username": "svc",
        "nexus:password": "hunter2-pw",
      }),
      {
        NEXUS_BEARER_TOKEN: "secret-bearer",
      },
    );
    assert.equal(s.baseUrl, "https://nexus.example.com/api");
    assert.deepEqual(s.auth, { kind: "basic", username: "svc", password: "hunter2-pw" });
    assert.equal(s.tenantKey, "nexus https://nexus.example.com/api basic:svc");
  });

  it("reads bearer credentials with the default or configured header, and a tenant key without the token", async () => {
    const env = {
      NEXUS_BASE_URL: "https://nexus.example.com",
      NEXUS_BEARER_TOKEN: "secret-bearer",
      NEXUS_APPLICATION_TOKEN: "app",
    };
    const s = await resolveNexusSettings(config({}), env);
    assert.deepEqual(s.auth, {
      kind: "bearer",
      bearerToken: "secret-bearer",
      applicationToken: "app",
      applicationTokenHeader: "ApplicationToken",
    });
    assert.ok(!s.tenantKey.includes("secret-bearer"));
    const h = await resolveNexusSettings(config({ "nexus:applicationTokenHeader": "X-App" }), env);
    assert.equal(h.auth.kind === "bearer" && h.auth.applicationTokenHeader, "X-App");
    await refused(
      resolveNexusSettings(config({ "nexus:applicationTokenHeader": "Bad Header" }), env),
      "ERR_INVALID_CONFIG",
      /expected an HTTP header name/,
    );
  });

  it("refuses missing, mixed or incomplete settings without quoting secrets", async () => {
    await refused(
      resolveNexusSettings(config({ "nexus:username": "u" }), {}),
      "ERR_INVALID_CONFIG",
      /nexus:baseUrl \(NEXUS_BASE_URL\)/,
    );
    const base = { "nexus:baseUrl": "https://nexus.example.com" };
    await refused(
      resolveNexusSettings(config(base), {}),
      "ERR_INVALID_CONFIG",
      /No Nexus credentials.*nexus:username and nexus:password/,
    );
    await refused(
      resolveNexusSettings(
        config({ ...base, "nexus:password": "hunter2-pw", "nexus:bearerToken": "secret-bearer" }),
        {},
      ),
      "ERR_INVALID_CONFIG",
      /Both HTTP Basic \(nexus:password\) and bearer \(nexus:bearerToken\)/,
    );
    await refused(
      resolveNexusSettings(config({ ...base, "nexus:password": "hunter2-pw" }), {}),
      "ERR_INVALID_CONFIG",
      /missing nexus:username/,
    );
    await refused(
      resolveNexusSettings(config({ ...base, "nexus:bearerToken": "secret-bearer" }), {}),
      "ERR_INVALID_CONFIG",
      /missing nexus:applicationToken \(NEXUS_APPLICATION_TOKEN\)/,
    );
    await refused(
      resolveNexusSettings(
        config({
          "nexus:baseUrl": "http://nexus.example.com",
          "nexus:username": "u",
          "nexus:password": "hunter2-pw",
        }),
        {},
      ),
      "ERR_INVALID_CONFIG",
      /uses http:\/\/ to nexus.example.com/,
    );
    await refused(
      resolveNexusSettings(
        config({
          ...base,
          "nexus:username": "u",
          "nexus:password": "hunter2-pw",
          "nexus:maxConcurrency": "100",
        }),
        {},
      ),
      "ERR_INVALID_CONFIG",
      /nexus:maxConcurrency is "100"/,
    );
  });
});
