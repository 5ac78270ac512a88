/**
 * The two gRPC services a Pulumi program talks to (`--monitor` and `--engine`): the resource monitor
 * (pulumi/pulumi `pkg/resource/deploy/source_eval.go`, `resmon`) and the engine's log/root-resource service
 * (`pkg/resource/deploy/plugin_host` engine server). They translate requests into plain objects and hand them to
 * a {@link MonitorHandler}; what a registration does is decided there.
 */
import * as grpc from "@grpc/grpc-js";
import * as engrpc from "@pulumi/pulumi/proto/engine_grpc_pb";
import * as engproto from "@pulumi/pulumi/proto/engine_pb";
import * as resrpc from "@pulumi/pulumi/proto/resource_grpc_pb";
import * as resproto from "@pulumi/pulumi/proto/resource_pb";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import type { PropertyMap } from "./plugin";

/** One alias of a registration: an old URN, or a spec the engine turns into one (`resource.Alias`). */
export type AliasSpec =
  | { urn: string }
  | {
      name?: string;
      type?: string;
      stack?: string;
      project?: string;
      parentUrn?: string;
      noParent?: boolean;
    };

/** A `RegisterResourceRequest`, as the step generator needs it. */
export interface Registration {
  type: string;
  name: string;
  /** Parent URN ("" in the request becomes undefined). */
  parent?: string;
  custom: boolean;
  /** Input properties; secrets and unknowns in their wire forms. */
  object: PropertyMap;
  dependencies: string[];
  propertyDependencies: Record<string, string[]>;
  /** The `deleteBeforeReplace` option when the program set it, else undefined (the provider decides). */
  deleteBeforeReplace?: boolean;
  ignoreChanges: string[];
  additionalSecretOutputs: string[];
  aliases: AliasSpec[];
  /** Options this stand-in does not model but records, so a test can see them: protect, retainOnDelete, import. */
  protect?: boolean;
  retainOnDelete?: boolean;
  importId?: string;
  replaceOnChanges: string[];
}

/** What RegisterResource answers. */
export interface RegistrationAnswer {
  urn: string;
  id: string;
  /** Output properties; secrets in the wire form (the SDK accepts secrets). */
  object: PropertyMap;
}

export type LogSeverity = "debug" | "info" | "warning" | "error";

export interface LogEntry {
  severity: LogSeverity;
  message: string;
  urn?: string;
  streamId: number;
  ephemeral: boolean;
}

/** A gRPC error status the handler wants sent back (e.g. UNAVAILABLE once the deployment is cancelled). */
export class MonitorError extends Error {
  constructor(
    readonly code: grpc.status,
    message: string,
  ) {
    super(message);
    this.name = "MonitorError";
  }
}

export interface MonitorHandler {
  registerResource(reg: Registration): Promise<RegistrationAnswer>;
  registerResourceOutputs(urn: string, outputs: PropertyMap): Promise<void>;
  /** The program finished without error; answer once every step, the deletes included, is done. */
  signalAndWaitForShutdown(): Promise<void>;
  log(entry: LogEntry): void;
}

/**
 * `SupportsFeature` as the engine answers it for what this stand-in implements (source_eval.go supportsFeatureID).
 * Everything else is false, so the SDK refuses the options that need it instead of the stand-in ignoring them.
 */
export const SUPPORTED_FEATURES: ReadonlySet<string> = new Set(["secrets", "aliasSpecs"]);

const SEVERITIES: Record<number, LogSeverity> = {
  [engproto.LogSeverity.DEBUG]: "debug",
  [engproto.LogSeverity.INFO]: "info",
  [engproto.LogSeverity.WARNING]: "warning",
  [engproto.LogSeverity.ERROR]: "error",
};

/** `rpcutil.MaxRPCMessageSize`. */
const MAX_RPC_MESSAGE_SIZE = 1024 * 1024 * 400;

function fromStruct(s: Struct | undefined): PropertyMap {
  return (s?.toJavaScript() ?? {}) as PropertyMap;
}

function aliasFrom(alias: import("@pulumi/pulumi/proto/alias_pb").Alias): AliasSpec {
  if (alias.hasUrn()) return { urn: alias.getUrn() };
  const spec = alias.getSpec();
  if (!spec) return {};
  const out: AliasSpec = {};
  if (spec.getName()) out.name = spec.getName();
  if (spec.getType()) out.type = spec.getType();
  if (spec.getStack()) out.stack = spec.getStack();
  if (spec.getProject()) out.project = spec.getProject();
  if (spec.hasParenturn() && spec.getParenturn()) out.parentUrn = spec.getParenturn();
  if (spec.hasNoparent() && spec.getNoparent()) out.noParent = true;
  return out;
}

