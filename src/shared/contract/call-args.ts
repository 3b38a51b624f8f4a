import { Type, type Static, type TSchema } from '@sinclair/typebox';
import type { KeyLimits as KeyLimitsType, KeyRequest as KeyRequestType, KeyUpdate as KeyUpdateType, ServerSettingsPatch } from './api-types.ts';

/**
 * The TypeBox schemas of the services' arguments, as a bridge (IPC, web mode) checks them before a
 * call reaches the core. They pin down types and shapes, nothing more: what a value means (is the
 * name free, is the date a day) stays the core's to judge, the same for every face.
 */

/** One argument of a contract method: its name (for errors) and its schema. */
export interface CallArg<S extends TSchema = TSchema, Optional extends boolean = boolean> {
  name: string;
  schema: S;
  /** May be left out (a `?` parameter); JSON carries a left-out argument as null. */
  optional: Optional;
}

export const arg = <S extends TSchema>(name: string, schema: S): CallArg<S, false> => ({ name, schema, optional: false });
export const optionalArg = <S extends TSchema>(name: string, schema: S): CallArg<S, true> => ({ name, schema, optional: true });

const closed = { additionalProperties: false } as const;

/** A server's id or its unique name. */
export const ServerRef = Type.String({ minLength: 1 });
export const KeyId = Type.String({ minLength: 1 });
export const Text = Type.String();
export const Port = Type.Integer({ minimum: 1, maximum: 65535 });

export const SshAuth = Type.Union([
  Type.Object({ method: Type.Literal('key'), keyPath: Type.String() }, closed),
  Type.Object({ method: Type.Literal('agent') }, closed),
  Type.Object({ method: Type.Literal('password') }, closed),
]);

export const SshTarget = Type.Object(
  { host: Type.String(), port: Port, user: Type.String(), auth: SshAuth, proxyJump: Type.Array(Type.String()) },
  closed,
);

export const SshAliasTarget = Type.Object({ sshAlias: Type.String() }, closed);

export const AddServerRequest = Type.Object(
  {
    name: Type.String(),
    sshAlias: Type.Optional(Type.String()),
    host: Type.Optional(Type.String()),
    port: Type.Optional(Port),
    user: Type.Optional(Type.String()),
    auth: Type.Optional(SshAuth),
    secret: Type.Optional(Type.String()),
    acceptedFingerprint: Type.Optional(Type.String()),
    acceptedJumpFingerprints: Type.Optional(Type.Record(Type.String(), Type.String())),
  },
  closed,
);

export const PortRange = Type.Object({ from: Port, to: Port }, closed);

/**
 * The agent's settings patch. Its values' patterns are the agent's own (it answers a bad one with
 * a clear 400); here only the field names and their JSON types. The static type is the contract's.
 */
export const SettingsPatch = Type.Unsafe<ServerSettingsPatch>(
  Type.Object(
    {
      link_host: Type.Optional(Type.Union([Type.String(), Type.Null()])),
      reality_target: Type.Optional(Type.String()),
      reality_server_names: Type.Optional(Type.Array(Type.String())),
      reality_fingerprint: Type.Optional(Type.String()),
      allow_private_destinations: Type.Optional(Type.Boolean()),
      access_log: Type.Optional(Type.Boolean()),
    },
    { ...closed, minProperties: 1 },
  ),
);

/** A change to how a server's links are written: only names and JSON types; the values are the core's to judge. */
export const LinkSettingsChange = Type.Object(
  {
    linkHost: Type.Optional(Type.Union([Type.String(), Type.Null()])),
    realityTarget: Type.Optional(Type.String()),
    realityServerNames: Type.Optional(Type.Array(Type.String())),
    keyPorts: Type.Optional(PortRange),
  },
  closed,
);

export const SubscriptionOptions = Type.Object(
  {
    port: Port,
    tls: Type.Optional(Type.Union([Type.Object({ certFile: Type.String({ minLength: 1 }), keyFile: Type.String({ minLength: 1 }) }, closed), Type.Literal(false)])),
  },
  closed,
);
export const DeployOptions = Type.Object(
  {
    keyPorts: Type.Optional(PortRange),
    subscriptions: Type.Optional(Type.Union([SubscriptionOptions, Type.Literal(false)])),
    settings: Type.Optional(SettingsPatch),
    breakLock: Type.Optional(Type.Boolean()),
  },
  closed,
);
export const UninstallOptions = Type.Object({ keepData: Type.Boolean(), breakLock: Type.Optional(Type.Boolean()) }, closed);
export const XrayInstallRequest = Type.Object({ version: Type.Optional(Type.String()), releasesUrl: Type.Optional(Type.String()) }, closed);
/**
 * A key's limits as a create or an update gives them: only the field names and JSON types. Whether
 * a quota is a whole number, a reset period exists or an expiry is a real date is the core's to say.
 */
const keyLimitsFields = {
  data_limit_bytes: Type.Optional(Type.Union([Type.Number(), Type.Null()])),
  data_limit_reset: Type.Optional(Type.String()),
  expires_at: Type.Optional(Type.Union([Type.String(), Type.Null()])),
  note: Type.Optional(Type.String()),
};
export const KeyLimits = Type.Unsafe<KeyLimitsType>(Type.Object(keyLimitsFields, closed));
/** A key to create; `uuid` gives it a person's VLESS id (the agent checks its form). */
export const KeyRequest = Type.Unsafe<KeyRequestType>(Type.Object({ name: Type.String(), uuid: Type.Optional(Type.String()), ...keyLimitsFields }, closed));
export const KeyUpdate = Type.Unsafe<KeyUpdateType>(
  Type.Object({ name: Type.Optional(Type.String()), is_active: Type.Optional(Type.Boolean()), ...keyLimitsFields }, { ...closed, minProperties: 1 }),
);
export const CreateManyOptions = Type.Object({ skipExisting: Type.Optional(Type.Boolean()), limits: Type.Optional(KeyLimits) }, closed);
/** Bare names, or names with their own limits (`KeyBatchEntry`). */
export const KeyBatchEntries = Type.Array(Type.Union([Type.String(), KeyRequest]));
export const YearMonth = Type.Object({ year: Type.Integer(), month: Type.Integer({ minimum: 1, maximum: 12 }) }, closed);

/** A person's limits: a key's without its uuid (a person's uuid is the core's to give). */
export const PersonLimits = Type.Unsafe<Omit<KeyLimitsType, 'uuid'>>(Type.Object(keyLimitsFields, closed));
export const MoveRequest = Type.Object(
  {
    from: ServerRef,
    to: ServerRef,
    people: Type.Optional(Type.Array(Type.String({ minLength: 1 }))),
    all: Type.Optional(Type.Boolean()),
    disableAfterMs: Type.Optional(Type.Integer({ minimum: 0 })),
  },
  closed,
);

export type ArgStatic<A> = A extends CallArg<infer S> ? Static<S> : never;
