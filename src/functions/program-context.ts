import * as pulumi from "@pulumi/pulumi";
import { getCasClient, resolveCasSettings, type CasClient } from "../client";

/**
 * The CAS client of a Pulumi program (not of the plugin): stack config first, read raw with
 * `pulumi.runtime.getConfig("securid:...")` so that secret values (`securid:apiKey`,
 * `securid:oauthPrivateKey`) are used without being printed or warned about, then the environment
 * (`SECURID_*`), read at each call. The client is shared per tenant within the process.
 *
 * @internal
 */
export async function programCasClient(): Promise<CasClient> {
  const settings = await resolveCasSettings((key) => pulumi.runtime.getConfig(key), process.env);
  return getCasClient(settings);
}
