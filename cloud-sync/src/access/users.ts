/** HQ users: argon2id password hashes, one role each, disabled rather than deleted. */
import argon2 from 'argon2';
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { ApiError } from './http';
import type { DashDb, Role } from './schema';
import { ROLES } from './schema';

export const usernameSchema = z
  .string()
  .trim()
  .min(2)
  .max(64)
  .regex(/^[A-Za-z0-9._@-]+$/, 'letters, digits and . _ @ - only');
/** Long passphrases welcome; argon2 hashes any length, the cap only bounds the work per request. */
export const passwordSchema = z.string().min(10, 'at least 10 characters').max(256);

export const newUserSchema = z.object({
  username: usernameSchema,
  display_name: z.string().trim().max(100).default(''),
  role: z.enum(ROLES),
  password: passwordSchema,
});
export type NewUser = z.input<typeof newUserSchema>;

export interface HqUser {
  user_id: string;
  username: string;
  display_name: string;
  role: Role;
  disabled: boolean;
}

// OWASP's argon2id baseline (19 MiB, 2 passes): affordable on a 2-core HQ box per sign-in.
const HASH_OPTIONS = { type: argon2.argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export const hashPassword = (password: string): Promise<string> => argon2.hash(password, HASH_OPTIONS);

/** A hash of a random password, verified against when the username is unknown, so timing says nothing. */
let decoy: Promise<string> | null = null;
export const decoyHash = (): Promise<string> => (decoy ??= hashPassword(randomUUID()));

export async function createUser(db: DashDb, input: NewUser): Promise<HqUser> {
  const u = newUserSchema.parse(input);
  const exists = await db
    .selectFrom('hq_users')
    .select('user_id')
    .where('username', '=', u.username)
    .executeTakeFirst();
  if (exists) throw new ApiError(409, 'USERNAME_TAKEN', `The username ${u.username} is already in use.`);
  const row = {
    user_id: randomUUID(),
    username: u.username,
    display_name: u.display_name,
    role: u.role,
    password_hash: await hashPassword(u.password),
  };
  await db.insertInto('hq_users').values(row).execute();
  return {
    user_id: row.user_id,
    username: u.username,
    display_name: u.display_name,
    role: u.role,
    disabled: false,
  };
}

/** Creates the user or, when it exists, sets its role and password (the demo's and setup's admin). */
export async function ensureUser(db: DashDb, input: NewUser): Promise<HqUser> {
  const u = newUserSchema.parse(input);
  const found = await db
    .selectFrom('hq_users')
    .select('user_id')
    .where('username', '=', u.username)
    .executeTakeFirst();
  if (!found) return createUser(db, u);
  await db
    .updateTable('hq_users')
    .set({
      role: u.role,
      display_name: u.display_name,
      password_hash: await hashPassword(u.password),
      disabled: false,
    })
    .where('user_id', '=', found.user_id)
    .execute();
  return {
    user_id: found.user_id,
    username: u.username,
    display_name: u.display_name,
    role: u.role,
    disabled: false,
  };
}

export async function listUsers(db: DashDb): Promise<HqUser[]> {
  return db
    .selectFrom('hq_users')
    .select(['user_id', 'username', 'display_name', 'role', 'disabled'])
    .orderBy('username')
    .execute();
}

export async function setDisabled(db: DashDb, userId: string, disabled: boolean): Promise<void> {
  const r = await db
    .updateTable('hq_users')
    .set({ disabled })
    .where('user_id', '=', userId)
    .executeTakeFirst();
  if (Number(r.numUpdatedRows) === 0) throw new ApiError(404, 'USER_NOT_FOUND', 'There is no such user.');
  if (disabled) await db.deleteFrom('hq_sessions').where('user_id', '=', userId).execute();
}

/** The user whose password this is, or null (unknown user, wrong password or disabled account). */
export async function checkPassword(db: DashDb, username: string, password: string): Promise<HqUser | null> {
  const row = await db
    .selectFrom('hq_users')
    .select(['user_id', 'username', 'display_name', 'role', 'disabled', 'password_hash'])
    .where('username', '=', username)
    .executeTakeFirst();
  const ok = await argon2.verify(row?.password_hash ?? (await decoyHash()), password).catch(() => false);
  if (!row || !ok || row.disabled) return null;
  return {
    user_id: row.user_id,
    username: row.username,
    display_name: row.display_name,
    role: row.role,
    disabled: false,
  };
}
