/**
 * Files as resources, through a dynamic provider of this program's own: what a refresh finds is whatever is on
 * disk, so a test can change or remove a file behind the stack's back. Config `files:list` is a list of
 * `{ name, path, content, secret?, dependsOn? }`; changing `path` replaces the resource. `read` returns inputs too (SDK 3.216+).
 */
import * as fs from "node:fs";
import * as pulumi from "@pulumi/pulumi";

interface FileInputs {
  path: string;
  content: string;
}

const fileProvider: pulumi.dynamic.ResourceProvider = {
  async diff(_id: string, olds: FileInputs, news: FileInputs) {
    return {
      changes: olds.content !== news.content || olds.path !== news.path,
      replaces: olds.path !== news.path ? ["path"] : [],
    };
  },
  async create(inputs: FileInputs) {
    fs.writeFileSync(inputs.path, inputs.content);
    return { id: inputs.path, outs: { path: inputs.path, content: inputs.content } };
  },
  async read(id: string, props: FileInputs) {
    if (!fs.existsSync(id)) return { id: "" };
    const content = fs.readFileSync(id, "utf8");
    return { id, props: { ...props, content }, inputs: { path: props.path, content } };
  },
  async update(id: string, _olds: FileInputs, news: FileInputs) {
    fs.writeFileSync(id, news.content);
    return { outs: { path: news.path, content: news.content } };
  },
  async delete(id: string) {
    fs.rmSync(id, { force: true });
  },
};

class File extends pulumi.dynamic.Resource {
  declare readonly content: pulumi.Output<string>;

  constructor(name: string, args: pulumi.Inputs, opts?: pulumi.CustomResourceOptions) {
    super(fileProvider, name, args, opts, "test", "File");
  }
}

// `secret: true` makes the content a secret input: the plugin sees it unwrapped, the engine marks the output
// of the same name secret again. `dependsOn` names files declared earlier in the list.
interface Entry extends FileInputs {
  name: string;
  secret?: boolean;
  dependsOn?: string[];
}
const files = new Map<string, File>();
for (const f of new pulumi.Config("files").requireObject<Entry[]>("list")) {
  const content = f.secret ? pulumi.secret(f.content) : f.content;
  const dependsOn = (f.dependsOn ?? []).map((n) => files.get(n)!);
  files.set(f.name, new File(f.name, { path: f.path, content }, { dependsOn }));
}
export const contents = Object.fromEntries([...files].map(([name, file]) => [name, file.content]));
