/**
 * The pure core of the `Roster` component: read and validate a roster (a JSON, YAML or CSV file,
 * or inline users), count what an update changes against the roster as last applied, decide whether
 * the change guard lets it through, and find protected accounts. No Pulumi code: the component and
 * the guard resource call these.
 */
export { appliedRoster, parseAppliedRoster, APPLIED_ROSTER_HEADER } from "./applied";
export {
  countChanges,
  type AddedEntry,
  type ChangedEntry,
  type RemovedEntry,
  type RosterChanges,
} from "./changes";
export { detectDelimiter, type CsvDelimiter } from "./csv";
export {
  ROSTER_ON_DELETE,
  ROSTER_STATUSES,
  type Roster,
  type RosterEntry,
  type RosterFileFormat,
  type RosterOnDelete,
  type RosterStatus,
} from "./entry";
export { rosterFileSource } from "./file";
export { ROSTER_EXTENSIONS } from "./formats";
export {
  CONFIRM_CHANGES_KEY,
  guardVerdict,
  MAX_LISTED_CHANGES,
  type GuardInput,
  type GuardVerdict,
} from "./guard";
export {
  changeLimit,
  DEFAULT_MAX_CHANGES,
  formatMaxChanges,
  parseMaxChanges,
  type MaxChanges,
} from "./limit";
export { DEFAULT_FIELD_NAMES, type RosterColumns, type RosterOptions } from "./options";
export { MAX_LISTED_PROBLEMS } from "./problems";
export {
  checkNeverDisable,
  matchesPattern,
  NEVER_DISABLE_KEY,
  neverDisableFromConfig,
  neverDisablePatterns,
  protectingPattern,
  type ProtectionPattern,
} from "./protected";
export { readRoster, type RosterSource } from "./source";
