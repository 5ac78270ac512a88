import assert from "node:assert/strict";
import { createServer, request as httpRequest, type IncomingMessage, type Server } from "node:http";
import { connect, type AddressInfo } from "node:net";
import { generateKeyPairSync } from "node:crypto";
import { decodeJwt } from "jose";
import { Agent, EnvHttpProxyAgent } from "undici";
import { OAuthTokenSource } from "../../src/client/auth/oauth";
import {
  getCasClient,
  getNexusClient,
  resetClients,
  createCasClient,
  createNexusClient,
} from "../../src/client/registry";
import { staticAuth } from "../../src/client/request-auth";
import { resolveCasSettings, resolveNexusSettings, type CasSettings } from "../../src/client/settings";
import { createBaseDispatcher, createTransport, proxySettingsFromEnv } from "../../src/client/transport";
import { BASE, FakeClock, mockAgent, pkcs1Pem, USER } from "./helpers";

function keyFile(adminRestApiUrl: string) {
  return JSON.stringify({ accessID: "access-1", accessKey: pkcs1Pem(), adminRestApiUrl });
}

const legacySettings = (url = "https://tenant.access.securid.com/AdminInterface/restapi/") =>
  resolveCasSettings((k) => (k === "securid:apiKey" ? keyFile(url) : undefined), {});

function listen(server: Server): Promise<number> {
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () => resolve((server.address() as AddressInfo).port)),
  );
}

interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage["headers"];
  body: string;
}

/** A local stand-in for CAS: records requests, answers USER. */
async function fakeCas(): Promise<{ server: Server; port: number; seen: Seen[] }> {
  const seen: Seen[] = [];
  const server = createServer((req, res) => {
    let body = "";
    req.on("data", (c: Buffer) => (body += c.toString()));
    req.on("end", () => {
      seen.push({ method: req.method!, url: req.url!, headers: req.headers, body });
      res.setHeader("content-type", "application/json");
      res.end(JSON.stringify(USER));
    });
  });
  return { server, port: await listen(server), seen };
}

