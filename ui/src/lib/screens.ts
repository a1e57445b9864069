// The screens of the unlocked app, in the header's order, each with its shortcut key.

export type Screen = 'variables' | 'agents' | 'activity' | 'rotation' | 'project' | 'leaks';

export const SCREENS: readonly { id: Screen; label: string; key: string; title: string }[] = [
  { id: 'variables', label: 'Variables', key: '1', title: 'The variables of each environment' },
  { id: 'agents', label: 'Agents', key: '2', title: 'Agent profiles: launch an agent with exactly its variables' },
  { id: 'activity', label: 'Activity', key: '3', title: 'Who got which variables, and when' },
  { id: 'rotation', label: 'Rotation', key: '4', title: 'When each secret is due for rotation: rotate, snooze, roll back' },
  { id: 'project', label: 'Project', key: '5', title: "A project's latchkey.toml beside the vault: what it needs, and what is missing" },
  { id: 'leaks', label: 'Leaks', key: '6', title: 'Copies of stored keys in agent transcripts, configs, histories and folders: redact, rotate' },
];
