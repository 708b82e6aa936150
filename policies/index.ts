/**
 * Public entry point of `policies/`: every authorization decision of the
 * vault as a pure function. Nothing here reads a clock, a database or the
 * network, and nothing here imports code from outside `policies/`.
 */
export * from './access-request.policy.js';
export * from './account-erasure.policy.js';
export * from './calendar.js';
export * from './decision.js';
export * from './grant-creation.policy.js';
export * from './grant-revocation.policy.js';
export * from './grant-status.js';
export * from './grant-window.js';
export * from './owner-document.policy.js';
export * from './partner-read.policy.js';
export * from './partner-standing.policy.js';
export * from './pipeline.js';
export * from './purpose-text.js';
export * from './reason-codes.js';
export * from './staff.policy.js';
export * from './types.js';
