// How every git process of clawtrail runs: the repository is evidence, never configuration. Hooks, fsmonitor,
// attributes and external diff are switched off on the command line, and system and global config are ignored.
export const SAFE_CONFIG = ['-c', 'core.hooksPath=/dev/null', '-c', 'core.fsmonitor=false', '-c', 'safe.directory=*', '-c', 'core.attributesFile=/dev/null', '-c', 'diff.external='];
export const SAFE_ENV = { ...process.env, GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null', GIT_TERMINAL_PROMPT: '0', GIT_OPTIONAL_LOCKS: '0' };
