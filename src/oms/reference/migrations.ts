import type { PGlite } from '@electric-sql/pglite';

/**
 * The reference OMS schema, as an append-only list of migrations. Each runs once, in its own
 * transaction, and is recorded in schema_migrations; opening an up-to-date database applies nothing.
 * Never edit a migration that has shipped: add the next one.
 */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'initial schema',
    sql: `
      CREATE TABLE products (
        retailer_id text PRIMARY KEY,
        name        text NOT NULL,
        created_at  timestamptz NOT NULL DEFAULT now(),
        updated_at  timestamptz NOT NULL DEFAULT now()
      );

      -- on_hand may go negative: a shipment is a physical fact the OMS records even when its count
      -- was wrong; the discrepancy is logged as an event rather than refused.
      CREATE TABLE inventory (
        retailer_id text PRIMARY KEY REFERENCES products (retailer_id),
        on_hand     integer NOT NULL,
        reserved    integer NOT NULL DEFAULT 0 CHECK (reserved >= 0),
        updated_at  timestamptz NOT NULL DEFAULT now()
      );

      -- One row per reserveInventory call that took effect; the hash makes a retry with the same
      -- lines a no-op and a call with other lines a conflict.
      CREATE TABLE reservation_requests (
        meta_order_id  text PRIMARY KEY,
        request_hash   text NOT NULL,
        fully_reserved boolean NOT NULL,
        created_at     timestamptz NOT NULL DEFAULT now(),
        released_at    timestamptz
      );

      CREATE TABLE reservations (
        meta_order_id text NOT NULL REFERENCES reservation_requests (meta_order_id),
        retailer_id   text NOT NULL,
        requested     integer NOT NULL CHECK (requested > 0),
        held          integer NOT NULL CHECK (held >= 0 AND held <= requested),
        consumed      integer NOT NULL DEFAULT 0 CHECK (consumed >= 0),
        released      integer NOT NULL DEFAULT 0 CHECK (released >= 0),
        CHECK (consumed + released <= held),
        PRIMARY KEY (meta_order_id, retailer_id)
      );

      CREATE SEQUENCE merchant_order_reference_seq;

      CREATE TABLE orders (
        meta_order_id            text PRIMARY KEY,
        merchant_order_reference text NOT NULL UNIQUE,
        channel                  text NOT NULL CHECK (channel IN ('facebook', 'instagram')),
        payment_method           text NOT NULL,
        buyer_name               text NOT NULL,
        buyer_email              text,
        marketing_opt_in         boolean NOT NULL,
        suppress_customer_emails boolean NOT NULL,
        ship_name                text NOT NULL,
        ship_street1             text NOT NULL,
        ship_street2             text,
        ship_city                text NOT NULL,
        ship_state               text,
        ship_postal_code         text NOT NULL,
        ship_country             text NOT NULL,
        shipping_method          text,
        totals                   jsonb,
        status                   text NOT NULL DEFAULT 'pending'
                                 CHECK (status IN ('pending', 'processing', 'completed', 'cancelled')),
        input_hash               text NOT NULL,
        created_at               timestamptz NOT NULL DEFAULT now(),
        updated_at               timestamptz NOT NULL DEFAULT now(),
        processing_at            timestamptz,
        completed_at             timestamptz,
        cancelled_at             timestamptz
      );
      CREATE INDEX orders_by_status ON orders (status, created_at);

      -- Meta shows merchant_order_reference on receipts and support looks orders up by it: the
      -- database itself refuses to change it (or the Meta id it belongs to) once issued.
      CREATE FUNCTION orders_keep_identity() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.merchant_order_reference IS DISTINCT FROM OLD.merchant_order_reference
           OR NEW.meta_order_id IS DISTINCT FROM OLD.meta_order_id THEN
          RAISE EXCEPTION 'merchant_order_reference and meta_order_id are immutable (order %)', OLD.meta_order_id;
        END IF;
        RETURN NEW;
      END $$;
      CREATE TRIGGER orders_keep_identity BEFORE UPDATE ON orders
        FOR EACH ROW EXECUTE FUNCTION orders_keep_identity();

      CREATE TABLE order_lines (
        meta_order_id  text NOT NULL REFERENCES orders (meta_order_id),
        item_id        text NOT NULL,
        position       integer NOT NULL,
        retailer_id    text NOT NULL,
        product_name   text,
        quantity       integer NOT NULL CHECK (quantity > 0),
        price_amount   text NOT NULL,
        price_currency text NOT NULL,
        PRIMARY KEY (meta_order_id, item_id)
      );

      CREATE TABLE shipments (
        id              bigserial PRIMARY KEY,
        meta_order_id   text NOT NULL REFERENCES orders (meta_order_id),
        request_id      text NOT NULL,
        request_hash    text NOT NULL,
        items           jsonb NOT NULL,
        carrier         text NOT NULL,
        tracking_number text NOT NULL,
        created_at      timestamptz NOT NULL DEFAULT now(),
        UNIQUE (meta_order_id, request_id)
      );

      -- No foreign key to orders: Meta can cancel or refund an order the OMS never created
      -- (cancelled while still in FB_PROCESSING, or handled in Commerce Manager).
      CREATE TABLE cancellations (
        id            bigserial PRIMARY KEY,
        meta_order_id text NOT NULL,
        request_id    text NOT NULL,
        request_hash  text NOT NULL,
        items         jsonb NOT NULL,
        reason_code   text NOT NULL,
        restock       boolean NOT NULL,
        origin        text NOT NULL CHECK (origin IN ('merchant', 'external')),
        created_at    timestamptz NOT NULL DEFAULT now(),
        UNIQUE (meta_order_id, request_id)
      );

      CREATE TABLE refunds (
        id            bigserial PRIMARY KEY,
        meta_order_id text NOT NULL,
        request_id    text NOT NULL,
        request_hash  text NOT NULL,
        items         jsonb NOT NULL,
        shipping      jsonb,
        reason_code   text NOT NULL,
        origin        text NOT NULL CHECK (origin IN ('merchant', 'external')),
        created_at    timestamptz NOT NULL DEFAULT now(),
        UNIQUE (meta_order_id, request_id)
      );

      CREATE TABLE events (
        id            bigserial PRIMARY KEY,
        dedupe_key    text NOT NULL UNIQUE,
        meta_order_id text,
        kind          text NOT NULL,
        severity      text NOT NULL CHECK (severity IN ('info', 'warning', 'critical')),
        detail        text NOT NULL,
        data          jsonb,
        created_at    timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX events_by_order ON events (meta_order_id, id);
    `,
  },
  {
    version: 2,
    name: "item ids, external records with Meta's object ids, refund amounts as NUMERIC",
    sql: `
      -- Shipments and cancellations store their items resolved to order lines from now on
      -- ({itemId, retailerId, quantity}); rows written before name the retailer id only.
      ALTER TABLE shipments
        ADD COLUMN origin text NOT NULL DEFAULT 'merchant' CHECK (origin IN ('merchant', 'external')),
        ADD COLUMN meta_shipment_id text;
      -- Meta's object is recorded once per order, whatever request reports it.
      CREATE UNIQUE INDEX shipments_by_meta_id ON shipments (meta_order_id, meta_shipment_id)
        WHERE meta_shipment_id IS NOT NULL;

      ALTER TABLE cancellations
        ADD COLUMN initiated_by text,
        ADD COLUMN reason_description text,
        ADD COLUMN meta_cancellation_id text;
      CREATE UNIQUE INDEX cancellations_by_meta_id ON cancellations (meta_order_id, meta_cancellation_id)
        WHERE meta_cancellation_id IS NOT NULL;

      -- Refund money in NUMERIC columns (exact decimals, never floats), each amount with its currency,
      -- so the books can add them up in SQL. Version 1 kept the lines and shipping as JSON: they move
      -- here and the JSON columns go.
      ALTER TABLE refunds
        ADD COLUMN shipping_amount numeric,
        ADD COLUMN shipping_currency text,
        ADD COLUMN adjustment_amount numeric,
        ADD COLUMN adjustment_currency text,
        ADD COLUMN total_amount numeric,
        ADD COLUMN total_currency text,
        ADD COLUMN reason_text text,
        ADD COLUMN return_id text,
        ADD COLUMN meta_refund_id text,
        ADD CHECK ((shipping_amount IS NULL) = (shipping_currency IS NULL)),
        ADD CHECK ((adjustment_amount IS NULL) = (adjustment_currency IS NULL)),
        ADD CHECK ((total_amount IS NULL) = (total_currency IS NULL));
      CREATE UNIQUE INDEX refunds_by_meta_id ON refunds (meta_order_id, meta_refund_id)
        WHERE meta_refund_id IS NOT NULL;

      CREATE TABLE refund_lines (
        refund_id   bigint NOT NULL REFERENCES refunds (id),
        position    integer NOT NULL,
        -- Meta's item id of the order line; NULL only for a refund of an order the OMS does not hold.
        item_id     text,
        retailer_id text NOT NULL,
        quantity    integer CHECK (quantity > 0),
        amount      numeric,
        currency    text,
        CHECK ((amount IS NULL) = (currency IS NULL)),
        PRIMARY KEY (refund_id, position)
      );

      CREATE TABLE refund_deductions (
        refund_id bigint NOT NULL REFERENCES refunds (id),
        position  integer NOT NULL,
        type      text NOT NULL,
        amount    numeric NOT NULL,
        currency  text NOT NULL,
        PRIMARY KEY (refund_id, position)
      );

      -- Refunds recorded before: each line goes to the first order line of its retailer id.
      INSERT INTO refund_lines (refund_id, position, item_id, retailer_id, quantity, amount, currency)
      SELECT r.id,
             (line.ordinality - 1)::integer,
             (SELECT ol.item_id FROM order_lines ol
              WHERE ol.meta_order_id = r.meta_order_id AND ol.retailer_id = line.item->>'retailerId'
              ORDER BY ol.position LIMIT 1),
             line.item->>'retailerId',
             (line.item->>'quantity')::integer,
             (line.item->'amount'->>'amount')::numeric,
             line.item->'amount'->>'currency'
      FROM refunds r CROSS JOIN LATERAL jsonb_array_elements(r.items) WITH ORDINALITY AS line(item, ordinality);
      UPDATE refunds SET shipping_amount = (shipping->>'amount')::numeric, shipping_currency = shipping->>'currency'
      WHERE shipping IS NOT NULL;
      ALTER TABLE refunds DROP COLUMN items, DROP COLUMN shipping;
    `,
  },
  {
    version: 3,
    name: 'warehouse fields: ship-by date, line personalisation, shipping option and tax',
    sql: `
      -- Meta's ship_by_date. The order's new totals (taxRemitted, facebookPaid, buyerPaid) go into the
      -- totals JSON with the others.
      ALTER TABLE orders ADD COLUMN ship_by_date date;

      -- Per line: the buyer's personalisation, the shipping option the buyer chose (with Meta's
      -- estimated days) and the line's tax as Meta reports it, in NUMERIC (exact, never floats).
      ALTER TABLE order_lines
        ADD COLUMN customization text,
        ADD COLUMN shipping_option_name text,
        ADD COLUMN shipping_min_days integer CHECK (shipping_min_days >= 0),
        ADD COLUMN shipping_max_days integer CHECK (shipping_max_days >= 0),
        ADD COLUMN tax_amount numeric CHECK (tax_amount >= 0),
        ADD COLUMN tax_currency text,
        ADD CHECK ((tax_amount IS NULL) = (tax_currency IS NULL)),
        ADD CHECK (shipping_option_name IS NOT NULL OR (shipping_min_days IS NULL AND shipping_max_days IS NULL));
    `,
  },
  {
    version: 4,
    name: 'buyer returns: each return with its latest status, and every status it went through',
    sql: `
      -- A return as Meta reports it, keyed by Meta's return id; status is the latest one recorded.
      CREATE TABLE order_returns (
        meta_return_id     text PRIMARY KEY,
        meta_order_id      text NOT NULL,
        status             text NOT NULL,
        items              jsonb NOT NULL,
        reason_code        text,
        merchant_return_id text,
        created_at         timestamptz NOT NULL DEFAULT now(),
        updated_at         timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX order_returns_by_order ON order_returns (meta_order_id);
      -- One row per step: the same step recorded twice (a retried activity) is a no-op.
      CREATE TABLE order_return_steps (
        meta_return_id text NOT NULL REFERENCES order_returns (meta_return_id),
        status         text NOT NULL,
        recorded_at    timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (meta_return_id, status)
      );
    `,
  },
];

/** Applies the migrations this database lacks; returns the versions it applied. */
export async function applyMigrations(db: PGlite, migrations: readonly Migration[] = MIGRATIONS): Promise<number[]> {
  await db.exec(`
    CREATE TABLE IF NOT EXISTS schema_migrations (
      version    integer PRIMARY KEY,
      name       text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now()
    )`);
  const applied: number[] = [];
  for (const migration of [...migrations].sort((a, b) => a.version - b.version)) {
    const ran = await db.transaction(async (tx) => {
      const existing = await tx.query('SELECT 1 FROM schema_migrations WHERE version = $1', [migration.version]);
      if (existing.rows.length > 0) return false;
      await tx.exec(migration.sql);
      await tx.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [
        migration.version,
        migration.name,
      ]);
      return true;
    });
    if (ran) applied.push(migration.version);
  }
  return applied;
}
