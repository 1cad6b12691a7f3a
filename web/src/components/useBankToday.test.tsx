import { QueryClientProvider } from '@tanstack/react-query';
import { renderHook, waitFor } from '@testing-library/react';
import type { ReactNode } from 'react';

import { bankToday } from '../lib/dates';
import { createQueryClient } from '../lib/queryClient';
import { mockFetch } from '../test/renderApp';
import { useBankToday } from './useBankToday';

function wrapper({ children }: { children: ReactNode }) {
  const client = createQueryClient();
  client.setDefaultOptions({ queries: { retry: false } });
  return <QueryClientProvider client={client}>{children}</QueryClientProvider>;
}

describe('useBankToday', () => {
  it("takes the bank's date from the server once it answers, the browser's reckoning before", async () => {
    // A date no browser clock gives today: only the server's answer can produce it.
    const HEALTH = {
      status: 'ok',
      version: '0.1.0',
      warehouse: { dialect: 'duckdb', reachable: true },
      bank_date: '2031-01-02',
      timezone: 'Asia/Almaty',
    };
    mockFetch((url) => (url.pathname === '/api/v1/health' ? { body: HEALTH } : undefined));
    const { result } = renderHook(() => useBankToday(), { wrapper });
    expect(result.current).toBe(bankToday());
    await waitFor(() => expect(result.current).toBe('2031-01-02'));
  });
});
