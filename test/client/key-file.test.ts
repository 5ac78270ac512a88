import assert from "node:assert/strict";
import { generateKeyPairSync } from "node:crypto";
import { parseLegacyKeyFile, normalisePrivateKeyPem } from "../../src/client/key-file";
import { apiUrlProblem, isLoopbackHost, normaliseAdminRestApiUrl } from "../../src/client/url";
import { pemBody, pkcs1Pem, pkcs8Pem, rsaKeyPair } from "./helpers";

const URL_IN_FILE = "https://tenant.access.securid.com/AdminInterface/restapi/";

function keyFile(accessKey: string, extra: Record<string, unknown> = {}) {
  return {
    customerName: "My Company",
    accessID: "2f1c6a0e-1111-2222-3333-444455556666",
    accessKey,
    adminRestApiUrl: URL_IN_FILE,
    description: "pulumi",
    ...extra,
  };
}

/** Asserts that parsing fails with ERR_INVALID_KEY, a message matching `pattern`, and no key material. */
function assertRefused(input: string | object, pattern: RegExp, secret = pemBody(pkcs1Pem())) {
  assert.throws(
    () => parseLegacyKeyFile(input),
    (err: Error & { code?: string }) => {
      assert.equal(err.code, "ERR_INVALID_KEY");
      assert.match(err.message, pattern);
      assert.ok(!err.message.includes(secret.slice(0, 40)), "the message contains key material");
      assert.ok(!err.message.includes(secret.slice(-40)), "the message contains key material");
      return true;
    },
  );
}

describe("client/key-file", () => {
  it("reads a PKCS#1 key file (JSON text, newlines escaped as in the console's file)", () => {
    const key = parseLegacyKeyFile(JSON.stringify(keyFile(pkcs1Pem())));
    assert.equal(key.privateKey.asymmetricKeyType, "rsa");
    assert.equal(key.accessID, "2f1c6a0e-1111-2222-3333-444455556666");
    assert.equal(key.adminRestApiUrl, URL_IN_FILE);
    assert.equal(key.baseUrl, "https://tenant.access.securid.com/AdminInterface/restapi");
    assert.equal(key.customerName, "My Company");
    assert.equal(key.description, "pulumi");
    const expected = rsaKeyPair().privateKey.export({ type: "pkcs1", format: "pem" });
    assert.equal(key.privateKey.export({ type: "pkcs1", format: "pem" }), expected);
  });

  it("reads a PKCS#8 key and an already parsed object, ignoring extra fields", () => {
    const key = parseLegacyKeyFile(keyFile(pkcs8Pem(), { somethingNew: 1 }));
    assert.equal(key.privateKey.asymmetricKeyType, "rsa");
  });

  it("reads literal \\n sequences, CRLF, one-line and re-wrapped PEM", () => {
    const pem = pkcs1Pem();
    const body = pemBody(pem);
    const variants = {
      literalBackslashN: pem.replace(/\n/g, "\\n"),
      crlf: pem.replace(/\n/g, "\r\n"),
      literalCrlf: pem.replace(/\n/g, "\\r\\n"),
      oneLine: `-----BEGIN RSA PRIVATE KEY-----${body}-----END RSA PRIVATE KEY-----`,
      oneLineWithSpaces: `-----BEGIN RSA PRIVATE KEY----- ${body.match(/.{1,64}/g)!.join(" ")} -----END RSA PRIVATE KEY-----`,
      wrapped76: `-----BEGIN RSA PRIVATE KEY-----\n${body.match(/.{1,76}/g)!.join("\n")}\n-----END RSA PRIVATE KEY-----\n`,
      surroundedByWhitespace: `\n\n  ${pem}  \n`,
      pkcs8OneLine: `-----BEGIN PRIVATE KEY-----${pemBody(pkcs8Pem())}-----END PRIVATE KEY-----`,
    };
    for (const [name, accessKey] of Object.entries(variants)) {
      const key = parseLegacyKeyFile(JSON.stringify(keyFile(accessKey)));
      assert.equal(key.privateKey.asymmetricKeyType, "rsa", name);
    }
  });

  it("normalises a PEM to 64-character lines", () => {
    const result = normalisePrivateKeyPem(pkcs1Pem().replace(/\n/g, ""));
    assert.ok("pem" in result);
    const lines = result.pem.trim().split("\n");
    assert.equal(lines[0], "-----BEGIN RSA PRIVATE KEY-----");
    assert.ok(lines.slice(1, -2).every((l) => l.length === 64));
  });

  it("refuses a non-RSA key", () => {
    const ec = generateKeyPairSync("ec", { namedCurve: "P-256" }).privateKey.export({
      type: "pkcs8",
      format: "pem",
    });
    assertRefused(
      keyFile(ec.toString()),
      /is a key of type ec; the Administration API key must be RSA/,
      pemBody(ec.toString()),
    );
  });

  it("refuses an encrypted key, a public key and a PEM with a broken body", () => {
    const pem = pkcs1Pem();
    assertRefused(keyFile(pem.replace(/RSA PRIVATE KEY/g, "ENCRYPTED PRIVATE KEY")), /encrypted private key/);
    assertRefused(keyFile(pem.replace(/RSA PRIVATE KEY/g, "PUBLIC KEY")), /"PUBLIC KEY" block/);
    assertRefused(keyFile(pem.replace(/M/g, "!")), /not base64/);
    const truncated = `-----BEGIN RSA PRIVATE KEY-----\n${pemBody(pem).slice(0, 400)}\n-----END RSA PRIVATE KEY-----`;
    assertRefused(keyFile(truncated), /accessKey is not a readable PEM RSA private key/);
    assertRefused(keyFile(pemBody(pem)), /accessKey is not a PEM private key/);
  });

  it("names missing and mistyped fields", () => {
    const { accessKey: _k, ...noKey } = keyFile(pkcs1Pem());
    assertRefused(noKey, /the field accessKey is missing/);
    assertRefused(keyFile(pkcs1Pem(), { accessID: 42 }), /the field accessID is not a string/);
    assertRefused(keyFile(pkcs1Pem(), { adminRestApiUrl: "" }), /the field adminRestApiUrl is empty/);
  });

  it("refuses garbage without quoting it", () => {
    const garbage = `{"accessKey": "${pemBody(pkcs1Pem()).slice(0, 60)}`;
    assertRefused(garbage, /is not JSON/, pemBody(pkcs1Pem()).slice(0, 60));
    assertRefused("[1,2]", /not a JSON object/);
    assertRefused("null", /not a JSON object/);
  });

  it("refuses a bad adminRestApiUrl, and http:// except to a loopback host", () => {
    assertRefused(
      keyFile(pkcs1Pem(), { adminRestApiUrl: "tenant.securid.com" }),
      /adminRestApiUrl is not an absolute URL/,
    );
    assertRefused(
      keyFile(pkcs1Pem(), { adminRestApiUrl: "http://tenant.access.securid.com/AdminInterface/restapi/" }),
      /adminRestApiUrl uses http:\/\/ to tenant.access.securid.com/,
    );
    const local = parseLegacyKeyFile(
      keyFile(pkcs1Pem(), { adminRestApiUrl: "http://127.0.0.1:8080/AdminInterface/restapi/v1/" }),
    );
    assert.equal(local.baseUrl, "http://127.0.0.1:8080/AdminInterface/restapi");
    assert.equal(local.adminRestApiUrl, "http://127.0.0.1:8080/AdminInterface/restapi/v1/");
  });
});

