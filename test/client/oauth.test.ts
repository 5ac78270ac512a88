import assert from "node:assert/strict";
import { generateKeyPairSync, type KeyObject } from "node:crypto";
import { decodeProtectedHeader, jwtVerify } from "jose";
import { OAuthTokenSource, parseOAuthJwk } from "../../src/client/auth/oauth";
import { FakeClock, mockAgent } from "./helpers";

const ISSUER = "https://tenant.auth.securid.com/oauth/";
const TOKEN_URL = "https://tenant.auth.securid.com/oauth/token";

function jwkPair(type: "rsa" | "ec"): { jwk: Record<string, unknown>; publicKey: KeyObject } {
  const pair =
    type === "rsa"
      ? generateKeyPairSync("rsa", { modulusLength: 2048 })
      : generateKeyPairSync("ec", { namedCurve: "P-256" });
  return {
    jwk: { ...pair.privateKey.export({ format: "jwk" }), kid: `kid-${type}` },
    publicKey: pair.publicKey,
  };
}

const rsa = jwkPair("rsa");

function setup(jwk: Record<string, unknown> = rsa.jwk) {
  const clock = new FakeClock();
  const agent = mockAgent();
  const pool = agent.get("https://tenant.auth.securid.com");
  const source = new OAuthTokenSource({
    issuerUrl: ISSUER,
    clientId: "client-1",
    privateJwk: JSON.stringify(jwk),
    dispatcher: agent,
    now: clock.now,
    sleep: clock.sleep,
    random: () => 0,
  });
  const intercept = () => pool.intercept({ path: "/oauth/token", method: "POST" });
  return {
    clock,
    agent,
    source,
    intercept,
    /** The forms posted so far. */
    get forms(): URLSearchParams[] {
      return agent
        .getCallHistory()!
        .calls()
        .map((c) => new URLSearchParams(String(c.body)));
    },
  };
}

const answer = (expiresIn: number, token = "at-1") => ({
  access_token: token,
  token_type: "Bearer",
  expires_in: expiresIn,
});

