export { ReferenceOms, type ReferenceOmsOptions, type SeedProduct } from './reference-oms.js';
export { MIGRATIONS, applyMigrations, type Migration } from './migrations.js';
export { transliterateToAscii } from './transliterate.js';
export { formatMerchantOrderReference } from './order-writes.js';
