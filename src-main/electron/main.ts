// Electron main process: thin; everything lives in desktop.ts and the shared core.
import * as electron from 'electron';
import { createApp } from '../app';
import { keepHeapNearLive } from '../heap';
import { startDesktop } from './desktop';

keepHeapNearLive();
startDesktop(electron, { createApp, env: process.env, argv: process.argv, signals: process });