export function registrationFrom(req: resproto.RegisterResourceRequest): Registration {
  const propertyDependencies: Record<string, string[]> = {};
  for (const [k, deps] of req.getPropertydependenciesMap().entries())
    propertyDependencies[k] = deps.getUrnsList();
  const dbrDefined = req.getDeletebeforereplacedefined() || req.getDeletebeforereplace();
  const reg: Registration = {
    type: req.getType(),
    name: req.getName(),
    custom: req.getCustom(),
    object: fromStruct(req.getObject()),
    dependencies: req.getDependenciesList(),
    propertyDependencies,
    ignoreChanges: req.getIgnorechangesList(),
    additionalSecretOutputs: req.getAdditionalsecretoutputsList(),
    aliases: [
      ...req.getAliasurnsList().map((urn) => ({ urn })),
      ...req.getAliasesList().map((a) => aliasFrom(a)),
    ],
    replaceOnChanges: req.getReplaceonchangesList(),
  };
  if (req.getParent()) reg.parent = req.getParent();
  if (dbrDefined) reg.deleteBeforeReplace = req.getDeletebeforereplace();
  if (req.hasProtect()) reg.protect = req.getProtect();
  if (req.hasRetainondelete()) reg.retainOnDelete = req.getRetainondelete();
  if (req.getImportid()) reg.importId = req.getImportid();
  return reg;
}

function reply<T>(callback: grpc.sendUnaryData<T>, work: () => Promise<T>): void {
  work().then(
    (res) => callback(null, res),
    (e: unknown) => {
      const code = e instanceof MonitorError ? e.code : grpc.status.UNKNOWN;
      callback({ code, details: e instanceof Error ? e.message : String(e) }, null);
    },
  );
}

/** The two servers, listening on 127.0.0.1 with free ports. */
export class MonitorServers {
  /** Every feature the program asked about, with the answer. */
  readonly featureQueries: { id: string; supported: boolean }[] = [];
  private rootUrn = "";
  private port = 0;

  private constructor(private readonly server: grpc.Server) {}

  /** `--monitor` address. */
  get monitorAddress(): string {
    return `127.0.0.1:${this.port}`;
  }

  /** `--engine` address (the same server: each service is a separate gRPC service on it). */
  get engineAddress(): string {
    return `127.0.0.1:${this.port}`;
  }

  /** The URN the program set with `SetRootResource` (its `pulumi:pulumi:Stack`). */
  get rootResourceUrn(): string {
    return this.rootUrn;
  }

  /**
   * Starts both services on one server, on a free port of 127.0.0.1. `handler` gets
   * every resource call; `Invoke` fails for every token and `ReadResource` is not supported.
   */
  static async start(handler: MonitorHandler): Promise<MonitorServers> {
    const server = new grpc.Server({
      "grpc.max_receive_message_length": MAX_RPC_MESSAGE_SIZE,
      "grpc.max_send_message_length": MAX_RPC_MESSAGE_SIZE,
    });
    const servers = new MonitorServers(server);
    servers.addServices(handler);
    servers.port = await new Promise<number>((resolve, reject) =>
      server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (err, p) =>
        err ? reject(err) : resolve(p),
      ),
    );
    return servers;
  }

  private addServices(handler: MonitorHandler): void {
    const monitor: Partial<resrpc.IResourceMonitorServer> = {
      supportsFeature: (call, callback) => {
        const id = call.request.getId();
        const supported = SUPPORTED_FEATURES.has(id);
        this.featureQueries.push({ id, supported });
        callback(null, new resproto.SupportsFeatureResponse().setHassupport(supported));
      },
      registerResource: (call, callback) =>
        reply(callback, async () => {
          const answer = await handler.registerResource(registrationFrom(call.request));
          return new resproto.RegisterResourceResponse()
            .setUrn(answer.urn)
            .setId(answer.id)
            .setObject(Struct.fromJavaScript(answer.object as Record<string, never>))
            .setResult(resproto.Result.SUCCESS);
        }),
      registerResourceOutputs: (call, callback) =>
        reply(callback, async () => {
          await handler.registerResourceOutputs(call.request.getUrn(), fromStruct(call.request.getOutputs()));
          return new Empty();
        }),
      signalAndWaitForShutdown: (_call, callback) =>
        reply(callback, async () => {
          await handler.signalAndWaitForShutdown();
          return new Empty();
        }),
      invoke: (call, callback) =>
        callback(
          {
            code: grpc.status.UNIMPLEMENTED,
            details: `unknown function ${call.request.getTok()}: this engine stand-in has no providers to invoke`,
          },
          null,
        ),
      readResource: (call, callback) =>
        callback(
          {
            code: grpc.status.UNIMPLEMENTED,
            details: `ReadResource (${call.request.getType()} ${call.request.getName()}) is not supported by this engine stand-in`,
          },
          null,
        ),
    };
    const engine: Partial<engrpc.IEngineServer> = {
      log: (call, callback) => {
        const r = call.request;
        const entry: LogEntry = {
          severity: SEVERITIES[r.getSeverity()] ?? "info",
          message: r.getMessage(),
          streamId: r.getStreamid(),
          ephemeral: r.getEphemeral(),
        };
        if (r.getUrn()) entry.urn = r.getUrn();
        handler.log(entry);
        callback(null, new Empty());
      },
      getRootResource: (_call, callback) =>
        callback(null, new engproto.GetRootResourceResponse().setUrn(this.rootUrn)),
      setRootResource: (call, callback) => {
        this.rootUrn = call.request.getUrn();
        callback(null, new engproto.SetRootResourceResponse());
      },
    };
    // Methods left out answer UNIMPLEMENTED (grpc-js), which the SDK treats as "an older engine".
    this.server.addService(resrpc.ResourceMonitorService, monitor as grpc.UntypedServiceImplementation);
    this.server.addService(engrpc.EngineService, engine as grpc.UntypedServiceImplementation);
  }

  /** Stops accepting calls and cancels those in flight. */
  stop(): void {
    this.server.forceShutdown();
  }
}
