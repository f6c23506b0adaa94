import { parseDocument, LineCounter, stringify } from 'yaml';
const deep = 'a: ' + '['.repeat(10000) + ']'.repeat(10000) + '\n';
try { const d = parseDocument(deep); console.log('errs', d.errors.length); d.toJS(); console.log('ok flow'); } catch (e) { console.log('flow', e.message); }
let blk = ''; for (let i=0;i<3000;i++) blk += ' '.repeat(i) + 'k:\n';
try { const d = parseDocument(blk); d.toJS(); console.log('ok block'); } catch (e) { console.log('block', e.message); }
const opts = { version: '1.1', lineWidth: 0 };
for (const s of ['0o17','0O17','0X1F','0B101','1_000','.inf','~','2001-12-14','yes','Y','n','0x1f','+0x3','\u2028','\u0085','\x7f','\ufeffa','1e400','.NaN','0b1', '12:30:00', '-.inf', '0777', '+12', '1:20']) console.log(JSON.stringify(s), '=>', JSON.stringify(stringify({v:s}, opts)));
