export const ESTIMATE_COMMAND = 'vramLens.estimate';
