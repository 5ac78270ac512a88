export * from "./plugin";
export * from "./serialize";
export * from "./engine";
export * from "./secrets";
export * from "./install";
