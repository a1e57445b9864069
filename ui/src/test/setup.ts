import '@testing-library/jest-dom/vitest';
import { clearMocks } from '@tauri-apps/api/mocks';
import { cleanup } from '@testing-library/svelte';
import { afterEach, vi } from 'vitest';
import { agentRuns } from '../lib/agents.svelte';
import { navigation } from '../lib/navigation.svelte';
import { notices } from '../lib/notices.svelte';
import { currentProject } from '../lib/project.svelte';

afterEach(async () => {
  // Unmount while the IPC mocks still answer: components stop listening on unmount, and a
  // listener registered just before may only be dropped a moment later.
  cleanup();
  vi.useRealTimers();
  await new Promise((resolve) => setTimeout(resolve, 0));
  clearMocks();
  notices.reset();
  agentRuns.reset();
  navigation.reset();
  currentProject.reset();
});
