/**
 * The detector's version, bumped whenever the readers or the verdict change
 * what they find: it goes with every detection-health report, so a drop can
 * be told apart as a shop's new template or our new code.
 */
export const DETECTOR_VERSION = '2.0.0';
