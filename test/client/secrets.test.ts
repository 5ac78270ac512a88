/**
 * No secret in any message: a key pasted where a path belongs is named, never echoed; keys too short
 * to sign are refused when read; a key that cannot sign is ERR_INVALID_KEY, never a connection error.
 */
import assert from "node:assert/strict";
import { generateKeyPairSync } from "node:crypto";
import { z } from "zod";
import { LegacyTokenSource } from "../../src/client/auth/legacy";
import { OAuthTokenSource, parseOAuthJwk, type OAuthKey } from "../../src/client/auth/oauth";
import { parseLegacyKeyFile } from "../../src/client/key-file";
import { bearerTokenAuth } from "../../src/client/request-auth";
import { resolveCasSettings } from "../../src/client/settings";
import { createTransport } from "../../src/client/transport";
import {
  BASE_URL,
  CountingTokens,
  FakeClock,
  legacyKeyFileJson,
  mockAgent,
  newPrivateJwk,
  pemBody,
  pkcs1Pem,
} from "./helpers";

const PEM = pkcs1Pem();
const KEY_FILE_JSON = legacyKeyFileJson(PEM);
const JWK = newPrivateJwk("k1");
const JWK_TEXT = JSON.stringify(JWK);
const OAUTH = {
  issuerUrl: "https://tenant.auth.securid.com/oauth",
  clientId: "client-1",
  adminRestApiUrl: "https://tenant.access.securid.com/AdminInterface/restapi/",
};

const weak = generateKeyPairSync("rsa", { modulusLength: 1024 });
const WEAK_PEM = weak.privateKey.export({ type: "pkcs1", format: "pem" }).toString();
const WEAK_JWK = { ...weak.privateKey.export({ format: "jwk" }), kid: "weak" };

/** 40-character pieces of every key of this file: none may appear in a message. */
function fragments(): string[] {
  const pieces: string[] = [];
  for (const text of [pemBody(PEM), pemBody(WEAK_PEM), String(JWK.d), String(JWK.p), String(WEAK_JWK.d)]) {
    for (let at = 0; at + 40 <= text.length; at += 40) pieces.push(text.slice(at, at + 40));
  }
  return pieces;
}
const FRAGMENTS = fragments();

function assertNoKeyIn(message: string): void {
  for (const piece of FRAGMENTS) assert.ok(!message.includes(piece), `key material in: ${message}`);
}

/** Asserts a rejection (or throw) with `code`, the message matching every pattern, and no key in it. */
async function refused(run: () => unknown, code: string, ...patterns: RegExp[]): Promise<void> {
  await assert.rejects(
    async () => run(),
    (err: Error & { code?: string }) => {
      assert.equal(err.code, code, err.message);
      for (const pattern of patterns) assert.match(err.message, pattern);
      assertNoKeyIn(err.message);
      return true;
    },
  );
}

const config = (values: Record<string, string>) => (key: string) => values[key];

