// The module whose exports object is the RosterGuard provider: serialized by reference when installed.
import { kindProvider } from "../provider-entry";

export = kindProvider("RosterGuard");
