/** Formats the benchmark's figures as plain-text tables. */
import type { Measurement } from "./measure";
import { LATENCY_MS, RATE_LIMIT, type ScenarioA, type ScenarioBC } from "./scenarios";

type Cell = string | number | undefined;

const seconds = (ms: number | undefined) => (ms === undefined ? undefined : `${(ms / 1000).toFixed(1)} s`);
const fixed = (x: number | undefined, digits = 2) => (x === undefined ? undefined : x.toFixed(digits));
const mb = (kb: number | undefined) => (kb === undefined ? undefined : `${Math.round(kb / 1024)} MB`);

/** Where an operation's time goes: its requests at the emulator, and the rest (engine RPCs, plugin). */
function perOperation(m: Measurement, users: number, parallel: number): string[] {
  const opMs = (m.wallMs * Math.min(parallel, users)) / users;
  const httpMs = (m.requests * m.serverMs) / users;
  return [
    `  per operation: ${opMs.toFixed(1)} ms in flight in the engine, of which ${httpMs.toFixed(1)} ms are its ` +
      `requests at the emulator and ${(opMs - httpMs).toFixed(1)} ms the rest (Check and Create RPCs over gRPC, plugin)`,
  ];
}

/** `naive ÷ ours` as `N.NN×`. */
export function speedup(ours: Measurement | undefined, naive: Measurement | undefined): string | undefined {
  if (!ours || !naive) return undefined;
  return `${(naive.wallMs / ours.wallMs).toFixed(2)}×`;
}

/** Wall time ÷ the least time the limit allows for the requests the API accepted (1.0 = the limit). */
export function limitRatio(m: Measurement | undefined): number | undefined {
  if (!m) return undefined;
  return m.wallMs / 1000 / (m.accepted / RATE_LIMIT.requestsPerSecond);
}

function table(header: [string, string, string], rows: [string, Cell, Cell, string?][]): string[] {
  const text = (c: Cell) => (c === undefined ? "-" : String(c));
  const w0 = Math.max(header[0].length, ...rows.map((r) => r[0].length));
  const w1 = Math.max(header[1].length, ...rows.map((r) => text(r[1]).length));
  const w2 = Math.max(header[2].length, ...rows.map((r) => text(r[2]).length));
  const line = (a: string, b: string, c: string, note?: string) =>
    `  ${a.padEnd(w0)}  ${b.padStart(w1)}  ${c.padStart(w2)}${note ? `  ${note}` : ""}`;
  return [line(...header), ...rows.map((r) => line(r[0], text(r[1]), text(r[2]), r[3]))];
}

const HEAD: [string, string, string] = ["", "pulumi-securid", "naive"];

function errors(label: string, m: Measurement | undefined): string[] {
  if (!m || m.errors.length === 0) return [];
  return [`  ${label} errors (first ${m.errors.length}):`, ...m.errors.map((e) => `    ${e}`)];
}

export function reportA(a: ScenarioA, users: number, writes: number, parallel: number): string[] {
  const { ours, naive } = a;
  const ratio = limitRatio(ours);
  return [
    `A. ${users} creates (${writes} need a write), API limited to ${RATE_LIMIT.requestsPerSecond} req/s ` +
      `(burst ${RATE_LIMIT.burst}, no Retry-After); pulumi-securid: parallel ${parallel}, naive: serial`,
    ...table(HEAD, [
      ["wall time", seconds(ours.wallMs), seconds(naive?.wallMs)],
      ["requests sent", ours.requests, naive?.requests],
      ["429 received", ours.throttled, naive?.throttled],
      ["retries (sent − needed)", ours.retries, naive?.retries],
      ["failures", ours.failures, naive?.failures],
      ["users left in the wrong status", ours.mismatches, naive?.mismatches],
      ["requests accepted (non-429)", ours.accepted, naive?.accepted],
      [
        `wall ÷ (accepted ÷ ${RATE_LIMIT.requestsPerSecond}/s)`,
        fixed(ratio),
        fixed(limitRatio(naive)),
        `1.0 = the limit; target ≤ 1.15: ${ratio !== undefined && ratio <= 1.15 && ours.failures === 0 ? "met" : "NOT met"}`,
      ],
      ["speedup (naive wall ÷ ours)", speedup(ours, naive), undefined],
      ["tokens minted (distinct on the wire)", ours.tokens, naive?.tokens],
      ["plugin peak RSS", mb(ours.rssPeakKb), undefined],
    ]),
    `  pulumi-securid, accepted requests per second (/n: 429s in that second):`,
    ...wrap(ours.perSecond.map(([ok, throttled], s) => `${s}:${ok}${throttled ? `/${throttled}` : ""}`)),
    ...errors("pulumi-securid", ours),
    ...errors("naive", naive),
  ];
}

/** Space-separated items on lines of at most 110 characters, indented. */
function wrap(items: string[]): string[] {
  const lines: string[] = [];
  let line = "   ";
  for (const item of items) {
    if (line.length + item.length + 1 > 110) {
      lines.push(line);
      line = "   ";
    }
    line += ` ${item}`;
  }
  if (line.trim() !== "") lines.push(line);
  return lines;
}

