/// <reference types="vite-plugin-pwa/client" />
import { registerSW } from 'virtual:pwa-register';

/**
 * Caches the app shell so a reload without network still opens the app (the board itself comes
 * from IndexedDB). New versions activate on the next load; nothing to prompt for in a board app.
 */
export function registerServiceWorker(): void {
  if (!('serviceWorker' in navigator)) return;
  registerSW({ immediate: true });
}
