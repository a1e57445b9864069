// Which rows the table shows for a search and a kind filter.
import type { VariableRow } from './bindings/VariableRow';

export type KindFilter = 'all' | 'secret' | 'config';

/** The rows whose name, provider or notes contain `query` (any case), of the chosen kind. */
export function filterRows(rows: VariableRow[], query: string, kind: KindFilter): VariableRow[] {
  const q = query.trim().toLowerCase();
  return rows.filter(
    (r) =>
      (kind === 'all' || r.kind === kind) &&
      (q === '' ||
        r.name.toLowerCase().includes(q) ||
        (r.provider ?? '').toLowerCase().includes(q) ||
        r.notes.toLowerCase().includes(q)),
  );
}
