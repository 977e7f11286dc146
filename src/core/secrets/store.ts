import { chmodSync, existsSync, readFileSync, statSync } from 'node:fs'
import { writeFileAtomic } from '../atomic-file'
import { UserError } from '../errors'

/**
 * Where secrets (the teacher's API key) live: never in the database. The desktop app passes a codec backed by
 * the OS keychain (Electron safeStorage, in src/main); the web shell and CLI keep them as plain text in
 * `<data folder>/secrets.json`, readable by the owner only (mode 0600), see docs/security.md.
 */
export interface SecretStore {
  get(key: string): Promise<string | null>
  set(key: string, value: string | null): Promise<void>
  /** how the secrets are kept, for the user ("OS keychain" / "file readable only by you: <path>") */
  readonly kind: 'keychain' | 'file'
}

/** Encrypts with the OS keychain's key (Electron safeStorage). */
export interface SecretCodec {
  encrypt(plain: string): Buffer
  decrypt(data: Buffer): string
}

const OWNER_ONLY = 0o600

/** Secrets in one JSON file (0600): plain text, or base64 of the codec's ciphertext when a codec is given. */
export function fileSecretStore(file: string, codec?: SecretCodec): SecretStore {
  const read = (): Record<string, string> => {
    if (!existsSync(file)) return {}
    if ((statSync(file).mode & 0o077) !== 0) chmodSync(file, OWNER_ONLY) // someone widened it: owner only again
    try {
      return JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>
    } catch {
      throw new UserError(`The secrets file ${file} is damaged: delete it and enter the API key again in Settings.`, 'secrets_damaged')
    }
  }
  return {
    kind: codec ? 'keychain' : 'file',
    async get(key) {
      const v = read()[key]
      if (v === undefined) return null
      return codec ? codec.decrypt(Buffer.from(v, 'base64')) : v
    },
    async set(key, value) {
      const all = read()
      if (value === null) delete all[key]
      else all[key] = codec ? codec.encrypt(value).toString('base64') : value
      await writeFileAtomic(file, JSON.stringify(all, null, 2), OWNER_ONLY)
    }
  }
}