describe("client/registry", () => {
  afterEach(() => resetClients());

  it("shares one client (token cache, limiter) per tenant and principal", async () => {
    const settings = await legacySettings();
    const agent = mockAgent();
    const a = getCasClient(settings, { dispatcher: agent });
    assert.equal(getCasClient({ ...settings }), a);
    const other = await resolveCasSettings(
      (k) =>
        k === "securid:apiKey"
          ? keyFile("https://other.access.securid.com/AdminInterface/restapi/")
          : undefined,
      {},
    );
    assert.notEqual(getCasClient(other, { dispatcher: agent }), a);

    agent
      .get(BASE)
      .intercept({ path: "/AdminInterface/restapi/v1/users/lookup", method: "POST" })
      .reply(200, USER)
      .times(3);
    await Promise.all([
      a.users.lookupUser("a@b.c"),
      a.users.lookupUser("b@b.c"),
      getCasClient(settings).users.lookupUser("c@b.c"),
    ]);
    assert.equal(a.tokens.mintedCount, 1);

    await resetClients();
    assert.notEqual(getCasClient(settings, { dispatcher: agent }), a);
    const nexus = await resolveNexusSettings(
      (k) =>
        ({ "nexus:baseUrl": "https://nexus.example.com", "nexus:username": "u", "nexus:password": "p" })[k],
      {},
    );
    assert.equal(getNexusClient(nexus, { dispatcher: agent }), getNexusClient(nexus));
  });

  it("OAuth: gets an access token through the same connection layer and renews it on 401", async () => {
    const jwk = {
      ...generateKeyPairSync("ec", { namedCurve: "P-256" }).privateKey.export({ format: "jwk" }),
      kid: "k1",
    };
    const settings = await resolveCasSettings(
      (k) =>
        ({
          "securid:oauthIssuerUrl": "https://tenant.auth.securid.com/oauth",
          "securid:oauthClientId": "client-1",
          "securid:oauthPrivateKey": JSON.stringify(jwk),
          "securid:adminRestApiUrl": "https://tenant.access.securid.com",
        })[k],
      {},
    );
    const clock = new FakeClock();
    const agent = mockAgent();
    const issuer = agent.get("https://tenant.auth.securid.com");
    issuer
      .intercept({ path: "/oauth/token", method: "POST" })
      .reply(200, { access_token: "at-1", token_type: "bearer", expires_in: 3600 });
    issuer
      .intercept({ path: "/oauth/token", method: "POST" })
      .reply(200, { access_token: "at-2", token_type: "Bearer", expires_in: 3600 });
    const api = agent.get(BASE);
    api.intercept({ path: "/AdminInterface/restapi/v1/users/u1/userStatus", method: "PUT" }).reply(401, "");
    api
      .intercept({ path: "/AdminInterface/restapi/v1/users/u1/userStatus", method: "PUT" })
      .reply(200, { id: "u1", userStatus: "Enabled" });
    api
      .intercept({ path: "/AdminInterface/restapi/v1/users/u1/userStatus", method: "PUT" })
      .reply(403, "")
      .times(2);
    const cas = createCasClient(settings, { dispatcher: agent, now: clock.now, sleep: clock.sleep });
    assert.deepEqual(await cas.users.setUserStatus("u1", "Enabled"), { id: "u1", userStatus: "Enabled" });
    const auths = agent
      .getCallHistory()!
      .calls()
      .filter((c) => c.path.endsWith("/userStatus"))
      .map((c) => c.headers!["authorization"]);
    assert.deepEqual(auths, ["Bearer at-1", "Bearer at-2"]);
    assert.equal(cas.tokens.mintedCount, 2);
    issuer
      .intercept({ path: "/oauth/token", method: "POST" })
      .reply(200, { access_token: "at-3", token_type: "Bearer", expires_in: 3600 });
    await assert.rejects(
      cas.users.setUserStatus("u1", "Enabled", { email: "a@b.c" }),
      (err: Error & { code?: string }) => {
        assert.equal(err.code, "ERR_AUTH_FAILED");
        assert.match(
          err.message,
          /API client client-1 is enabled, that it has the scope rsa.user.manage \(this call needs it\).*tenant.access.securid.com/,
        );
        return true;
      },
    );
  });

  it("talks to a local server through undici's Agent: headers, JWT audience, Content-Length: 0", async () => {
    const { server, port, seen } = await fakeCas();
    try {
      const url = `http://127.0.0.1:${port}/AdminInterface/restapi/`;
      const cas = createCasClient(await legacySettings(url));
      await cas.users.lookupUser("user.one@mycompany.com");
      await cas.users.syncUser(USER.id);
      await cas.close();
      assert.equal(seen[0].url, "/AdminInterface/restapi/v1/users/lookup");
      assert.equal(seen[0].headers["content-type"], "application/json");
      const jwt = decodeJwt(String(seen[0].headers.authorization).replace(/^Bearer /, ""));
      assert.equal(jwt.aud, url);
      assert.equal(jwt.sub, "access-1");
      assert.equal(seen[1].method, "POST");
      assert.equal(seen[1].url, `/AdminInterface/restapi/v1/users/${USER.id}/sync`);
      assert.equal(seen[1].headers["content-length"], "0");
      assert.equal(seen[1].headers["content-type"], undefined);
      assert.equal(seen[1].body, "");
      assert.equal(seen[1].headers.authorization, seen[0].headers.authorization);
    } finally {
      server.close();
    }
  });

  it("selects EnvHttpProxyAgent when a proxy is set, and routes through it (honouring NO_PROXY)", async () => {
    assert.deepEqual(
      proxySettingsFromEnv({ HTTPS_PROXY: "http://A:1", https_proxy: "http://a:1", NO_PROXY: "x" }),
      {
        httpsProxy: "http://a:1",
        noProxy: "x",
      },
    );
    assert.ok(createBaseDispatcher() instanceof Agent);
    assert.ok(
      createBaseDispatcher({ proxy: proxySettingsFromEnv({ HTTPS_PROXY: "http://proxy:3128" }) }) instanceof
        EnvHttpProxyAgent,
    );

    const { server, port, seen } = await fakeCas();
    // A forward proxy: absolute-form requests (http targets) and CONNECT tunnels (https targets).
    const tunnels: string[] = [];
    const proxy = createServer((req, res) => {
      tunnels.push(req.url!);
      const target = new URL(req.url!);
      const upstream = httpRequest(
        {
          host: target.hostname,
          port: target.port,
          path: target.pathname,
          method: req.method,
          headers: req.headers,
        },
        (answer) => {
          res.writeHead(answer.statusCode!, answer.headers);
          answer.pipe(res);
        },
      );
      req.pipe(upstream);
    });
    proxy.on("connect", (req, socket, head) => {
      tunnels.push(req.url!);
      const [host, targetPort] = req.url!.split(":");
      const upstream = connect(Number(targetPort), host, () => {
        socket.write("HTTP/1.1 200 Connection Established\r\n\r\n");
        upstream.write(head);
        upstream.pipe(socket);
        socket.pipe(upstream);
      });
    });
    const proxyPort = await listen(proxy);
    try {
      const url = `http://127.0.0.1:${port}/AdminInterface/restapi/`;
      const viaProxy = await resolveCasSettings((k) => (k === "securid:apiKey" ? keyFile(url) : undefined), {
        HTTP_PROXY: `http://127.0.0.1:${proxyPort}`,
      });
      const cas = createCasClient(viaProxy);
      await cas.users.lookupUser("a@b.c");
      await cas.close();
      assert.deepEqual(tunnels, [`http://127.0.0.1:${port}/AdminInterface/restapi/v1/users/lookup`]);

      const bypass = await resolveCasSettings((k) => (k === "securid:apiKey" ? keyFile(url) : undefined), {
        HTTP_PROXY: `http://127.0.0.1:${proxyPort}`,
        NO_PROXY: "127.0.0.1",
      });
      const direct = createCasClient(bypass);
      await direct.users.lookupUser("a@b.c");
      await direct.close();
      assert.equal(tunnels.length, 1);
      assert.equal(seen.length, 2);
    } finally {
      server.close();
      proxy.close();
    }
  });

  it("closes a registry client and forgets it", async () => {
    const settings: CasSettings = await legacySettings();
    const first = getCasClient(settings, { dispatcher: mockAgent() });
    await first.close();
    assert.notEqual(getCasClient(settings, { dispatcher: mockAgent() }), first);
  });
  describe("plain http:// to a host other than loopback, in settings a program built itself", () => {
    const RULE =
      "uses http:// to tenant.example.com: only https:// is allowed, except to localhost, 127.0.0.0/8 and ::1.";

    function refused(run: () => unknown, what: string) {
      assert.throws(run, (err: Error & { code?: string }) => {
        assert.equal(err.code, "ERR_INVALID_CONFIG", err.message);
        assert.match(
          err.message,
          new RegExp(`^${what.replace(/\./g, "\\.")} \\(http://tenant\\.example\\.com/`),
        );
        assert.ok(err.message.endsWith(RULE), err.message);
        return true;
      });
    }

    it("createCasClient refuses it, with the rule and message of the settings", async () => {
      const settings = await legacySettings();
      refused(
        () => createCasClient({ ...settings, baseUrl: "http://tenant.example.com/AdminInterface/restapi" }),
        "CasSettings.baseUrl",
      );
      // the settings path says the same about the same URL
      await assert.rejects(
        resolveCasSettings(
          (k) =>
            k === "securid:apiKey" ? keyFile("http://tenant.example.com/AdminInterface/restapi/") : undefined,
          {},
        ),
        (err: Error) => err.message.endsWith(`adminRestApiUrl ${RULE}`),
      );
      // loopback stays allowed (the emulator)
      const local = createCasClient(
        { ...settings, baseUrl: "http://127.0.0.1:9/AdminInterface/restapi" },
        { dispatcher: mockAgent() },
      );
      await local.close();
    });

    it("createCasClient refuses an OAuth issuer over http://", async () => {
      const oauth = await resolveCasSettings(
        (k) =>
          ({
            "securid:oauthIssuerUrl": "https://tenant.example.com/oauth",
            "securid:oauthClientId": "client-1",
            "securid:oauthPrivateKey": JSON.stringify({
              ...generateKeyPairSync("ec", { namedCurve: "P-256" }).privateKey.export({ format: "jwk" }),
              kid: "k1",
            }),
            "securid:adminRestApiUrl": "https://tenant.example.com/AdminInterface/restapi/",
          })[k],
        {},
      );
      const auth = oauth.auth;
      assert.ok(auth.kind === "oauth");
      refused(
        () => createCasClient({ ...oauth, auth: { ...auth, issuerUrl: "http://tenant.example.com/oauth" } }),
        "CasSettings.auth.issuerUrl",
      );
      refused(
        () =>
          new OAuthTokenSource({
            issuerUrl: "http://tenant.example.com/oauth",
            clientId: "client-1",
            privateJwk: auth.key,
            dispatcher: mockAgent(),
          }),
        "OAuthTokenSourceOptions.issuerUrl",
      );
    });

    it("createNexusClient and createTransport refuse it", async () => {
      const nexus = await resolveNexusSettings(
        (k) =>
          ({ "nexus:baseUrl": "https://tenant.example.com", "nexus:username": "u", "nexus:password": "p" })[
            k
          ],
        {},
      );
      refused(
        () => createNexusClient({ ...nexus, baseUrl: "http://tenant.example.com" }),
        "NexusSettings.baseUrl",
      );
      refused(
        () =>
          createTransport({
            baseUrl: "http://tenant.example.com/api",
            auth: staticAuth({}, ""),
            service: "CAS",
            configPrefix: "securid",
            dispatcher: mockAgent(),
          }),
        "TransportOptions.baseUrl",
      );
    });
  });
});
