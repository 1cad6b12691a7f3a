import { useCallback, useMemo } from 'react';
import { useSearchParams } from 'react-router';

import { filtersFromParams, paramsFromFilters, type TheoryFilters } from './filters';

/** Changes the view from the address current when it runs; `replace` edits the history entry in place. */
export type UpdateFilters = (update: (current: TheoryFilters) => TheoryFilters, replace?: boolean) => void;

/**
 * The view in the address: read it, and change it from the current address (so that a change
 * made later, e.g. after a pause in typing, does not undo one made meanwhile). `replace` changes
 * the history entry in place (typing) instead of adding one.
 */
export function useFiltersInUrl(): readonly [TheoryFilters, UpdateFilters] {
  const [params, setParams] = useSearchParams();
  const filters = useMemo(() => filtersFromParams(params), [params]);
  const updateFilters = useCallback<UpdateFilters>(
    (update, replace = false) => setParams((current) => paramsFromFilters(update(filtersFromParams(current))), { replace }),
    [setParams],
  );
  return [filters, updateFilters] as const;
}
