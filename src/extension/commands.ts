// The command ids the extension registers and its code refers to.
export const ESTIMATE_COMMAND = 'vramLens.estimate';
export const SELECT_GPU_COMMAND = 'vramLens.selectTargetGpu';
export const WHAT_FITS_COMMAND = 'vramLens.whatFits';
export const COMPARE_GPUS_COMMAND = 'vramLens.compareGpus';
export const COPY_REPORT_COMMAND = 'vramLens.copyReport';
/** Internal: applies a quick fix that changes a setting. */
export const APPLY_SETTING_COMMAND = 'vramLens.applySetting';
/** Puts back the settings the last quick fix changed, or resets an assumption to its default. */
export const REVERT_ASSUMPTION_COMMAND = 'vramLens.revertAssumption';
/** Internal: scrolls a notebook to the cell a quick fix edited, when that is another cell than the diagnostic's. */
export const REVEAL_CELL_COMMAND = 'vramLens.revealCell';
