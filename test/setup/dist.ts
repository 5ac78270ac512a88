/**
 * Mocha global setup: the programs of the end-to-end tests import `pulumi-securid`, which is `dist/`
 * (see dev/build-dist.ts); build it first when the sources are newer.
 */
import { buildDistIfStale } from "../../dev/build-dist";

export function mochaGlobalSetup(): void {
  buildDistIfStale((line) => console.log(line));
}
