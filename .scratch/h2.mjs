import { Document, visit, isScalar } from 'yaml';
const v = { a: '\u2028x', b: '\u0085', c: '\x7f', d: '\ufeffa', e: '0o17', f: '\x01', g:'\x9f', h:'é', '0X1F': 1 };
const doc = new Document(v, { version: '1.1' });
visit(doc, { Scalar(k, n) { if (typeof n.value === 'string') n.type = 'QUOTE_DOUBLE'; } });
console.log(doc.toString({ lineWidth: 0 }));
