// The encrypted fork has better-sqlite3's API, but its package "exports" hide its own
// typings from TypeScript's nodenext resolution; reuse @types/better-sqlite3.
declare module 'better-sqlite3-multiple-ciphers' {
  // `import = require` is how a declaration re-exports a CommonJS `export =` module.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  import Database = require('better-sqlite3');
  export = Database;
}
