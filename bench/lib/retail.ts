import { createReadStream, createWriteStream } from 'node:fs';
import { once } from 'node:events';
import path from 'node:path';
import { createGunzip } from 'node:zlib';
import { parse } from 'csv-parse';

const datasetsDir = path.resolve(process.env.LOOPDESK_DATASETS ?? '../shared/datasets');
export const retailFile = path.join(datasetsDir, 'online-retail', 'online_retail.csv.gz');

interface Invoice {
  customerId: string;
  occurredAt: string;
  pence: number;
}

export interface RetailConversion {
  invoiceLines: number;
  linesWithoutCustomer: number;
  invoices: number;
  cancellations: number;
}

/**
 * Online Retail invoice lines into the transactions format: one row per invoice, its lines'
 * Quantity x UnitPrice summed (in pence, to avoid float drift), GBP. Lines without a CustomerID
 * are left out. Cancellations (InvoiceNo starting with C) are kept as their own transactions
 * with their negative amounts: they are refunds the customer really got, and keeping them keeps
 * the file's totals honest. `copies` > 1 repeats every invoice with a suffixed order id, for a
 * larger file of the same shape.
 */
export async function writeRetailTransactions(
  target: string,
  copies = 1,
): Promise<RetailConversion> {
  const invoices = new Map<string, Invoice>();
  let invoiceLines = 0;
  let linesWithoutCustomer = 0;
  const parser = createReadStream(retailFile)
    .pipe(createGunzip())
    .pipe(parse({ columns: true, skip_empty_lines: true }));
  for await (const line of parser as AsyncIterable<Record<string, string>>) {
    invoiceLines += 1;
    const customerId = line.CustomerID?.trim();
    if (!customerId) {
      linesWithoutCustomer += 1;
      continue;
    }
    const invoiceNo = line.InvoiceNo!.trim();
    const pence = Math.round(Number(line.Quantity) * Number(line.UnitPrice) * 100);
    const invoice = invoices.get(invoiceNo);
    if (invoice) invoice.pence += pence;
    else invoices.set(invoiceNo, { customerId, occurredAt: line.InvoiceDate!.trim(), pence });
  }
  const out = createWriteStream(target);
  out.write('customer_id,occurred_at,amount,order_id,currency\n');
  let cancellations = 0;
  for (let copy = 0; copy < copies; copy += 1) {
    let chunk = '';
    for (const [invoiceNo, invoice] of invoices) {
      if (copy === 0 && invoiceNo.startsWith('C')) cancellations += 1;
      const orderId = copies > 1 ? `${invoiceNo}-${copy}` : invoiceNo;
      chunk += `${invoice.customerId},${invoice.occurredAt},${(invoice.pence / 100).toFixed(2)},${orderId},GBP\n`;
      if (chunk.length > 1 << 16) {
        if (!out.write(chunk)) await once(out, 'drain');
        chunk = '';
      }
    }
    out.write(chunk);
  }
  out.end();
  await once(out, 'finish');
  return { invoiceLines, linesWithoutCustomer, invoices: invoices.size, cancellations };
}
