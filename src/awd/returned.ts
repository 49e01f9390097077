/**
 * The history record of the filter a fit returned. With validation data the fit returns the
 * filter of the epoch with the best validation total (`settings.bestEpoch`), not the last one, so
 * the losses to report are that epoch's.
 * @module
 */
import type { AdaptiveWavelet, EpochRecord } from './adaptive.ts';

/** The record of the returned filter's epoch: `settings.bestEpoch`, else the last record; null without history. */
export function returnedRecord(w: Pick<AdaptiveWavelet, 'history' | 'settings'>): EpochRecord | null {
  const best = w.settings?.bestEpoch;
  if (typeof best === 'number') {
    const r = w.history.find((h) => h.epoch === best);
    if (r) return r;
  }
  return w.history[w.history.length - 1] ?? null;
}
