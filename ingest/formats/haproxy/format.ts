// HAProxy: httplog, tcplog, `option httplog clf`, a JSON log-format, master/worker notices; raw stdout, or inside a
// syslog or docker envelope (those are taken off first, see the envelope formats).
import { formatSql, type LineFormat } from '../format.js';

const ACCESS = /^[^\s"{]+:\d+ \[\d\d\/[A-Za-z]{3}\/\d{4}:\d\d:\d\d:\d\d(?:\.\d+)?\] \S+ \S+\/\S+ (?:-?\d+\/-?\d+\/-?\d+\/-?\d+\/\+?-?\d+ (?:\d{3}|-1) |-?\d+\/-?\d+\/\+?-?\d+ \+?\d+ \S{2} )/;
const CLF = /^\S+ \S+ \S+ \[\d\d\/[A-Za-z]{3}\/\d{4}:\d\d:\d\d:\d\d [+-]\d{4}\] "[^"]*" (?:\d{3}|-1) \+?\d+ "[^"]*" "[^"]*" \d+ \d+ "[^"]*" "[^"]*" "[^"]*" -?\d+ -?\d+ -?\d+ -?\d+ \+?-?\d+ \S{4} /;
const CONN_ERROR = /^[^\s"{]+:\d+ \[\d\d\/[A-Za-z]{3}\/\d{4}:\d\d:\d\d:\d\d(?:\.\d+)?\] \S+\/\S+: /;
const NOTICE = /^\[(NOTICE|WARNING|ALERT|EMERG|CRIT|ERR|INFO|DEBUG)\] +\(\d+\) : /;
const MESSAGE = /^(?:Proxy \S+ (?:started|stopped|hard-stopped|paused|resumed)|(?:Server|Backup Server) \S+\/\S+ is (?:UP|DOWN|going DOWN|MAINT)|backend \S+ has no server available|Stopping (?:frontend|backend|proxy) |Pausing (?:frontend|proxy) |Health check for (?:backup )?server |soft-stop running for too long)/;

export const format: LineFormat = {
  name: 'haproxy',
  kind: 'proxy-access',
  role: 'payload',
  reads: 'HAProxy httplog, tcplog, `httplog clf` and JSON log-format lines (termination state and timers), connection errors (TLS handshake), master/worker notices (reload, hard stop, worker exits, server UP/DOWN); raw, syslog-prefixed or docker-stamped',
  claims: (line, json) => ACCESS.test(line) || CLF.test(line) || CONN_ERROR.test(line) || NOTICE.test(line) || MESSAGE.test(line) || (!!json && 'termination_state' in json && 'frontend_name' in json),
  scripts: () => [formatSql('haproxy', 'parse.sql')],
};
