/** A command line the CLI cannot run (unknown command, bad option): exit 2 with the usage text. */
export class UsageError extends Error {}
