#!/usr/bin/env node
// Builds dist/perfex/sla_vigil.zip from perfex/sla_vigil: the archive Perfex's module upload
// takes, with the folder sla_vigil/ at its root. Written with node:zlib and the plain zip
// format (deflate, no zip64) so packaging needs neither the `zip` CLI nor a dependency.
const { Buffer } = require('node:buffer');
const fs = require('node:fs');
const path = require('node:path');
const zlib = require('node:zlib');

const root = path.join(__dirname, '..');
const source = path.join(root, 'perfex', 'sla_vigil');
const target = path.join(root, 'dist', 'perfex', 'sla_vigil.zip');

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
const crc32 = (buf) => {
  let c = 0xffffffff;
  for (const byte of buf) c = CRC_TABLE[(c ^ byte) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
};

// MS-DOS date/time of the file's modification (local time, 2-second resolution).
const dosDateTime = (date) => ({
  time: (date.getHours() << 11) | (date.getMinutes() << 5) | Math.floor(date.getSeconds() / 2),
  date: ((Math.max(date.getFullYear(), 1980) - 1980) << 9) | ((date.getMonth() + 1) << 5) | date.getDate(),
});

/** Directories first, then their files, sorted: stable archives for the same tree. */
const walk = (dir, prefix) => {
  const entries = [{ name: `${prefix}/`, full: dir, dir: true }];
  for (const item of fs
    .readdirSync(dir, { withFileTypes: true })
    .sort((a, b) => a.name.localeCompare(b.name))) {
    const full = path.join(dir, item.name);
    if (item.isDirectory()) entries.push(...walk(full, `${prefix}/${item.name}`));
    else if (item.isFile()) entries.push({ name: `${prefix}/${item.name}`, full, dir: false });
  }
  return entries;
};

const locals = [];
const centrals = [];
let offset = 0;
for (const entry of walk(source, 'sla_vigil')) {
  const name = Buffer.from(entry.name, 'utf8');
  const raw = entry.dir ? Buffer.alloc(0) : fs.readFileSync(entry.full);
  const data = entry.dir ? raw : zlib.deflateRawSync(raw, { level: 9 });
  const method = entry.dir ? 0 : 8;
  const crc = crc32(raw);
  const { time, date } = dosDateTime(fs.statSync(entry.full).mtime);

  const local = Buffer.alloc(30);
  local.writeUInt32LE(0x04034b50, 0);
  local.writeUInt16LE(20, 4); // version needed: 2.0 (deflate, folders)
  local.writeUInt16LE(0x0800, 6); // names are UTF-8
  local.writeUInt16LE(method, 8);
  local.writeUInt16LE(time, 10);
  local.writeUInt16LE(date, 12);
  local.writeUInt32LE(crc, 14);
  local.writeUInt32LE(data.length, 18);
  local.writeUInt32LE(raw.length, 22);
  local.writeUInt16LE(name.length, 26);
  local.writeUInt16LE(0, 28);
  locals.push(local, name, data);

  const central = Buffer.alloc(46);
  central.writeUInt32LE(0x02014b50, 0);
  central.writeUInt16LE((3 << 8) | 20, 4); // made by Unix, so the modes below apply
  central.writeUInt16LE(20, 6);
  central.writeUInt16LE(0x0800, 8);
  central.writeUInt16LE(method, 10);
  central.writeUInt16LE(time, 12);
  central.writeUInt16LE(date, 14);
  central.writeUInt32LE(crc, 16);
  central.writeUInt32LE(data.length, 20);
  central.writeUInt32LE(raw.length, 24);
  central.writeUInt16LE(name.length, 28);
  // extra, comment, disk number, internal attributes: all 0 (bytes 30..37)
  const mode = entry.dir ? 0o40755 : 0o100644;
  central.writeUInt32LE(((mode << 16) | (entry.dir ? 0x10 : 0)) >>> 0, 38);
  central.writeUInt32LE(offset, 42);
  centrals.push(central, name);

  offset += local.length + name.length + data.length;
}

const centralSize = centrals.reduce((sum, b) => sum + b.length, 0);
const end = Buffer.alloc(22);
end.writeUInt32LE(0x06054b50, 0);
end.writeUInt16LE(centrals.length / 2, 8);
end.writeUInt16LE(centrals.length / 2, 10);
end.writeUInt32LE(centralSize, 12);
end.writeUInt32LE(offset, 16);

fs.mkdirSync(path.dirname(target), { recursive: true });
fs.writeFileSync(target, Buffer.concat([...locals, ...centrals, end]));
console.log(`${path.relative(root, target)}: ${centrals.length / 2} entries`);
