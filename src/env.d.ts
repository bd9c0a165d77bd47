/// <reference types="astro/client" />

interface ImportMetaEnv {
  /** The relay websocket the islands connect to; "" when the site is static only. */
  readonly PUBLIC_RELAY_URL: string;
}
