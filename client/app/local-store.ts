/**
 * Small JSON values kept in localStorage. Reads are defensive: storage may hold garbage from an
 * older version or be unavailable (privacy mode), which must never break the app.
 */
export function readJson<T>(key: string, parse: (value: unknown) => T | null): T | null {
  try {
    const text = window.localStorage.getItem(key);
    return text === null ? null : parse(JSON.parse(text));
  } catch {
    return null;
  }
}

export function writeJson(key: string, value: unknown): void {
  try {
    window.localStorage.setItem(key, JSON.stringify(value));
  } catch {
    // Quota or privacy mode: the value lives for this page only.
  }
}
