import { defineConfig } from '@playwright/test';
import { chromiumLaunchOptions } from './test/fixtures/chromium.js';

/**
 * End-to-end tests drive the real UI in Debian's Chromium against a real `cell0 serve`
 * (the built app). Never `npx playwright install`: the browser comes from the system.
 */
export default defineConfig({
  testDir: 'test/e2e',
  timeout: 60_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: process.env.CI ? 'list' : [['list']],
  use: {
    browserName: 'chromium',
    headless: true,
    launchOptions: chromiumLaunchOptions,
    trace: 'off',
    screenshot: 'only-on-failure',
  },
});
