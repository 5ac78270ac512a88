// A program without resources: config in, stack outputs out (plain, secret, from secret config).
import * as pulumi from "@pulumi/pulumi";

const config = new pulumi.Config();
console.log("program says hi");
if (config.getBoolean("fail")) throw new Error("the program failed on purpose");

export const greeting = `hello ${config.get("who") ?? "world"}`;
export const secretThing = pulumi.secret("s3cr3t-output");
export const fromSecretConfig = config.getSecret("password");
