import assert from "node:assert/strict";
import { decodeJwt, decodeProtectedHeader, jwtVerify } from "jose";
import { LegacyTokenSource } from "../../src/client/auth/legacy";
import type { ClientEvent } from "../../src/client/events";
import { FakeClock, rsaKeyPair } from "./helpers";

const AUD = "https://tenant.access.securid.com/AdminInterface/restapi/";

function source(clock: FakeClock, events: ClientEvent[] = []) {
  return new LegacyTokenSource({
    key: { accessID: "access-id-1", adminRestApiUrl: AUD, privateKey: rsaKeyPair().privateKey },
    now: clock.now,
    onEvent: (e) => events.push(e),
  });
}

describe("client/auth/legacy", () => {
  it("mints an RS256 JWT with sub, aud exactly as in the file, numeric iat and exp", async () => {
    const clock = new FakeClock();
    const token = await source(clock).getToken();
    assert.deepEqual(decodeProtectedHeader(token), { alg: "RS256", typ: "JWT" });
    const { payload } = await jwtVerify(token, rsaKeyPair().publicKey, {
      audience: AUD,
      subject: "access-id-1",
      currentDate: new Date(clock.t),
    });
    assert.equal(payload.aud, AUD);
    assert.equal(payload.iat, Math.floor(clock.t / 1000));
    assert.equal(payload.exp! - payload.iat!, 3000);
    assert.deepEqual(Object.keys(payload).sort(), ["aud", "exp", "iat", "sub"]);
  });

  it("reuses one token, shares one mint between concurrent callers, renews near expiry", async () => {
    const clock = new FakeClock();
    const events: ClientEvent[] = [];
    const tokens = source(clock, events);
    const first = await Promise.all([tokens.getToken(), tokens.getToken(), tokens.getToken()]);
    assert.equal(new Set(first).size, 1);
    assert.equal(tokens.mintedCount, 1);
    clock.advance((3000 - 120) * 1000 - 1000);
    assert.equal(await tokens.getToken(), first[0]);
    assert.equal(tokens.mintedCount, 1);
    clock.advance(1000);
    const renewed = await tokens.getToken();
    assert.notEqual(renewed, first[0]);
    assert.equal(tokens.mintedCount, 2);
    assert.equal(decodeJwt(renewed).iat, Math.floor(clock.t / 1000));
    assert.deepEqual(
      events.map((e) => e.type === "token" && e.mintedCount),
      [1, 2],
    );
  });

  it("drops a refused token only while it is the current one", async () => {
    const clock = new FakeClock();
    const tokens = source(clock);
    const first = await tokens.getToken();
    clock.advance(1000); // a different iat, so a different token
    tokens.invalidate("some-older-token");
    assert.equal(await tokens.getToken(), first);
    tokens.invalidate(first);
    const second = await tokens.getToken();
    assert.notEqual(second, first);
    tokens.invalidate(first);
    assert.equal(await tokens.getToken(), second);
    assert.equal(tokens.mintedCount, 2);
  });

  it("after invalidate, mints a different token even within the same second (iat moves back)", async () => {
    const clock = new FakeClock();
    const tokens = source(clock);
    const first = await tokens.getToken();
    tokens.invalidate(first);
    const second = await tokens.getToken();
    tokens.invalidate(second);
    const third = await tokens.getToken();
    assert.equal(new Set([first, second, third]).size, 3);
    const iat = Math.floor(clock.t / 1000);
    assert.deepEqual(
      [first, second, third].map((t) => decodeJwt(t).iat),
      [iat, iat - 1, iat - 2],
    );
    for (const token of [second, third]) {
      const { payload } = await jwtVerify(token, rsaKeyPair().publicKey, { currentDate: new Date(clock.t) });
      assert.deepEqual(Object.keys(payload).sort(), ["aud", "exp", "iat", "sub"]);
      assert.equal(payload.exp! - payload.iat!, 3000);
    }
    // a second later the clock's own second is free again
    clock.advance(1000);
    tokens.invalidate(third);
    assert.equal(decodeJwt(await tokens.getToken()).iat, iat + 1);
  });
});
