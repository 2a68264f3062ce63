// Writes the extension icons (public/icon-{16,48,128}.png): a rounded teal square with a white
// loop, drawn pixel by pixel and encoded as PNG with node:zlib. Run: node scripts/make-icons.mjs
import { deflateSync } from 'node:zlib';
import { writeFileSync, mkdirSync } from 'node:fs';
import { URL, fileURLToPath } from 'node:url';
import { Buffer } from 'node:buffer';

const crcTable = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(buffer) {
  let c = 0xffffffff;
  for (const byte of buffer) c = crcTable[(c ^ byte) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(type, data) {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const typeAndData = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(typeAndData));
  return Buffer.concat([length, typeAndData, crc]);
}

function pixel(x, y, size) {
  const u = (x + 0.5) / size - 0.5;
  const v = (y + 0.5) / size - 0.5;
  const corner = 0.18;
  const dx = Math.max(Math.abs(u) - (0.5 - corner), 0);
  const dy = Math.max(Math.abs(v) - (0.5 - corner), 0);
  if (Math.hypot(dx, dy) > corner) return [0, 0, 0, 0];
  const r = Math.hypot(u, v);
  const ring = r > 0.2 && r < 0.32 && !(u > 0.05 && v < -0.05 && v > -0.32);
  const arrow = u > 0.05 && u < 0.3 && v < -0.05 && v > -0.3 && u - 0.05 > -v - 0.3 + 0.1;
  return ring || arrow ? [255, 255, 255, 255] : [13, 118, 110, 255];
}

function png(size) {
  const rows = [];
  for (let y = 0; y < size; y++) {
    const row = [0];
    for (let x = 0; x < size; x++) row.push(...pixel(x, y, size));
    rows.push(Buffer.from(row));
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header.set([8, 6, 0, 0, 0], 8); // 8-bit RGBA, no interlace
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(Buffer.concat(rows))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

const publicDir = fileURLToPath(new URL('../public/', import.meta.url));
mkdirSync(publicDir, { recursive: true });
for (const size of [16, 48, 128]) {
  writeFileSync(`${publicDir}icon-${size}.png`, png(size));
  console.log(`public/icon-${size}.png`);
}
