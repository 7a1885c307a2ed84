/** Selecting several items of a queue and deciding them with one action; the server's answer is shown per item. */
import { useState } from 'preact/hooks';
import type { DecisionResult } from '../lib/contract/console.ts';
import type { Words } from './i18n.ts';

export function useSelection() {
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  return {
    selected,
    toggle: (id: string) => {
      const next = new Set(selected);
      if (!next.delete(id)) next.add(id);
      setSelected(next);
    },
    setAll: (ids: readonly string[], on: boolean) => setSelected(on ? new Set(ids) : new Set()),
    clear: () => setSelected(new Set()),
  };
}

export interface BulkAction {
  label: (count: number) => string;
  /** Rejections need a reason: the button stays disabled until one is typed. */
  needsReason: boolean;
  run: (ids: string[], reason: string) => Promise<DecisionResult[]>;
}

export function BulkBar(props: { t: Words; selected: ReadonlySet<string>; actions: BulkAction[]; onDone: (results: DecisionResult[]) => void; onFailure: (err: unknown) => void }) {
  const { t, selected, actions, onDone, onFailure } = props;
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const run = (action: BulkAction) => {
    setBusy(true);
    action.run([...selected], reason.trim()).then(
      (results) => {
        setBusy(false);
        setReason('');
        onDone(results);
      },
      (err: unknown) => {
        setBusy(false);
        onFailure(err);
      },
    );
  };
  return (
    <div class="bulk" role="group" aria-label={t.bulkActions}>
      <span>{t.selectedCount(selected.size)}</span>
      <label>
        {t.bulkReason}
        <input value={reason} maxLength={200} onInput={(e) => setReason((e.currentTarget as HTMLInputElement).value)} />
      </label>
      {actions.map((a) => (
        <button key={a.label(0)} type="button" disabled={busy || selected.size === 0 || (a.needsReason && !reason.trim())} onClick={() => run(a)}>
          {a.label(selected.size)}
        </button>
      ))}
    </div>
  );
}

export function DecisionOutcome({ t, results, describe }: { t: Words; results: DecisionResult[]; describe: (id: string) => string }) {
  const decided = results.filter((r) => r.outcome === 'decided').length;
  return (
    <div role="status" class="outcome">
      <p>{t.decidedCount(decided, results.length)}</p>
      {decided < results.length && (
        <ul>
          {results
            .filter((r) => r.outcome === 'refused')
            .map((r) => (
              <li key={r.id}>
                {describe(r.id)}: {r.message}
              </li>
            ))}
        </ul>
      )}
    </div>
  );
}
