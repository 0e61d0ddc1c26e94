-- GENERATED from case/secret-rules.ts by `npm run gen:secret-rules`: do not edit (a test checks it is in sync).
-- Secret values in free text never reach the store: redact() runs on every stored line and every cited line.
-- One cheap test first: almost no line holds a secret, and each rewrite costs a regex pass.
CREATE OR REPLACE MACRO redact(s) AS
  CASE WHEN NOT regexp_matches(s, '(?i)token|password|passwd|secret|api|cookie|session|private|credential|auth|fingerprint|privatekey|apikey|passw|authorization|bearer') THEN s ELSE
  regexp_replace(regexp_replace(regexp_replace(regexp_replace(regexp_replace(regexp_replace(regexp_replace(regexp_replace(regexp_replace(s,
    '(?i)((^|[?#&;/\s])(token|access_token|auth_token|gateway_token)=)[^&\s"#;\\]+', '\1[REDACTED]', 'g'),
    '(?i)((gateway token|token)\s*[:=]\s*["'']?)[A-Za-z0-9_.-]{16,}', '\1[REDACTED]', 'g'),
    '(^|[^A-Za-z0-9_])([A-Za-z0-9_]*(TOKEN|PASSWORD|PASSWD|SECRET|API[_-]?KEY|COOKIE|SESSION[_-]?KEY|PRIVATE[_-]?KEY|CREDENTIAL|AUTH[_-]?KEY|FINGERPRINT[_-]?KEY)[A-Za-z0-9_]*\s*[=:]\s*["'']?)[^\s"'',&\\$][^\s"'',&\\]*', '\1\2[REDACTED]', 'g'),
    '(?i)("[A-Za-z_]*(token|password|secret|privatekey|apikey)[A-Za-z_]*"\s*:\s*")[^"$\\][^"\\]*(")', '\1[REDACTED]\3', 'g'),
    '(?i)^(\s*-?\s*[A-Za-z0-9_]*(token|password|passwd|secret|api[_-]?key|cookie|session[_-]?key|private[_-]?key|credential|auth[_-]?key|fingerprint[_-]?key)[A-Za-z0-9_]*\s*:\s+)[^"''$\s][^\s]*$', '\1[REDACTED]', 'g'),
    '(?i)^(\s*-?\s*[A-Za-z0-9_]*(token|password|passwd|secret|api[_-]?key|cookie|session[_-]?key|private[_-]?key|credential|auth[_-]?key|fingerprint[_-]?key)[A-Za-z0-9_]*\s*:\s+(["'']))[^"''$][^"'']*(["''])\s*$', '\1[REDACTED]\4', 'g'),
    '(?i)(--(token|password)(=|\s+|",\s*"))[^\s"\\]+', '\1[REDACTED]', 'g'),
    '(?i)((proxy-)?authorization"?:?\s+"?(bearer|basic|token)\s+)[^\s";\\]+', '\1[REDACTED]', 'g'),
    '(?i)(bearer\s+)[A-Za-z0-9._~+/=-]{8,}', '\1[REDACTED]', 'g') END;
