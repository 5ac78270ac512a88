// The module whose exports object is the UserSync provider: serialized by reference when installed.
import { kindProvider } from "../provider-entry";

export = kindProvider("UserSync");
