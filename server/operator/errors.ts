/**
 * The one failure operator functions throw: the CLI prints its message on
 * stderr and exits 1. Anything else reaching the CLI is a bug or an outage.
 */
export class OperatorError extends Error {}
