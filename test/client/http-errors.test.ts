import assert from "node:assert/strict";
import {
  enableConflictError,
  errorForStatus,
  parseErrorBody,
  type FailedCall,
} from "../../src/client/http-errors";

function call(status: number, body: string, extra: Partial<FailedCall> = {}): FailedCall {
  return {
    status,
    body: parseErrorBody(body, body.startsWith("<") ? "text/html" : "application/json"),
    operation: "set CAS user a@b.c to Enabled",
    user: "a@b.c",
    service: "CAS",
    attempts: 1,
    configPrefix: "securid",
    ...extra,
  };
}

describe("client/http-errors", () => {
  it("reads the message of every known error body shape", () => {
    assert.deepEqual(
      parseErrorBody(JSON.stringify({ code: "404 NOT_FOUND", description: "User not found" })),
      {
        json: true,
        kind: "JSON",
        apiMessage: "User not found",
        apiCode: "404 NOT_FOUND",
      },
    );
    const spring = {
      timestamp: "2025-01-01T00:00:00Z",
      status: 403,
      error: "Forbidden",
      message: "Access Denied",
      path: "/x",
    };
    assert.equal(parseErrorBody(JSON.stringify(spring)).apiMessage, "Access Denied");
    const oauth = parseErrorBody(
      JSON.stringify({ error: "invalid_scope", error_description: "scope not allowed" }),
    );
    assert.equal(oauth.apiMessage, "scope not allowed");
    assert.equal(oauth.apiCode, "invalid_scope");
    const problem = {
      type: "about:blank",
      title: "Bad Request",
      status: 400,
      detail: "audience is required",
      instance: "/v1",
    };
    assert.equal(parseErrorBody(JSON.stringify(problem)).apiMessage, "audience is required");
    const validation = {
      title: "One or more validation errors occurred.",
      status: 400,
      errors: { audience: ["The audience field is required."] },
    };
    assert.equal(
      parseErrorBody(JSON.stringify(validation)).apiMessage,
      "audience: The audience field is required.",
    );
    assert.deepEqual(parseErrorBody("<html><body>502 Bad Gateway</body></html>", "text/html"), {
      json: false,
      kind: "an HTML page (probably from a proxy, a firewall or a login portal, not from the API)",
    });
    assert.equal(parseErrorBody("").kind, "an empty body");
    assert.equal(parseErrorBody("x".repeat(1000), "text/plain").kind, "a text/plain body");
  });

  it("maps statuses to error codes with the operation, the user and a hint", () => {
    const cases: Array<[number, string, RegExp]> = [
      [
        400,
        "ERR_BAD_REQUEST",
        /^Cannot set CAS user a@b.c to Enabled: CAS answered 400 \(bad value\): the request was refused as malformed. .*report it/,
      ],
      [415, "ERR_BAD_REQUEST", /415/],
      [404, "ERR_USER_NOT_FOUND", /no such user a@b.c/],
      [409, "ERR_CONFLICT", /409/],
      [429, "ERR_RATE_LIMITED", /securid:maxConcurrency/],
      [500, "ERR_SERVER", /CAS answered 500 \(bad value\)/],
      [503, "ERR_SERVER", /try again later/],
      [418, "ERR_API", /418/],
    ];
    for (const [status, code, pattern] of cases) {
      const err = errorForStatus(
        call(status, JSON.stringify({ code: String(status), description: "bad value" })),
      );
      assert.equal(err.code, code, String(status));
      assert.equal(err.status, status);
      assert.equal(err.user, "a@b.c");
      assert.equal(err.apiMessage, "bad value");
      assert.match(err.message, pattern, String(status));
    }
  });

  it("says when a 404 did not come from the API", () => {
    const err = errorForStatus(call(404, "<html>Not Found</html>", { user: undefined }));
    assert.equal(err.code, "ERR_API");
    assert.match(err.message, /HTML page.*check the securid base URL/);
  });

  it("tells the two reasons of a 409 on enabling apart", () => {
    const pending = enableConflictError(
      call(409, JSON.stringify({ code: "409 CONFLICT", description: "User is in pending delete state" })),
      "a@b.c",
    );
    assert.equal(pending.code, "ERR_PENDING_DELETION");
    assert.match(
      pending.message,
      /user a@b.c is pending deletion \(CAS deletes such a user for good 7 days after marking\)/,
    );
    assert.match(
      pending.message,
      /Cancel the deletion in the Cloud Administration Console.*set status "Disabled"/,
    );

    const bySync = enableConflictError(
      call(
        409,
        JSON.stringify({
          code: "409 CONFLICT",
          description: "User was disabled by a synchronization operation",
        }),
      ),
      "a@b.c",
    );
    assert.equal(bySync.code, "ERR_DISABLED_BY_SYNC");
    assert.match(
      bySync.message,
      /disabled by an identity-source synchronization.*Enable the user in the directory/,
    );

    const unknown = enableConflictError(call(409, ""), "a@b.c");
    assert.equal(unknown.code, "ERR_CONFLICT");
    assert.match(unknown.message, /pending deletion.*synchronization disabled them/);
  });
});
