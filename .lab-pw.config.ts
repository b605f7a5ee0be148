import { defineConfig } from '@playwright/test';
import base from './playwright.config';
export default defineConfig({
  ...base,
  testMatch: /lab.*\.spec\.ts/,
  timeout: 60_000,
  reporter: 'list',
  webServer: undefined,
  use: { ...base.use, baseURL: 'http://127.0.0.1:4199' },
});
