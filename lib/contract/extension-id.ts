/**
 * The demo build's fixed identity. Chrome derives an extension's id, and with
 * it its origin `chrome-extension://<id>`, from the public key in the
 * manifest's `key` field; without one, an unpacked build gets an id from its
 * folder path, which no server list could name. With this key every demo and
 * test build has the same origin, and the API's default `EXTENSION_ORIGINS`
 * names exactly that origin (shared/DESIGN.md: CORS answers only the
 * configured extension origins).
 *
 * Only the public half is here; the private half was thrown away, as nothing
 * needs it (it signs `.crx` packages, which the stores make themselves). A
 * store build is given its own id by the store: set `EXTENSION_ORIGINS` on
 * the server to that id's origin.
 *
 * Firefox has no such fixed origin: each installation gets a random
 * `moz-extension://<UUID>`, so the Firefox build reaches the API through its
 * host permission for the API origin instead of a CORS answer (wxt.config.ts).
 */

/** The manifest `key` of the demo build (base64 DER of an RSA public key). */
export const DEMO_EXTENSION_KEY =
  'MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAsVjuGIE84YQAebXFOmHTW0H7CsCkX5LZ9EAL+GUV7IjxnTNBg2MGTALQbPmNP/U0chj1WIZOiwjQR772HEScusjtqtYrCDGRD2tjVBcfBpU7S47y6x2x28Nv+l8Azf5svm9a7Wr0cq4oHMEtRidZ/2AAA++jkX1WkILrU1lTkBUwgWYEObYzCwZtLVhdtcAAGeHW9bg/9Up2TecdeAz+yrtiY8esCUgPpzzY+fgsqkc7DihKGGIrKbRGHrzVpkIU2sqnR1A8HmLDfVsGfOSn0wZQqTTBZaxMmujfAAPnLLDmtU2Cg3HAWsATDIU7FWMGvMdNQtMWGCHe9xqDfzVEowIDAQAB';

/** The Chrome extension id that `DEMO_EXTENSION_KEY` gives: test/lib/contract/extension-id.test.ts derives it again. */
export const DEMO_EXTENSION_ID = 'kddbhgbkfckmjlcipklpjknklgnkbckm';

export const DEMO_EXTENSION_ORIGIN = `chrome-extension://${DEMO_EXTENSION_ID}`;
