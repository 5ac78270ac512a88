import assert from "node:assert/strict";
import { createPrivateKey } from "node:crypto";
import { SignJWT } from "jose";
import { startEmulator, type Emulator } from "../../src/emulator";
import { cas, jsonOf, legacyJwt } from "./helpers";

describe("emulator: legacy API key JWT", () => {
  let emulator: Emulator;
  const email = "jane.doe@example.com";

  before(async () => {
    emulator = await startEmulator({ users: [{ emailAddress: email }] });
  });
  after(() => emulator.close());

  const lookup = (token: string) => cas(emulator, "lookup", { token, body: { email } });

  async function assertRefused(token: string, messagePart?: RegExp) {
    const res = await lookup(token);
    assert.equal(res.status, 403);
    const body = await jsonOf(res);
    assert.equal(body.status, 403);
    assert.equal(body.error, "Forbidden");
    assert.equal(body.path, "/AdminInterface/restapi/v1/users/lookup");
    assert.equal(typeof body.timestamp, "string");
    assert.equal(typeof body.message, "string");
    if (messagePart) assert.match(body.message, messagePart);
    assert.ok(!JSON.stringify(body).includes(token), "the token is never echoed");
  }

  it("has a key file as the console hands out", () => {
    const key = emulator.keyFile;
    assert.match(key.accessKey, /^-----BEGIN RSA PRIVATE KEY-----\n/);
    assert.equal(key.adminRestApiUrl, `${emulator.origin}/AdminInterface/restapi/`);
    assert.equal(emulator.url, key.adminRestApiUrl);
    for (const field of ["customerName", "accessID", "description"] as const)
      assert.equal(typeof key[field], "string");
  });

  it("accepts a valid JWT, reusable until it expires", async () => {
    const token = await legacyJwt(emulator);
    assert.equal((await lookup(token)).status, 200);
    assert.equal((await lookup(token)).status, 200);
  });

  it("accepts a JWT without typ", async () => {
    const now = Math.floor(Date.now() / 1000);
    const token = await new SignJWT({
      sub: emulator.keyFile.accessID,
      aud: emulator.keyFile.adminRestApiUrl,
      iat: now,
      exp: now + 60,
    })
      .setProtectedHeader({ alg: "RS256" })
      .sign(createPrivateKey(emulator.keyFile.accessKey));
    assert.equal((await lookup(token)).status, 200);
  });

  it("refuses a missing or non-bearer Authorization header", async () => {
    const res = await cas(emulator, "lookup", { body: { email }, headers: { authorization: "Basic eDp5" } });
    assert.equal(res.status, 403);
    assert.equal((await jsonOf(res)).error, "Forbidden");
  });

  it("refuses HS256 and alg none", async () => {
    const now = Math.floor(Date.now() / 1000);
    const claims = {
      sub: emulator.keyFile.accessID,
      aud: emulator.keyFile.adminRestApiUrl,
      iat: now,
      exp: now + 60,
    };
    const hs = await new SignJWT(claims)
      .setProtectedHeader({ alg: "HS256", typ: "JWT" })
      .sign(new TextEncoder().encode("a-shared-secret-of-32-bytes-long!"));
    await assertRefused(hs, /header/);
    const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString("base64url");
    await assertRefused(`${b64({ alg: "none", typ: "JWT" })}.${b64(claims)}.`, /header/);
  });

  it("refuses extra header parameters", async () => {
    await assertRefused(await legacyJwt(emulator, {}, { header: { kid: "k1" } }), /header/);
  });

  it("refuses a wrong audience, including a missing trailing slash", async () => {
    const aud = emulator.keyFile.adminRestApiUrl;
    await assertRefused(await legacyJwt(emulator, { aud: aud.replace(/\/$/, "") }), /aud/);
    await assertRefused(await legacyJwt(emulator, { aud: `${aud}v1` }), /aud/);
    await assertRefused(
      await legacyJwt(emulator, { aud: "https://other.access.securid.com/AdminInterface/restapi/" }),
    );
  });

  it("refuses a wrong subject", async () => {
    await assertRefused(await legacyJwt(emulator, { sub: "someone-else" }), /sub/);
  });

  it("refuses exp - iat > 3600", async () => {
    const now = Math.floor(Date.now() / 1000);
    await assertRefused(await legacyJwt(emulator, { iat: now, exp: now + 3601 }), /one hour/);
  });

  it("refuses an expired JWT (beyond 60 s of skew) and accepts one within the skew", async () => {
    const now = Math.floor(Date.now() / 1000);
    await assertRefused(await legacyJwt(emulator, { iat: now - 3000, exp: now - 120 }), /expired/);
    assert.equal((await lookup(await legacyJwt(emulator, { iat: now - 3000, exp: now - 30 }))).status, 200);
  });

  it("refuses a JWT issued in the future", async () => {
    const now = Math.floor(Date.now() / 1000);
    await assertRefused(await legacyJwt(emulator, { iat: now + 300, exp: now + 600 }), /future/);
  });

  it("refuses non-numeric iat/exp", async () => {
    const now = Math.floor(Date.now() / 1000);
    const token = await legacyJwt(emulator, { iat: String(now) as unknown as number });
    await assertRefused(token, /numbers/);
  });

  it("refuses a JWT signed with another key", async () => {
    const other = createPrivateKey({ key: emulator.oauthClient.privateJwk, format: "jwk" });
    await assertRefused(await legacyJwt(emulator, {}, { key: other }), /signature/);
  });

  it("refuses garbage", async () => {
    await assertRefused("a.b.c");
    await assertRefused("not-a-token");
  });

  it("revokeTokens refuses tokens seen so far, not new ones", async () => {
    const old = await legacyJwt(emulator, {}, { nowS: Math.floor(Date.now() / 1000) - 10 });
    assert.equal((await lookup(old)).status, 200);
    emulator.revokeTokens();
    await assertRefused(old, /revoked/);
    // A JWT minted in the same second with the same claims is byte-identical, hence also revoked.
    const fresh = await legacyJwt(emulator, { exp: Math.floor(Date.now() / 1000) + 3599 });
    assert.equal((await lookup(fresh)).status, 200);
  });

  it("logs a hash of the token, never the token", async () => {
    emulator.clearRequests();
    const token = await legacyJwt(emulator, {}, { nowS: Math.floor(Date.now() / 1000) - 1 });
    await lookup(token);
    await lookup(token);
    const entries = emulator.requests;
    assert.equal(entries.length, 2);
    assert.match(entries[0]!.tokenId!, /^[0-9a-f]{16}$/);
    assert.equal(entries[0]!.tokenId, entries[1]!.tokenId);
    assert.ok(!JSON.stringify(entries).includes(token));
    assert.equal(emulator.stats().distinctTokens, 1);
  });

  it("checks the expiry of a token on every request, although its signature is verified once", async () => {
    let t = Date.now();
    const clocked = await startEmulator({ users: [{ emailAddress: email }], clock: () => t });
    try {
      const nowS = Math.floor(t / 1000);
      const token = await legacyJwt(clocked, { iat: nowS, exp: nowS + 60 }, { nowS });
      const call = () => cas(clocked, "lookup", { token, body: { email } });
      assert.equal((await call()).status, 200);
      assert.equal((await call()).status, 200);
      t += (60 + 61) * 1000; // past exp and the 60 s of allowed skew
      const res = await call();
      assert.equal(res.status, 403);
      assert.match((await jsonOf(res)).message, /token expired/);
    } finally {
      await clocked.close();
    }
  });
});
