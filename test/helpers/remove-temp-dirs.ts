// Setup file of every test file: the temp directories it made go when it ends (a test run
// left ~20 behind in /tmp each time).
import { afterAll } from 'vitest';
import { removeTempDirs } from './temp-dirs';

afterAll(removeTempDirs);
