import assert from "node:assert/strict";
import { startEmulator, type Emulator, type OAuthClientInfo } from "../../src/emulator";
import { accessToken, cas, clientAssertion, jsonOf, JWT_BEARER, tokenRequest } from "./helpers";

describe("emulator: OAuth client credentials", () => {
  let emulator: Emulator;
  let ec: OAuthClientInfo;
  let now = Date.now();
  const nowS = () => Math.floor(now / 1000);
  const email = "jane.doe@example.com";

  before(async () => {
    emulator = await startEmulator({
      users: [{ emailAddress: email }],
      clock: () => now,
      tokenLifetimeSeconds: 600,
    });
    ec = await emulator.addOAuthClient("EC");
  });
  after(() => emulator.close());
  beforeEach(() => {
    now = Date.now();
  });

  async function assertOAuthError(res: Response, status: number, error: string) {
    assert.equal(res.status, status);
    const body = await jsonOf(res);
    assert.equal(body.error, error);
    assert.equal(typeof body.error_description, "string");
  }

  it("hands out an RSA client by default and EC clients on demand", () => {
    const rsa = emulator.oauthClient;
    assert.equal(rsa.issuerUrl, `${emulator.origin}/oauth`);
    assert.equal(emulator.oauthIssuerUrl, rsa.issuerUrl);
    assert.equal(rsa.privateJwk.kty, "RSA");
    assert.equal(rsa.privateJwk.alg, "RS256");
    assert.equal(typeof rsa.privateJwk.kid, "string");
    assert.equal(typeof rsa.privateJwk.d, "string");
    assert.equal(ec.privateJwk.kty, "EC");
    assert.equal(ec.privateJwk.alg, "ES256");
    assert.notEqual(ec.clientId, rsa.clientId);
  });

  for (const kind of ["RSA", "EC"] as const) {
    it(`issues an access token to an ${kind} client and accepts it on CAS calls`, async () => {
      const client = kind === "RSA" ? emulator.oauthClient : ec;
      const before = emulator.stats().tokensIssued;
      const res = await tokenRequest(
        client,
        await clientAssertion(client, {}, nowS()),
        "rsa.user.read rsa.user.manage",
      );
      assert.equal(res.status, 200);
      assert.equal(res.headers.get("cache-control"), "no-store");
      const body = await jsonOf(res);
      assert.equal(body.token_type, "Bearer");
      assert.equal(body.expires_in, 600);
      assert.equal(body.scope, "rsa.user.read rsa.user.manage");
      assert.equal(typeof body.access_token, "string");
      assert.equal(emulator.stats().tokensIssued, before + 1);
      assert.equal(
        (await cas(emulator, "lookup", { token: body.access_token, body: { email } })).status,
        200,
      );
    });
  }

  it("grants all three scopes when none is requested", async () => {
    const res = await tokenRequest(
      emulator.oauthClient,
      await clientAssertion(emulator.oauthClient, {}, nowS()),
    );
    assert.equal((await jsonOf(res)).scope, "rsa.user.read rsa.user.manage rsa.user.sync");
  });

  it("refuses a replayed jti with invalid_grant", async () => {
    const assertion = await clientAssertion(ec, {}, nowS());
    assert.equal((await tokenRequest(ec, assertion)).status, 200);
    await assertOAuthError(await tokenRequest(ec, assertion), 400, "invalid_grant");
  });

  it("refuses a wrong audience, a wrong issuer, an expired or too long assertion", async () => {
    const client = emulator.oauthClient;
    const bad = [
      { aud: emulator.oauthIssuerUrl },
      { aud: `${emulator.oauthIssuerUrl}/token/` },
      { sub: "someone-else" },
      { iss: "unknown-client" },
      { iat: nowS() - 900, exp: nowS() - 300 },
      { exp: nowS() + 3600 },
      { jti: "" },
    ];
    for (const claims of bad) {
      await assertOAuthError(
        await tokenRequest(client, await clientAssertion(client, claims, nowS())),
        401,
        "invalid_client",
      );
    }
  });

  it("refuses an assertion signed with another client's key or kid", async () => {
    const forged = { ...ec, clientId: emulator.oauthClient.clientId };
    await assertOAuthError(
      await tokenRequest(forged, await clientAssertion(forged, {}, nowS())),
      401,
      "invalid_client",
    );
  });

  it("refuses unknown scopes, grant types and assertion types", async () => {
    const client = emulator.oauthClient;
    await assertOAuthError(
      await tokenRequest(client, await clientAssertion(client, {}, nowS()), "rsa.user.read rsa.admin"),
      400,
      "invalid_scope",
    );
    const form = (fields: Record<string, string>) =>
      fetch(`${emulator.oauthIssuerUrl}/token`, { method: "POST", body: new URLSearchParams(fields) });
    const assertion = await clientAssertion(client, {}, nowS());
    await assertOAuthError(
      await form({ grant_type: "password", client_assertion_type: JWT_BEARER, client_assertion: assertion }),
      400,
      "unsupported_grant_type",
    );
    await assertOAuthError(
      await form({
        grant_type: "client_credentials",
        client_assertion_type: "basic",
        client_assertion: assertion,
      }),
      401,
      "invalid_client",
    );
  });

  it("enforces scopes on CAS calls", async () => {
    const manage = await accessToken(emulator.oauthClient, "rsa.user.manage", nowS());
    const read = await accessToken(emulator.oauthClient, "rsa.user.read", nowS());
    const syncOnly = await accessToken(emulator.oauthClient, "rsa.user.sync", nowS());
    const id = emulator.getUser(email)!.id;
    const refused = await cas(emulator, "lookup", { token: manage, body: { email } });
    assert.equal(refused.status, 403);
    assert.match((await jsonOf(refused)).message, /rsa\.user\.read/);
    assert.equal((await cas(emulator, "search", { token: read, body: { emailLike: "jane" } })).status, 200);
    const status = { method: "PUT", body: { userStatus: "Enabled" } };
    assert.equal((await cas(emulator, `${id}/userStatus`, { ...status, token: read })).status, 403);
    assert.equal((await cas(emulator, `${id}/userStatus`, { ...status, token: manage })).status, 200);
    assert.equal((await cas(emulator, `${id}/sync`, { token: read })).status, 403);
    assert.equal((await cas(emulator, `${id}/sync`, { token: syncOnly })).status, 200);
    assert.equal((await cas(emulator, `${id}/sync`, { token: manage })).status, 200);
  });

  it("answers 401 for an expired access token and 403 for an unknown one", async () => {
    const token = await accessToken(emulator.oauthClient, undefined, nowS());
    now += 601_000;
    const res = await cas(emulator, "lookup", { token, body: { email } });
    assert.equal(res.status, 401);
    const body = await jsonOf(res);
    assert.equal(body.status, 401);
    assert.equal(body.error, "Unauthorized");
    assert.equal((await cas(emulator, "lookup", { token: "x".repeat(43), body: { email } })).status, 403);
  });

  it("revokeTokens refuses issued tokens with 403; a new token works", async () => {
    const token = await accessToken(emulator.oauthClient, undefined, nowS());
    emulator.revokeTokens();
    assert.equal((await cas(emulator, "lookup", { token, body: { email } })).status, 403);
    const fresh = await accessToken(emulator.oauthClient, undefined, nowS());
    assert.equal((await cas(emulator, "lookup", { token: fresh, body: { email } })).status, 200);
  });

  it("logs token requests with the issued token's hash and counts distinct tokens", async () => {
    emulator.clearRequests();
    const token = await accessToken(emulator.oauthClient, undefined, nowS());
    await cas(emulator, "lookup", { token, body: { email } });
    await cas(emulator, "lookup", { token, body: { email } });
    const [issue, first] = emulator.requests;
    assert.equal(issue!.operation, "token");
    assert.equal(issue!.api, "oauth");
    assert.equal(issue!.tokenId, first!.tokenId);
    const stats = emulator.stats();
    assert.equal(stats.tokensIssued, 1);
    assert.equal(stats.distinctTokens, 1);
    assert.ok(!JSON.stringify(emulator.requests).includes(token));
  });
});
