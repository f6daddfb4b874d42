import config from '../../handbook.config.ts';
import { thresholdText, type ThresholdSource } from './thresholds.ts';

/**
 * The checks of the repository's handbook.config.ts, the config the site is built from: what
 * `<Threshold>` and the item texts of built pages (run bars, wall boards) state. A server reads
 * its own loaded config (HANDBOOK_CONFIG may name another) and builds its texts from that.
 */
export const siteChecks: readonly ThresholdSource[] = config.checks;

/**
 * The text a `<Threshold>` of a built page shows, for item texts read from MDX sources at build
 * time: one instance for the whole site.
 *
 * @example
 * siteThresholdText('Threshold', { check: 'node-ephemeral-storage', status: 'fail' }) // → '60%'
 */
export const siteThresholdText = thresholdText(siteChecks);
