// The module whose exports object is the UserStatus provider: serialized by reference when installed.
import { kindProvider } from "../provider-entry";

export = kindProvider("UserStatus");