describe("client/url", () => {
  it("normalises the Administration API URL", () => {
    const cases: Record<string, string> = {
      "https://t.access.securid.com/AdminInterface/restapi/":
        "https://t.access.securid.com/AdminInterface/restapi",
      "https://t.access.securid.com/AdminInterface/restapi/v1":
        "https://t.access.securid.com/AdminInterface/restapi",
      "https://t.access.securid.com/AdminInterface/restapi/v1/":
        "https://t.access.securid.com/AdminInterface/restapi",
      "https://t.access.securid.com": "https://t.access.securid.com/AdminInterface/restapi",
      "https://T.Access.SecurID.com:443/": "https://t.access.securid.com/AdminInterface/restapi",
    };
    for (const [raw, expected] of Object.entries(cases))
      assert.equal(normaliseAdminRestApiUrl(raw), expected, raw);
  });

  it("allows http only to loopback hosts", () => {
    for (const host of ["localhost", "127.0.0.1", "127.1.2.3", "[::1]"]) {
      assert.equal(isLoopbackHost(host), true, host);
      assert.equal(apiUrlProblem(`http://${host}:8080/x`), undefined, host);
    }
    for (const host of ["10.0.0.1", "example.com", "localhost.example.com", "128.0.0.1"]) {
      assert.equal(isLoopbackHost(host), false, host);
      assert.match(apiUrlProblem(`http://${host}/x`) ?? "", /only https/, host);
    }
    assert.match(apiUrlProblem("https://user:pw@h/x") ?? "", /user name or password/);
    assert.match(apiUrlProblem("ftp://h/x") ?? "", /ftp:/);
    assert.match(apiUrlProblem("https://h/x?a=1") ?? "", /query/);
  });
});
