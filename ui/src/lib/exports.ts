// Words and names for exports: the formats, the file name the save dialog proposes, the
// state badges of the Exports list, and what "Export again" asks for.
import type { ExportFormatName } from './bindings/ExportFormatName';
import type { ExportStateName } from './bindings/ExportStateName';

export const FORMATS: { value: ExportFormatName; label: string; extension: string }[] = [
  { value: 'dotenv', label: '.env (NAME=value)', extension: 'env' },
  { value: 'json', label: 'JSON', extension: 'json' },
  { value: 'yaml', label: 'YAML', extension: 'yaml' },
  { value: 'toml', label: 'TOML', extension: 'toml' },
  { value: 'shell', label: 'Shell (export NAME=value)', extension: 'sh' },
  { value: 'docker', label: 'Docker --env-file', extension: 'docker.env' },
  { value: 'github', label: 'GitHub Actions ($GITHUB_ENV)', extension: 'github.env' },
];

/** The file name the save dialog proposes: prod.env, prod.json… */
export function suggestedFileName(env: string, format: ExportFormatName): string {
  const extension = FORMATS.find((f) => f.value === format)?.extension ?? format;
  return `${env}.${extension}`;
}

export type StateBadge = { label: string; tone: 'good' | 'warn' | 'neutral'; title: string };

export const STATES: Record<ExportStateName, StateBadge> = {
  current: { label: 'Current', tone: 'good', title: 'The file is as written, and the vault would write the same today' },
  stale: { label: 'Stale — export again', tone: 'warn', title: 'The vault changed since: exporting again writes the new values' },
  edited: { label: 'Edited', tone: 'warn', title: 'Something other than latchkey changed the file since it was written' },
  missing: { label: 'Missing', tone: 'neutral', title: 'The file is gone' },
};

/** The last part of a path, for toasts. */
export function fileName(path: string): string {
  return path.split(/[\\/]/).filter(Boolean).at(-1) ?? path;
}

