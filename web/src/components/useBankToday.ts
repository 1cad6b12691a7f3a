import { bankToday } from '../lib/dates';
import { useHealth } from './useHealth';

/**
 * Today in the bank's calendar as the server says it (`bank_date` of GET /health, DQ_TIMEZONE);
 * until the first answer, the browser's reckoning in the bank's default zone (Asia/Almaty).
 */
export function useBankToday(): string {
  const { data } = useHealth();
  return data?.bank_date ?? bankToday();
}
