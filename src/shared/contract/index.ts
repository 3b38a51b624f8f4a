export type * from './api-types.ts';
export type * from './deploy.ts';
export type * from './key-batch.ts';
export type * from './people.ts';
export type * from './servers.ts';
export type * from './server-health.ts';
export type * from './services.ts';
export { KeyportError, isKeyportError, type KeyportErrorCode } from './errors.ts';
export type * from './link-settings.ts';
