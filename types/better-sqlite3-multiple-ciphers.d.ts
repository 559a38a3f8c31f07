// The encrypted fork has better-sqlite3's API, but its package "exports" hide its own
// typings from TypeScript's nodenext resolution; reuse @types/better-sqlite3.
declare module 'better-sqlite3-multiple-ciphers' {
  import Database = require('better-sqlite3');
  export = Database;
}
