import { parseDocument } from 'yaml';
for (const n of [10000, 100000]) {
const flow = 'a: ' + '['.repeat(n) + ']'.repeat(n) + '\n';
let blk = ''; for (let i=0;i<n;i++) blk += ' '.repeat(i) + 'k:\n';
let seq = ''; for (let i=0;i<n;i++) seq += '- '; seq += 'x\n';
for (const [name, t] of [['flow',flow],['block',blk],['seq',seq]]) {
  try { const d = parseDocument(t); console.log(n, name, 'errs', d.errors.map(e=>e.code)); try { d.toJS(); console.log('toJS ok') } catch (e) { console.log('toJS', e.message) } } catch (e) { console.log(n, name, 'parse', e.message); }
}}
