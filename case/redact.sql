-- GENERATED from case/secret-rules.ts by `npm run gen:secret-rules`: do not edit (a test checks it is in sync).
-- Secret values in free text never reach the store: redact() runs on every stored line and every cited line.
-- One cheap test first: almost no line holds a secret, and each rewrite costs a regex pass.
CREATE OR REPLACE MACRO redact(s) AS
  CASE WHEN NOT regexp_matches(s, '(?i)token=|passw[a-z]*=|pwd=|key=|secret=|sig[a-z]*=|session[a-z_]*=|credential=|token|eyj|gh[pousr]_|github_pat_|akia|asia|abia|acca|aiza|xox|k_live_|k_test_|sk-|[0-9a-f]{48}|://[^/@\s]+@|secret|passw|passphrase|credential|api.?key|private.?key|access.?key|cookie|key|pass|pwd|--[a-z-]*(token|pass|pwd|secret|key)|authorization|bearer') THEN s ELSE
  regexp_replace(regexp_replace(regexp_replace(regexp_replace(regexp_replace(regexp_replace(regexp_replace(regexp_replace(regexp_replace(regexp_replace(regexp_replace(regexp_replace(s,
    '(?i)((^|[?#&;/\s])([A-Za-z0-9]+[_.-])*(token|password|passwd|pwd|api_?key|apikey|key|secret|sig|signature|session|sessionid|session_id|credential)=)[^&\s"#;\\]+', '\1[REDACTED]', 'g'),
    '(?i)((gateway token|token)\s*[:=]\s*["'']?)[A-Za-z0-9_.-]{16,}', '\1[REDACTED]', 'g'),
    'eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*', '[REDACTED]', 'g'),
    '(^|[^A-Za-z0-9_-])((gh[pousr]_[A-Za-z0-9]{36})|(github_pat_[A-Za-z0-9_]{22,})|((AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16})|(AIza[0-9A-Za-z_-]{35})|(xox[abposr]-[0-9A-Za-z-]{10,})|([srp]k_(live|test)_[0-9A-Za-z]{10,})|(sk-[A-Za-z0-9_-]{20,}))', '\1[REDACTED]', 'g'),
    '(^|[^0-9A-Za-z])[0-9a-fA-F]{48}([^0-9A-Za-z]|$)', '\1[REDACTED]\2', 'g'),
    '([A-Za-z][A-Za-z0-9+.-]*://[^\s:@"'']+:)[^@\s"'']+@', '\1[REDACTED]@', 'g'),
    '(?i)((^|[^A-Za-z0-9_.?&#;/-])["'']?([A-Za-z0-9_.-]*(token|secret|passw(or)?d|passphrase|credential|api[_-]?key|private[_-]?key|access[_-]?key|secret[_-]?key|cookie)([_.-][A-Za-z0-9_.-]*)?|([A-Za-z0-9]+[_.-])*(key|keys|pass|pwd)([_.-][A-Za-z0-9]+)*)["'']?\s*[=:]\s*(["'']))[^"''$\\][^"''\\]*', '\1[REDACTED]', 'g'),
    '(?i)((^|[^A-Za-z0-9_.?&#;/-])([A-Za-z0-9_.-]*(token|secret|passw(or)?d|passphrase|credential|api[_-]?key|private[_-]?key|access[_-]?key|secret[_-]?key|cookie)([_.-][A-Za-z0-9_.-]*)?|([A-Za-z0-9]+[_.-])*(key|keys|pass|pwd)([_.-][A-Za-z0-9]+)*)\s*[=:]\s*)[^\s"'',&\\{($][^\s"'',&\\]*', '\1[REDACTED]', 'g'),
    '(?i)((^|[^A-Za-z0-9_])(password|passwd|passphrase)\s+)[^\s"''(]*[0-9!@#$%^&*+=~_][^\s"'']*', '\1[REDACTED]', 'g'),
    '(?i)(--([A-Za-z0-9]+-)*(token|password|passwd|pass|pwd|secret|api-?key|apikey|key)(=|\s+|",\s*"|'',\s*''))[^\s"''\\$][^\s"''\\]*', '\1[REDACTED]', 'g'),
    '(?i)((proxy-)?authorization["'']?(\s*[:=]\s*|\s+)["'']?(bearer|basic|token|digest|negotiate|apikey)\s+)[^\s"'';\\,]+', '\1[REDACTED]', 'g'),
    '(?i)(bearer\s+)[A-Za-z0-9._~+/=-]{8,}', '\1[REDACTED]', 'g') END;
