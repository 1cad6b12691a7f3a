import { useEffect, useState } from 'react';

/**
 * `value`, once it has stayed the same for `delay` ms: typing in a filter or a form is not a request
 * per key. Each change restarts the wait, so only the value the user pauses on comes out.
 */
export function useDebounced<T>(value: T, delay: number): T {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const timer = window.setTimeout(() => setSettled(value), delay);
    return () => window.clearTimeout(timer);
  }, [value, delay]);
  return settled;
}
