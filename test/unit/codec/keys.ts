/** Test keys: fixed bytes, so failures are reproducible (never use such keys for real). */
export const KEY_1 = Buffer.alloc(32, 1).toString('base64');
export const KEY_2 = Buffer.alloc(32, 2).toString('base64');
export const KEY_3 = Buffer.alloc(32, 3).toString('base64');