describe("client/auth/oauth", () => {
  it("posts a form with a signed client assertion and returns the access token", async () => {
    const t = setup();
    const { source, intercept, clock, agent } = t;
    intercept().reply(200, answer(3600));
    assert.equal(await source.getToken(), "at-1");
    const form = t.forms[0];
    assert.equal(form.get("grant_type"), "client_credentials");
    assert.equal(form.get("client_assertion_type"), "urn:ietf:params:oauth:client-assertion-type:jwt-bearer");
    assert.equal(form.get("scope"), "rsa.user.read rsa.user.manage rsa.user.sync");
    const assertion = form.get("client_assertion")!;
    assert.deepEqual(decodeProtectedHeader(assertion), { alg: "RS256", kid: "kid-rsa", typ: "JWT" });
    const { payload } = await jwtVerify(assertion, rsa.publicKey, {
      issuer: "client-1",
      subject: "client-1",
      audience: TOKEN_URL,
      currentDate: new Date(clock.t),
    });
    assert.match(payload.jti!, /^[0-9a-f-]{36}$/);
    assert.equal(payload.exp! - payload.iat!, 300);
    const call = agent.getCallHistory()!.lastCall()!;
    assert.equal(call.headers!["content-type"], "application/x-www-form-urlencoded");
  });

  it("signs with ES256 for an EC P-256 key", async () => {
    const ec = jwkPair("ec");
    const t = setup(ec.jwk);
    const { source, intercept, clock } = t;
    intercept().reply(200, answer(3600));
    await source.getToken();
    const assertion = t.forms[0].get("client_assertion")!;
    assert.equal(decodeProtectedHeader(assertion).alg, "ES256");
    await jwtVerify(assertion, ec.publicKey, { currentDate: new Date(clock.t) });
  });

  it("caches the token until expires_in minus the renewal margin, or 80 % of a short lifetime", async () => {
    const { source, intercept, clock } = setup();
    intercept().reply(200, answer(3600, "at-1"));
    intercept().reply(200, answer(60, "at-2"));
    intercept().reply(200, answer(60, "at-3"));
    assert.equal(await source.getToken(), "at-1");
    clock.advance((3600 - 120) * 1000 - 1);
    assert.equal(await source.getToken(), "at-1");
    clock.advance(1);
    assert.equal(await source.getToken(), "at-2");
    clock.advance(47_999);
    assert.equal(await source.getToken(), "at-2");
    clock.advance(1);
    assert.equal(await source.getToken(), "at-3");
    assert.equal(source.mintedCount, 3);
  });

  it("retries 5xx with a fresh assertion (unique jti) per attempt", async () => {
    const t = setup();
    const { source, intercept, clock } = t;
    intercept().reply(503, "busy");
    intercept().reply(200, answer(3600));
    assert.equal(await source.getToken(), "at-1");
    assert.equal(t.forms.length, 2);
    const jtis = await Promise.all(
      t.forms.map(
        async (f) =>
          (await jwtVerify(f.get("client_assertion")!, rsa.publicKey, { currentDate: new Date(clock.t) }))
            .payload.jti,
      ),
    );
    assert.notEqual(jtis[0], jtis[1]);
    assert.equal(clock.sleeps.length, 1);
  });

  it("maps invalid_client and invalid_scope to AuthFailedError with a hint, without retrying", async () => {
    const a = setup();
    a.intercept().reply(401, { error: "invalid_client", error_description: "client authentication failed" });
    await assert.rejects(a.source.getToken(), (err: Error & { code?: string; status?: number }) => {
      assert.equal(err.code, "ERR_AUTH_FAILED");
      assert.equal(err.status, 401);
      assert.match(err.message, /invalid_client: client authentication failed/);
      assert.match(err.message, /client-1 with this key/);
      return true;
    });
    assert.equal(a.forms.length, 1);
    const b = setup();
    b.intercept().reply(400, { error: "invalid_scope" });
    await assert.rejects(
      b.source.getToken(),
      /lacks a requested scope; requested: rsa.user.read rsa.user.manage rsa.user.sync/,
    );
  });

  it("names the issuer when it cannot be reached", async () => {
    const { source, intercept, clock } = setup();
    intercept()
      .replyWithError(Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" }))
      .times(3);
    await assert.rejects(source.getToken(), (err: Error & { code?: string }) => {
      assert.equal(err.code, "ERR_CONNECTION");
      assert.match(
        err.message,
        /cannot reach the OAuth issuer https:\/\/tenant.auth.securid.com\/oauth\/ \(ECONNREFUSED\) after 3 attempts/,
      );
      return true;
    });
    assert.equal(clock.sleeps.length, 2);
    // a failed mint is not cached: the next call tries again
    intercept().reply(200, answer(3600));
    assert.equal(await source.getToken(), "at-1");
  });

  it("refuses an answer that is not a bearer token", async () => {
    const { source, intercept } = setup();
    intercept().reply(200, { access_token: "x", token_type: "mac", expires_in: 60 });
    await assert.rejects(source.getToken(), /ERR_INVALID_RESPONSE|token_type: expected Bearer/);
  });

  it("checks the JWK without quoting it", () => {
    const d = String(rsa.jwk.d);
    const cases: Array<[unknown, RegExp]> = [
      [{ ...rsa.jwk, kid: undefined }, /missing or invalid kid/],
      [{ ...rsa.jwk, d: undefined }, /is a public key/],
      [{ ...rsa.jwk, kty: "oct" }, /kty oct; expected RSA or EC/],
      [{ keys: [rsa.jwk] }, /key set \(JWKS\)/],
      [`{"d": "${d}"`, /is not JSON/],
    ];
    for (const [input, pattern] of cases) {
      assert.throws(
        () => parseOAuthJwk(typeof input === "string" ? input : JSON.stringify(input)),
        (err: Error & { code?: string }) => {
          assert.equal(err.code, "ERR_INVALID_KEY");
          assert.match(err.message, pattern);
          assert.ok(!err.message.includes(d.slice(0, 20)));
          return true;
        },
      );
    }
    assert.equal(parseOAuthJwk(jwkPair("ec").jwk).alg, "ES256");
    const p384 = generateKeyPairSync("ec", { namedCurve: "P-384" }).privateKey.export({ format: "jwk" });
    assert.equal(parseOAuthJwk({ ...p384, kid: "k" }).alg, "ES384");
  });
});
