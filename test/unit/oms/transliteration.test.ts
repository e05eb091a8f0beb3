import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ReferenceOms, transliterateToAscii } from '../../../src/oms/reference/index.js';
import { line, newOrderId, pendingOrder } from './fixtures.js';

describe('transliterateToAscii', () => {
  it.each([
    ['Zoë Ångström', 'Zoe Angstrom'],
    ['Weiß, Göbel, Götz', 'Weiss, Gobel, Gotz'],
    ['Łukasz Żółć', 'Lukasz Zolc'],
    ['Søren Ærø Œuvre', 'Soren AEro OEuvre'],
    ['Þór Ðiđić', 'THor Didic'],
    ['ﬁle №5 ½', 'file No5 1/2'],
    ['O’Brien “Jr.” – İstanbul', `O'Brien "Jr." - Istanbul`],
    ['plain ASCII 123', 'plain ASCII 123'],
  ])('%s -> %s', (input, expected) => {
    expect(transliterateToAscii(input)).toBe(expected);
  });

  it('replaces what has no ASCII form with ? (as iconv //TRANSLIT does)', () => {
    expect(transliterateToAscii('李 Zoë 😀')).toBe('? Zoe ?');
    expect(transliterateToAscii('Ελένη')).toMatch(/^[\x20-\x7E]*$/u);
  });
});

describe('ReferenceOms with transliterateToAscii', () => {
  let oms: ReferenceOms;
  beforeAll(async () => {
    oms = await ReferenceOms.open({ transliterateToAscii: true });
  });
  afterAll(async () => {
    await oms.close();
  });

  it('stores buyer and address names flattened, and stays idempotent for the original input', async () => {
    const orderId = newOrderId();
    const input = pendingOrder(orderId, [line('i1', 'SKU-1', 1)], {
      buyer: { name: 'Zoë Weiß', email: 'relay@marketplace.example', marketingOptIn: false },
      shippingAddress: {
        name: 'Zoë Weiß',
        street1: 'Königstraße 1',
        street2: 'Hinterhaus',
        city: 'Köln',
        state: 'NRW',
        postalCode: '50667',
        country: 'DE',
      },
    });
    const first = await oms.createPendingOrder(input);
    expect(await oms.createPendingOrder(input)).toEqual(first);
    const order = await oms.getOrder(orderId);
    expect(order?.buyer.name).toBe('Zoe Weiss');
    expect(order?.shippingAddress).toEqual({
      name: 'Zoe Weiss',
      street1: 'Konigstrasse 1',
      street2: 'Hinterhaus',
      city: 'Koln',
      state: 'NRW',
      postalCode: '50667',
      country: 'DE',
    });
    expect(await oms.events(orderId)).toEqual([]);
  });
});
