/// <reference types="astro/client" />

interface ImportMetaEnv {
  /** The relay websocket the islands connect to; "" when the site is static only. */
  readonly PUBLIC_RELAY_URL: string;
}

/** The sessions the build publishes into dist/recordings/ (collector/publish/astro-integration.ts). */
declare module 'virtual:futuresboard/published' {
  const sessions: import('../core/published.ts').PublishedSession[];
  export default sessions;
}
