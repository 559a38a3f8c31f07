// Runs in every test file: before the file's process ends, every worker thread it started
// (integrity check, chain verify, backup, book checks) has finished its SQLite call and exited.
// A thread cut off inside a SQLite call can crash the process (core/workers.ts).
import { afterAll } from 'vitest';
import { threadsSettled } from '../core/workers.ts';

afterAll(() => threadsSettled());