describe("client: no secret in messages", () => {
  describe("a *File setting holding the key itself", () => {
    const cases: [string, Record<string, string>, Record<string, string>, RegExp, RegExp][] = [
      [
        "the key file's JSON in securid:apiKeyFile",
        { "securid:apiKeyFile": KEY_FILE_JSON },
        {},
        /^securid:apiKeyFile must be the path of the API key file, but it holds what looks like the key itself \(a PEM block\); its value is not shown\./,
        /Put the key's content in securid:apiKey instead \(`pulumi config set --secret securid:apiKey/,
      ],
      [
        "the key file's JSON in SECURID_API_KEY_FILE (a CI secret)",
        {},
        { SECURID_API_KEY_FILE: KEY_FILE_JSON },
        /^SECURID_API_KEY_FILE must be the path of the API key file, but it holds what looks like the key itself/,
        /Put the key's content in SECURID_API_KEY instead \(in a CI job: `SECURID_API_KEY: \$\{\{ secrets\.<name> \}\}`\) and remove SECURID_API_KEY_FILE/,
      ],
      [
        "a bare PEM in SECURID_API_KEY_FILE",
        {},
        { SECURID_API_KEY_FILE: PEM },
        /SECURID_API_KEY_FILE must be the path .* \(a PEM block\)/,
        /SECURID_API_KEY instead/,
      ],
      [
        "the PEM's base64 on one line",
        { "securid:apiKeyFile": pemBody(PEM) },
        {},
        /securid:apiKeyFile must be the path .* \(\d+ characters, longer than any file path\)/,
        /securid:apiKey instead/,
      ],
      [
        "several lines",
        { "securid:apiKeyFile": `${pemBody(PEM).slice(0, 64)}\n${pemBody(PEM).slice(64, 128)}` },
        {},
        /securid:apiKeyFile must be the path .* \(several lines\)/,
        /securid:apiKey instead/,
      ],
      [
        "a JWK in securid:oauthPrivateKeyFile",
        {
          "securid:oauthIssuerUrl": OAUTH.issuerUrl,
          "securid:oauthClientId": OAUTH.clientId,
          "securid:adminRestApiUrl": OAUTH.adminRestApiUrl,
          "securid:oauthPrivateKeyFile": JWK_TEXT,
        },
        {},
        /^securid:oauthPrivateKeyFile must be the path of the OAuth private key file, but it holds what looks like the key itself \(a JSON object\)/,
        /Put the key's content in securid:oauthPrivateKey instead/,
      ],
      [
        "a JWK in SECURID_OAUTH_PRIVATE_KEY_FILE",
        {},
        {
          SECURID_OAUTH_ISSUER_URL: OAUTH.issuerUrl,
          SECURID_OAUTH_CLIENT_ID: OAUTH.clientId,
          SECURID_ADMIN_REST_API_URL: OAUTH.adminRestApiUrl,
          SECURID_OAUTH_PRIVATE_KEY_FILE: JSON.stringify(JWK, null, 2),
        },
        /^SECURID_OAUTH_PRIVATE_KEY_FILE must be the path .* \(a JSON object\)/,
        /Put the key's content in SECURID_OAUTH_PRIVATE_KEY instead/,
      ],
    ];
    for (const [what, values, env, message, hint] of cases) {
      it(`refuses ${what}: ERR_INVALID_CONFIG naming the setting, never the key`, async () => {
        await refused(() => resolveCasSettings(config(values), env), "ERR_INVALID_CONFIG", message, hint);
      });
    }

    it("names a missing path, cut short when long", async () => {
      const long = `/tmp/${"d/".repeat(200)}key.key`;
      await refused(
        () => resolveCasSettings(config({ "securid:apiKeyFile": long }), {}),
        "ERR_INVALID_CONFIG",
        /^Cannot read the API key file \/tmp\/d\/d\/.*… \(\d+ characters\) \(securid:apiKeyFile\): ENOENT\./,
      );
    });
  });

  describe("RSA keys under 2048 bits", () => {
    it("refuses a 1024-bit legacy key when it is read, saying its size and what to do", async () => {
      const file = JSON.stringify({ ...JSON.parse(KEY_FILE_JSON), accessKey: WEAK_PEM });
      await refused(
        () => parseLegacyKeyFile(file, "the API key in SECURID_API_KEY"),
        "ERR_INVALID_KEY",
        /^the API key in SECURID_API_KEY: accessKey is a 1024-bit RSA key; RS256 tokens need at least 2048 bits\./,
        /Generate a new key in the Cloud Administration Console/,
      );
      await refused(
        () => resolveCasSettings(config({ "securid:apiKey": file }), {}),
        "ERR_INVALID_KEY",
        /securid:apiKey: accessKey is a 1024-bit RSA key/,
      );
    });

    it("refuses a 1024-bit OAuth JWK when it is read", async () => {
      await refused(
        () => parseOAuthJwk(JSON.stringify(WEAK_JWK), "the OAuth private key in securid:oauthPrivateKey"),
        "ERR_INVALID_KEY",
        /^the OAuth private key in securid:oauthPrivateKey is a 1024-bit RSA key; RS256 client assertions need at least 2048 bits\./,
      );
      // a 2048-bit one is read (its modulus may start with a high bit or not)
      assert.equal(parseOAuthJwk(JWK_TEXT).alg, "RS256");
    });
  });

  describe("a key that cannot sign", () => {
    const schema = z.object({ id: z.string() });

    function transportWith(auth: ReturnType<typeof bearerTokenAuth>) {
      const clock = new FakeClock();
      const agent = mockAgent();
      const transport = createTransport({
        baseUrl: BASE_URL,
        auth,
        service: "CAS",
        configPrefix: "securid",
        dispatcher: agent,
        now: clock.now,
        sleep: clock.sleep,
      });
      const lookup = () =>
        transport.request({
          method: "POST",
          path: "/v1/users/lookup",
          body: { email: "a@b.c" },
          schema,
          operation: "look up CAS user a@b.c",
        });
      return { lookup, calls: () => agent.getCallHistory()!.calls().length };
    }

    it("a legacy key jose refuses (1024 bits) is ERR_INVALID_KEY, not a connection error, and nothing is sent", async () => {
      const tokens = new LegacyTokenSource({
        key: { accessID: "access-1", adminRestApiUrl: OAUTH.adminRestApiUrl, privateKey: weak.privateKey },
      });
      await refused(
        () => tokens.getToken(),
        "ERR_INVALID_KEY",
        /^The Administration API key access-1 cannot sign a token \(RS256 requires key modulusLength to be 2048 bits or larger\)\./,
      );
      const { lookup, calls } = transportWith(bearerTokenAuth(tokens, () => ""));
      await refused(lookup, "ERR_INVALID_KEY", /cannot sign a token/);
      assert.equal(calls(), 0);
    });

    it("an OAuth key that cannot sign the client assertion is ERR_INVALID_KEY", async () => {
      const key: OAuthKey = { jwk: WEAK_JWK, kid: "weak", alg: "RS256" };
      const source = new OAuthTokenSource({ ...OAUTH, privateJwk: key, dispatcher: mockAgent() });
      await refused(
        () => source.clientAssertion(),
        "ERR_INVALID_KEY",
        /^The OAuth private key \(kid weak\) cannot sign the client assertion \(RS256 requires key modulusLength/,
      );
    });

    it("any other failure to sign a request's credentials is ERR_INVALID_KEY too", async () => {
      const tokens = new CountingTokens();
      tokens.getToken = () => Promise.reject(new TypeError("key unusable for this operation"));
      const { lookup, calls } = transportWith(bearerTokenAuth(tokens, () => ""));
      await refused(
        lookup,
        "ERR_INVALID_KEY",
        /^The request cannot be signed with the configured key \(key unusable for this operation\)\./,
      );
      assert.equal(calls(), 0);
    });

    it("never shows key material a library error might carry", async () => {
      const tokens = new CountingTokens();
      const leaky = `cannot use ${pemBody(PEM).slice(100, 400)}`;
      tokens.getToken = () => Promise.reject(new Error(leaky));
      const { lookup } = transportWith(bearerTokenAuth(tokens, () => ""));
      await refused(lookup, "ERR_INVALID_KEY", /\(cannot use …\)/);
    });
  });
});
