/**
 * Between a running sandbox and its state file's content: `captureState` takes what has to
 * survive a restart, `restoreState` puts it back into a fresh sandbox. `stateFileProblems`
 * checks what a schema cannot (duplicate ids, dangling references), so a damaged file is refused
 * whole rather than half-loaded.
 */
import type { StoredAnswer } from './idempotency.js';
import { secretDigest as digest } from './settings.js';
import type { SandboxState } from './state.js';
import { STATE_FILE_FORMAT, STATE_FILE_VERSION, type StateFile } from './state-file-schema.js';

export interface StateFileProblem {
  /** Where in the file, e.g. ["orders", 3, "items", 0, "productId"]. */
  path: (string | number)[];
  message: string;
}

export interface RestoreSummary {
  orders: number;
  idempotencyKeys: number;
  ledgerEffects: number;
  savedAt: string;
  /** Settings taken from the start options rather than the file, because the option changed since. */
  startOptionsWon: string[];
}

export function captureState(state: SandboxState): StateFile {
  const { settings, options } = state;
  return {
    format: STATE_FILE_FORMAT,
    version: STATE_FILE_VERSION,
    savedAt: new Date().toISOString(),
    cmsId: options.cmsId,
    lastId: state.ids.lastIssued,
    clockOffsetMs: state.clock.offset,
    settings: {
      accessToken: {
        startDigest: digest(options.accessToken),
        ...(settings.accessToken !== options.accessToken ? { rotatedTo: settings.accessToken } : {}),
      },
      retiredTokenDigests: [...settings.retiredTokenDigests],
      appSecret: {
        startDigest: options.appSecret === undefined ? null : digest(options.appSecret),
        ...(settings.appSecret !== options.appSecret ? { changedTo: settings.appSecret ?? null } : {}),
      },
      releaseDelayMs: { start: options.releaseDelayMs, current: settings.releaseDelayMs },
      connected: { start: options.connected, current: settings.connected },
    },
    products: state.store.allProducts(),
    orders: [...state.store.all()],
    idempotency: [...state.idempotency.entries()].map(([key, answer]) => ({ key, ...answer })),
    ledger: state.ledger.contents(),
  };
}

/** Problems a well-typed file can still have; empty when it is sound. */
export function stateFileProblems(file: StateFile): StateFileProblem[] {
  const problems: StateFileProblem[] = [];
  const add = (path: (string | number)[], message: string) => {
    if (problems.length < 5) problems.push({ path, message });
  };
  const ids = new Set<string>();
  let highestId = 0;
  const claim = (id: string, path: (string | number)[]) => {
    if (ids.has(id)) add(path, `id ${id} is used twice`);
    ids.add(id);
    highestId = Math.max(highestId, Number(id));
  };

  const products = new Set<string>();
  const retailerIds = new Set<string>();
  file.products.forEach((product, i) => {
    claim(product.id, ['products', i, 'id']);
    products.add(product.id);
    if (retailerIds.has(product.retailerId))
      add(['products', i, 'retailerId'], `retailer id ${product.retailerId} is used twice`);
    retailerIds.add(product.retailerId);
  });

  let previousSeq = 0;
  file.orders.forEach((order, i) => {
    const at = ['orders', i];
    claim(order.id, [...at, 'id']);
    if (order.seq <= previousSeq) add([...at, 'seq'], 'orders must be saved oldest first, with increasing seq');
    previousSeq = order.seq;
    if (order.releaseAtMs !== null && order.state !== 'FB_PROCESSING')
      add([...at, 'releaseAtMs'], `a ${order.state} order cannot wait for release`);
    order.items.forEach((item, j) => {
      claim(item.id, [...at, 'items', j, 'id']);
      if (!products.has(item.productId))
        add([...at, 'items', j, 'productId'], `no product ${item.productId} in products`);
      if (item.shipped + item.cancelled > item.quantity)
        add([...at, 'items', j], 'more units shipped and cancelled than ordered');
    });
    for (const edge of ['shipments', 'cancellations', 'refunds', 'returns'] as const) {
      order[edge].forEach((entry, j) => claim(entry.id, [...at, edge, j, 'id']));
    }
  });

  if (file.lastId < highestId) add(['lastId'], `is below id ${highestId} used in the file; new ids could collide`);

  const keys = new Set<string>();
  file.idempotency.forEach((answer, i) => {
    if (keys.has(answer.key)) add(['idempotency', i, 'key'], 'key stored twice');
    keys.add(answer.key);
  });
  file.ledger.effects.forEach((effect, i) => {
    if (effect.seq !== i + 1)
      add(['ledger', 'effects', i, 'seq'], `expected ${i + 1}: effects are numbered in order from 1`);
  });
  return problems;
}

/**
 * Puts a checked file's content into a freshly constructed sandbox. Settings follow the rule in
 * the schema: the saved run-time value applies while the start option is the one it was saved with.
 */
export function restoreState(state: SandboxState, file: StateFile): RestoreSummary {
  const { settings, options } = state;
  const saved = file.settings;
  const startOptionsWon: string[] = [];

  state.ids.skipPast(file.lastId);
  state.clock.setOffset(file.clockOffsetMs);
  state.ledger.restore(file.ledger);
  state.store.restore(file.orders, file.products);
  state.idempotency.restore(file.idempotency.map(({ key, ...answer }): [string, StoredAnswer] => [key, answer]));

  for (const tokenDigest of saved.retiredTokenDigests) settings.retiredTokenDigests.add(tokenDigest);
  if (saved.accessToken.startDigest === digest(options.accessToken)) {
    if (saved.accessToken.rotatedTo !== undefined) settings.rotateAccessToken(saved.accessToken.rotatedTo);
  } else {
    startOptionsWon.push('accessToken');
  }
  settings.retiredTokenDigests.delete(digest(settings.accessToken));

  const startSecretDigest = options.appSecret === undefined ? null : digest(options.appSecret);
  if (saved.appSecret.startDigest === startSecretDigest) {
    if (saved.appSecret.changedTo !== undefined) settings.appSecret = saved.appSecret.changedTo ?? undefined;
  } else {
    startOptionsWon.push('appSecret');
  }

  if (saved.releaseDelayMs.start === options.releaseDelayMs) settings.releaseDelayMs = saved.releaseDelayMs.current;
  else startOptionsWon.push('releaseDelayMs');

  // The orders reflect the connection they were saved under; reconnecting needs nothing, but a
  // disconnect must hand waiting orders to Commerce Manager, exactly as the admin API does.
  settings.connected = saved.connected.current;
  const connected = saved.connected.start === options.connected ? saved.connected.current : options.connected;
  if (saved.connected.start !== options.connected) startOptionsWon.push('connected');
  if (connected !== settings.connected) {
    const now = state.clock.now();
    state.store.releaseDue(now);
    state.store.setConnected(connected, now);
    state.ledger.recordEffect({
      atMs: now,
      orderId: null,
      kind: connected ? 'connect' : 'disconnect',
      origin: 'commerce_manager',
    });
  }

  return {
    orders: file.orders.length,
    idempotencyKeys: file.idempotency.length,
    ledgerEffects: file.ledger.effects.length,
    savedAt: file.savedAt,
    startOptionsWon,
  };
}
