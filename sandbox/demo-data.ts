/**
 * Made-up but realistic order content: a small catalogue and buyers from many scripts, because
 * Meta's text is Unicode and the product must not mangle "Zoë" or "李小龍".
 */
import type { BuyerDetails, Channel, ShippingAddress } from './model.js';

export interface CatalogueEntry {
  retailerId: string;
  name: string;
  price: string;
}

export const DEMO_CATALOGUE: readonly CatalogueEntry[] = [
  { retailerId: 'TEE-ORG-M', name: 'Organic Cotton T-Shirt (M)', price: '24.00' },
  { retailerId: 'TEE-ORG-L', name: 'Organic Cotton T-Shirt (L)', price: '24.00' },
  { retailerId: 'MUG-CER-12', name: 'Ceramic Mug — 12 oz', price: '14.50' },
  { retailerId: 'CAN-SOY-LAV', name: 'Soy Candle, Lavender', price: '18.99' },
  { retailerId: 'BAG-TOTE-NAT', name: 'Canvas Tote Bag', price: '12.00' },
  { retailerId: 'SCARF-MER-GRY', name: 'Merino Scarf, Grey', price: '39.90' },
  { retailerId: 'NOTE-A5-DOT', name: 'A5 Dotted Notebook', price: '9.75' },
  { retailerId: 'SOAP-OLV-3PK', name: 'Olive Oil Soap (3-pack)', price: '15.00' },
];

interface DemoBuyer {
  name: string;
  city: string;
  state?: string;
  postalCode: string;
  country: string;
  street: string;
}

export const DEMO_BUYERS: readonly DemoBuyer[] = [
  { name: 'Zoë Ångström', street: '12 Birch Lane', city: 'Portland', state: 'OR', postalCode: '97205', country: 'US' },
  { name: 'José Núñez', street: '450 Calle Ocho', city: 'Miami', state: 'FL', postalCode: '33135', country: 'US' },
  {
    name: 'Łukasz Żółkiewski',
    street: '88 Grand St',
    city: 'Chicago',
    state: 'IL',
    postalCode: '60622',
    country: 'US',
  },
  { name: '李小龍', street: '1 Kearny St', city: 'San Francisco', state: 'CA', postalCode: '94108', country: 'US' },
  { name: '山田 太郎', street: '230 E 14th St', city: 'New York', state: 'NY', postalCode: '10003', country: 'US' },
  {
    name: 'Αλέξανδρος Παπαδόπουλος',
    street: '77 Astor Ave',
    city: 'Astoria',
    state: 'NY',
    postalCode: '11102',
    country: 'US',
  },
  {
    name: 'Дмитрий Иванов',
    street: '5 Brighton Beach Ave',
    city: 'Brooklyn',
    state: 'NY',
    postalCode: '11235',
    country: 'US',
  },
  { name: 'محمد الأحمد', street: '301 Warren Ave', city: 'Dearborn', state: 'MI', postalCode: '48124', country: 'US' },
  {
    name: 'Nguyễn Thị Minh Khai',
    street: '9 Bolsa Ave',
    city: 'Westminster',
    state: 'CA',
    postalCode: '92683',
    country: 'US',
  },
  {
    name: 'Chloé Lefèvre',
    street: '18 Rue Saint-Denis',
    city: 'Montréal',
    state: 'QC',
    postalCode: 'H2X 3K8',
    country: 'CA',
  },
  { name: 'Søren Kierkegård', street: '4 Nyhavn', city: 'København', postalCode: '1051', country: 'DK' },
  {
    name: 'Ngozi Okonkwo-Adébáyọ̀',
    street: '60 Peckham High St',
    city: 'London',
    postalCode: 'SE15 5DT',
    country: 'GB',
  },
  { name: 'Björk Guðmundsdóttir', street: 'Laugavegur 22', city: 'Reykjavík', postalCode: '101', country: 'IS' },
  { name: 'Ana-María O’Connor 🌻', street: '3 Quay St', city: 'Galway', postalCode: 'H91 X2YK', country: 'IE' },
];

export function demoBuyer(index: number): { buyer: Omit<BuyerDetails, 'email'>; address: ShippingAddress } {
  const pick = DEMO_BUYERS[index % DEMO_BUYERS.length]!;
  return {
    buyer: { name: pick.name, emailRemarketingOption: index % 3 === 0 },
    address: {
      name: pick.name,
      street1: pick.street,
      city: pick.city,
      state: pick.state,
      postalCode: pick.postalCode,
      country: pick.country,
    },
  };
}

export function demoChannel(index: number): Channel {
  return index % 2 === 0 ? 'facebook' : 'instagram';
}
