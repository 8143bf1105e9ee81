// The 4-bit formats a QLoRA base can be stored in (kept import-free: the training-arguments table reads it).
export const QUANT_TYPES = ['nf4', 'int4'] as const;
export type QuantType = (typeof QUANT_TYPES)[number];
