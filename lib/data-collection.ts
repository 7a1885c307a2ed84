/**
 * Firefox's data-collection permissions, as far as detection health needs
 * them. Firefox (140+) files the detection-health counters under
 * `technicalAndInteraction`, which a manifest may declare only as optional:
 * the member grants it in the install prompt, on the options page
 * (`permissions.request`) or in about:addons, and can take it back in
 * about:addons. Where a browser has such a permission, the
 * `detectionReports` setting follows it; Chrome has none, and the switch in
 * the options alone decides there.
 *
 * `browser.permissions` is passed in, so tests can hand in a fake.
 */
import { getSettings, updateSettings, type SammelpunktDb } from './db/index.ts';

/** The Firefox data-collection permission the detection-health counters need. */
export const TECHNICAL_AND_INTERACTION = 'technicalAndInteraction';

/** A permissions object or change, as far as data collection goes; `data_collection` exists in Firefox only. */
export interface DataCollectionPermissions {
  data_collection?: string[];
}

/**
 * The part of `browser.permissions` used here. WXT types `browser` after
 * Chrome's API, which has no `data_collection`: callers cast
 * `browser.permissions` to this, and only to this.
 */
export interface DataCollectionApi {
  getAll(): Promise<DataCollectionPermissions>;
  request(permissions: { data_collection: string[] }): Promise<boolean>;
  remove(permissions: { data_collection: string[] }): Promise<boolean>;
  onAdded: { addListener(listener: (added: DataCollectionPermissions) => void): void };
  onRemoved: { addListener(listener: (removed: DataCollectionPermissions) => void): void };
}

const TECHNICAL_DATA = { data_collection: [TECHNICAL_AND_INTERACTION] };

/**
 * Whether `technicalAndInteraction` is granted now, or undefined where the
 * browser has no data-collection permissions. The feature check Mozilla
 * documents: only Firefox lists `data_collection` in `getAll()`.
 */
export async function technicalDataGranted(api: DataCollectionApi): Promise<boolean | undefined> {
  const granted = await api.getAll();
  if (!Array.isArray(granted.data_collection)) return undefined;
  return granted.data_collection.includes(TECHNICAL_AND_INTERACTION);
}

/**
 * Asks the member for `technicalAndInteraction`. Firefox shows the prompt only
 * from a user gesture: call it first thing in the click handler, before
 * awaiting anything else.
 */
export function requestTechnicalData(api: DataCollectionApi): Promise<boolean> {
  return api.request(TECHNICAL_DATA);
}

/** Gives `technicalAndInteraction` back; needs no gesture. */
export function removeTechnicalData(api: DataCollectionApi): Promise<boolean> {
  return api.remove(TECHNICAL_DATA);
}

/** Whether a `permissions.onAdded` / `onRemoved` change concerns `technicalAndInteraction`. */
export function concernsTechnicalData(change: DataCollectionPermissions): boolean {
  return change.data_collection?.includes(TECHNICAL_AND_INTERACTION) === true;
}

/**
 * Makes the `detectionReports` setting agree with Firefox's permission: on
 * when the member granted it (in the install prompt or about:addons), off
 * when it is missing or was taken back (turning it off deletes the counters).
 * Does nothing in a browser without data-collection permissions.
 */
export async function followTechnicalDataPermission(db: SammelpunktDb, api: DataCollectionApi): Promise<void> {
  const granted = await technicalDataGranted(api);
  if (granted === undefined) return;
  if ((await getSettings(db)).detectionReports !== granted) await updateSettings(db, { detectionReports: granted });
}