export function reportB(bc: ScenarioBC, users: number, bound: number, parallel: number): string[] {
  const { create, naiveCreate, wide } = bc;
  const rps = (m: Measurement | undefined) => (m ? m.requests / (m.wallMs / 1000) : undefined);
  const boundRps = bound / (LATENCY_MS / 1000);
  const naiveBound = 1 / (LATENCY_MS / 1000);
  const ours = rps(create);
  const naive = rps(naiveCreate);
  const pct = (x: number | undefined, b: number) =>
    x === undefined ? undefined : `${Math.round((100 * x) / b)} %`;
  return [
    `B. ${users} creates, ${LATENCY_MS} ms latency per request, no rate limit`,
    ...table(HEAD, [
      ["wall time", seconds(create.wallMs), seconds(naiveCreate?.wallMs)],
      ["requests sent", create.requests, naiveCreate?.requests],
      ["failures", create.failures, naiveCreate?.failures],
      ["users left in the wrong status", create.mismatches, naiveCreate?.mismatches],
      ["requests per second", fixed(ours, 0), fixed(naive, 0)],
      [
        "in-flight bound ÷ latency",
        `${bound} → ${boundRps.toFixed(0)}/s`,
        `1 → ${naiveBound.toFixed(0)}/s`,
        "in-flight bound = min(parallel, securid:maxConcurrency)",
      ],
      [
        "achieved ÷ bound",
        pct(ours, boundRps),
        pct(naive, naiveBound),
        `target ≥ 80 %: ${ours !== undefined && ours >= 0.8 * boundRps ? "met" : "NOT met"}`,
      ],
      [
        "latency at the emulator (mean)",
        `${create.serverMs.toFixed(1)} ms`,
        naiveCreate ? `${naiveCreate.serverMs.toFixed(1)} ms` : undefined,
        "arrival → answer",
      ],
      [
        "requests in flight at the emulator",
        `${create.avgInFlight.toFixed(1)} avg, ${create.maxInFlight} max`,
        naiveCreate ? `${naiveCreate.avgInFlight.toFixed(1)} avg, ${naiveCreate.maxInFlight} max` : undefined,
      ],
      ["speedup (naive wall ÷ ours)", speedup(create, naiveCreate), undefined],
      ["tokens minted (distinct on the wire)", create.tokens, naiveCreate?.tokens],
      ["plugin peak RSS", mb(create.rssPeakKb), undefined],
    ]),
    ...perOperation(create, users, parallel),
    ...(wide
      ? [
          `  with --parallel ${wide.parallel} (in-flight bound still ${bound}): ${seconds(wide.wallMs)}, ` +
            `${fixed(rps(wide), 0)} req/s = ${pct(rps(wide), boundRps)} of the bound, ` +
            `${wide.avgInFlight.toFixed(1)} requests in flight on average, ${wide.failures} failures`,
        ]
      : []),
    ...(bc.overhead
      ? [
          `  the HTTP client's own cost (one process, serial, no latency): ${bc.overhead.clientMs.toFixed(3)} ms per ` +
            `request vs ${bc.overhead.rawMs.toFixed(3)} ms for a bare undici request ` +
            `(+${(bc.overhead.clientMs - bc.overhead.rawMs).toFixed(3)} ms)`,
        ]
      : []),
    ...errors("pulumi-securid", create),
    ...errors("naive", naiveCreate),
  ];
}

export function reportC(bc: ScenarioBC, users: number): string[] {
  const { noopUp, refresh, naiveNoopUp, naiveRefresh } = bc;
  return [
    `C. The same ${users} resources, ${LATENCY_MS} ms latency: a no-op up (check + diff only) and a refresh`,
    `   (the naive client has no state: its "no-op" re-applies, i.e. looks every user up; its refresh looks every user up)`,
    ...table(HEAD, [
      ["no-op up: wall time", seconds(noopUp.wallMs), seconds(naiveNoopUp?.wallMs)],
      [
        "no-op up: requests",
        noopUp.requests,
        naiveNoopUp?.requests,
        `target 0: ${noopUp.requests === 0 && noopUp.failures === 0 ? "met" : "NOT met"}`,
      ],
      ["no-op up: failures (or not 'same')", noopUp.failures, naiveNoopUp?.failures],
      ["no-op up: speedup", speedup(noopUp, naiveNoopUp), undefined],
      ["refresh: wall time", seconds(refresh.wallMs), seconds(naiveRefresh?.wallMs)],
      ["refresh: requests", refresh.requests, naiveRefresh?.requests],
      ["refresh: failures", refresh.failures, naiveRefresh?.failures],
      ["refresh: speedup", speedup(refresh, naiveRefresh), undefined],
      ["plugin peak RSS (after B and C)", mb(refresh.rssPeakKb), undefined],
    ]),
    ...errors("no-op up", noopUp),
    ...errors("refresh", refresh),
  ];
}
