// Envelope: journald's short output and syslog files (RFC 3164, with or without `<PRI>`).
import { formatSql, type LineFormat } from '../format.js';

const LINE = /^(?:<\d{1,3}>)?[A-Z][a-z]{2} {1,2}\d{1,2} \d\d:\d\d:\d\d \S+ [^\s[:]+(?:\[\d+\])?: /;

export const format: LineFormat = {
  name: 'journald',
  kind: 'gateway-log',
  role: 'envelope',
  reads: 'journald / syslog-file lines (`Mon DD HH:MM:SS host tag[pid]: …`, RFC 3164 with or without `<PRI>`) around a gateway or proxy payload',
  claims: (line) => LINE.test(line),
  scripts: () => [formatSql('journald', 'parse.sql')],
};
