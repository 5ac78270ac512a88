/**
 * A resource whose `create` creates something but reports it not ready: it throws an error carrying `id` and
 * `properties` (and `reasons` when the config `halfReady:reasons` lists some), which the plugin sends to the engine
 * as ErrorResourceInitFailed. `diff` always says "no change"; `update` finishes the initialization. With
 * `halfReady:mode` = "plain", create throws a plain error instead.
 */
import * as pulumi from "@pulumi/pulumi";

interface HalfReadyInputs {
  key: string;
  mode?: string;
  reasons?: string[];
}

type InitError = Error & { id?: string; properties?: Record<string, unknown>; reasons?: string[] };

const provider: pulumi.dynamic.ResourceProvider = {
  async diff() {
    return { changes: false };
  },
  async create(inputs: HalfReadyInputs) {
    if (inputs.mode === "plain") throw new Error(`create of ${inputs.key} failed: nothing was made`);
    const e: InitError = new Error(`${inputs.key} was created but is not ready`);
    e.id = `half-${inputs.key}`;
    // The properties become the outputs in the state: keep __provider, or delete and refresh fail.
    e.properties = { ...inputs, ready: false };
    if (inputs.reasons) e.reasons = inputs.reasons;
    throw e;
  },
  async update(id: string, _olds: unknown, news: HalfReadyInputs) {
    console.log(`update ${id}: initialization finished`);
    return { outs: { ...news, ready: true } };
  },
  async delete(id: string) {
    console.log(`delete ${id}`);
  },
};

class HalfReady extends pulumi.dynamic.Resource {
  declare readonly ready: pulumi.Output<boolean>;

  constructor(name: string, args: pulumi.Inputs, opts?: pulumi.CustomResourceOptions) {
    super(provider, name, { ...args, ready: undefined }, opts, "test", "HalfReady");
  }
}

const config = new pulumi.Config("halfReady");
const resource = new HalfReady("half", {
  key: "k1",
  mode: config.get("mode"),
  reasons: config.getObject<string[]>("reasons"),
});

export const ready = resource.ready;
