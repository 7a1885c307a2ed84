/**
 * Orders placed in one demo shop, kept in memory for the life of the process.
 * Each order gets a fresh number in the shape its platform uses, and a random
 * token that confirmation URLs carry, so a confirmation page is a plain GET of
 * a stored order: reloading it shows the same order and places nothing.
 */
import { randomBytes, randomInt } from 'node:crypto';
import type { CartLine, CartTotals } from './cart.ts';
import type { Currency, Platform } from './shops.ts';

export interface Customer {
  name: string;
  email: string;
  street: string;
  postcode: string;
  city: string;
  payment: string;
}

export interface DemoOrder {
  /** The order number as the shop shows it to the customer (no leading `#`). */
  orderNumber: string;
  /** 32 hex characters; the confirmation URL's secret part. */
  token: string;
  /** The platform's internal numeric id (WooCommerce post id, PrestaShop id_order, Shopify order_id). */
  internalId: number;
  cartId: number;
  lines: CartLine[];
  subtotalMinor: number;
  shippingMinor: number;
  totalMinor: number;
  currency: Currency;
  customer: Customer;
  placedAt: string;
}

/** What `GET /__demo/orders.json` lists: what the extension should have recorded. */
export interface OrderSummary {
  orderId: string;
  amountMinor: number;
  currency: Currency;
  placedAt: string;
}

/** Enough for any demo or test run; the oldest orders go first beyond it, so memory stays bounded. */
const MAX_ORDERS = 10_000;

const PRESTASHOP_LETTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';

export class OrderBook {
  private readonly byToken = new Map<string, DemoOrder>();
  private placed = 0;

  constructor(
    private readonly platform: Platform,
    private readonly currency: Currency,
  ) {}

  place(totals: CartTotals, customer: Customer, now: Date): DemoOrder {
    const seq = this.placed++;
    const order: DemoOrder = {
      orderNumber: this.nextNumber(seq),
      token: randomBytes(16).toString('hex'),
      internalId: this.internalId(seq),
      cartId: 212 + seq * 3,
      lines: totals.lines,
      subtotalMinor: totals.subtotalMinor,
      shippingMinor: totals.shippingMinor,
      totalMinor: totals.totalMinor,
      currency: this.currency,
      customer,
      placedAt: now.toISOString(),
    };
    this.byToken.set(order.token, order);
    if (this.byToken.size > MAX_ORDERS) {
      const oldest = this.byToken.keys().next().value;
      if (oldest !== undefined) this.byToken.delete(oldest);
    }
    return order;
  }

  byOrderToken(token: string | undefined): DemoOrder | undefined {
    return token === undefined ? undefined : this.byToken.get(token);
  }

  find(predicate: (order: DemoOrder) => boolean): DemoOrder | undefined {
    for (const order of this.byToken.values()) if (predicate(order)) return order;
    return undefined;
  }

  summaries(): OrderSummary[] {
    return [...this.byToken.values()].map((o) => ({
      orderId: o.orderNumber,
      amountMinor: o.totalMinor,
      currency: o.currency,
      placedAt: o.placedAt,
    }));
  }

  private nextNumber(seq: number): string {
    switch (this.platform) {
      case 'shopware6':
        return String(10023 + seq);
      case 'woocommerce':
        return String(this.internalId(seq));
      case 'magento2':
        return String(123 + seq).padStart(9, '0');
      case 'shopify':
        return String(1001 + seq);
      case 'ga4-only':
        return `MH-${20001 + seq}`;
      case 'spa-late':
        return `FK-${100501 + seq}`;
      case 'prestashop':
        return this.prestashopReference();
      case 'hand-built':
        return `RM-${3101 + seq}`;
      case 'unreadable':
        return `TL${40211 + seq}`;
      case 'order-page':
        return `AU-2026-${String(412 + seq).padStart(5, '0')}`;
    }
  }

  private internalId(seq: number): number {
    switch (this.platform) {
      // WooCommerce shows the order's post id as its number.
      case 'woocommerce':
        return 4711 + seq * 2;
      // Shopify's order_id is a large internal id, unlike the "#1001" the customer sees.
      case 'shopify':
        return 5912345678901 + seq * 137;
      default:
        return 57 + seq;
    }
  }

  /** PrestaShop's order reference: nine random capital letters, unique in this shop. */
  private prestashopReference(): string {
    for (;;) {
      let ref = '';
      for (let i = 0; i < 9; i++) ref += PRESTASHOP_LETTERS[randomInt(PRESTASHOP_LETTERS.length)];
      if (!this.find((o) => o.orderNumber === ref)) return ref;
    }
  }
}
