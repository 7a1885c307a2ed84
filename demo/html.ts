/** Small helpers for writing pages as strings: escaping, inline JSON, GA4 events. */

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for HTML content and attribute values. */
export function esc(text: string | number): string {
  return String(text).replace(/[&<>"']/g, (ch) => ESCAPES[ch] ?? ch);
}

/**
 * JSON that is safe inside a `<script>` element: `<`, `>` and `&` become
 * unicode escapes, so no value (a customer's name, say) can close the element.
 */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

export function jsonLdScript(value: unknown): string {
  return `<script type="application/ld+json">${scriptJson(value)}</script>`;
}

/** A GA4 ecommerce event pushed to `dataLayer`, the way Google Tag Manager set-ups do it. */
export function dataLayerPush(event: string, ecommerce: unknown): string {
  return `<script>window.dataLayer = window.dataLayer || [];\ndataLayer.push({ ecommerce: null });\ndataLayer.push(${scriptJson({ event, ecommerce })});</script>`;
}
