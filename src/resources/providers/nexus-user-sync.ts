// The module whose exports object is the NexusUserSync provider: serialized by reference when installed.
import { kindProvider } from "../provider-entry";

export = kindProvider("NexusUserSync");
