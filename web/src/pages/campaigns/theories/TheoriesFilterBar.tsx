import { ReloadOutlined, SearchOutlined } from '@ant-design/icons';
import { Button, Card, DatePicker, Flex, Input, Select, Tooltip } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';

import { useCurrentUser } from '../../../auth/useSession';
import { dateFormat } from '../../../lib/format';
import { useDebounced } from '../../../lib/useDebounced';
import { useDashboard, useStreams, type CampaignList, type CampaignType, type EffectiveStatus } from './api';
import { CAMPAIGN_TYPES, isFiltered, NO_FILTERS, STATUSES, withFilters, type TheoryFilters } from './filters';
import { statusName } from './status';
import type { UpdateFilters } from './useFiltersInUrl';

/** Typing in the search is not a query per key: the address follows once typing pauses this long. */
const SEARCH_DELAY_MS = 350;

interface TheoriesFilterBarProps {
  filters: TheoryFilters;
  updateFilters: UpdateFilters;
  list: CampaignList;
}

/** The list's filters — search, type, stream, status, owner, period — each kept in the address. */
export function TheoriesFilterBar({ filters, updateFilters, list }: TheoriesFilterBarProps) {
  const { t, i18n } = useTranslation();
  const language = i18n.resolvedLanguage ?? 'ru';
  const me = useCurrentUser();
  const streams = useStreams();
  // The owners come from the dashboard's counts: every owner of a campaign, and no users list
  // (an admin-only call) needed.
  const dashboard = useDashboard();

  // The search box types freely; the address follows once typing pauses. When the address
  // changes otherwise (back button, a link, reset), the box shows its text.
  const [search, setSearch] = useState(filters.q);
  const [shownQ, setShownQ] = useState(filters.q);
  if (filters.q !== shownQ) {
    setShownQ(filters.q);
    if (filters.q !== search.trim()) setSearch(filters.q);
  }
  // The search lands after a pause: by then other filters may have changed the address, so it
  // is applied to the address of that moment. Only a new pause applies it: the address moving
  // (the back button) must not bring back a search typed before.
  const applySearch = useCallback(
    (text: string) =>
      updateFilters((current) => (current.q === text.trim() ? current : withFilters(current, { q: text.trim() })), true),
    [updateFilters],
  );
  const settledSearch = useDebounced(search, SEARCH_DELAY_MS);
  const appliedSearch = useRef(settledSearch);
  useEffect(() => {
    if (settledSearch === appliedSearch.current) return;
    appliedSearch.current = settledSearch;
    applySearch(settledSearch);
  }, [settledSearch, applySearch]);

  const change = (update: Partial<TheoryFilters>) => updateFilters((current) => withFilters(current, update));

  const streamOptions = useMemo(() => {
    const all = streams.data ?? [];
    return CAMPAIGN_TYPES.filter((type) => !filters.type || filters.type === type)
      .map((type) => ({
        label: type,
        title: type,
        options: all
          .filter((stream) => stream.campaign_type === type)
          .map((stream) => ({ value: stream.code, label: `${stream.name_ru} (${stream.code})` })),
      }))
      .filter((group) => group.options.length > 0);
  }, [streams.data, filters.type]);

  const ownerOptions = useMemo(() => {
    const owners = new Set(Object.keys(dashboard.data?.by_owner ?? {}));
    if (me) owners.add(me.username);
    if (filters.owner) owners.add(filters.owner);
    return Array.from(owners)
      .sort((a, b) => (a === me?.username ? -1 : b === me?.username ? 1 : a.localeCompare(b)))
      .map((owner) => ({ value: owner, label: owner === me?.username ? `${owner} (${t('theories.you')})` : owner }));
  }, [dashboard.data, me, filters.owner, t]);

  const range: [Dayjs | null, Dayjs | null] | null =
    filters.from || filters.to ? [filters.from ? dayjs(filters.from) : null, filters.to ? dayjs(filters.to) : null] : null;
  const filtered = isFiltered(filters);

  return (
    <Card size="small">
      <Flex wrap gap={12} align="center" data-testid="theories-filters">
        <Input
          allowClear
          prefix={<SearchOutlined />}
          placeholder={t('theories.filters.search')}
          aria-label={t('theories.filters.search')}
          value={search}
          onChange={(event) => setSearch(event.target.value)}
          onPressEnter={() => applySearch(search)}
          style={{ width: 260 }}
          data-testid="theories-search"
        />
        <Select<CampaignType>
          allowClear
          placeholder={t('theories.filters.type')}
          aria-label={t('theories.filters.type')}
          value={filters.type ?? undefined}
          onChange={(type) => {
            const stream = streams.data?.find((s) => s.code === filters.stream);
            // A stream of the other type would leave the list empty for no visible reason.
            change({ type: type ?? null, stream: type && stream && stream.campaign_type !== type ? null : filters.stream });
          }}
          options={CAMPAIGN_TYPES.map((type) => ({ value: type, label: t(`theories.type.${type}`) }))}
          style={{ width: 170 }}
          data-testid="filter-type"
        />
        <Select<string>
          allowClear
          showSearch={{ optionFilterProp: 'label' }}
          placeholder={t('theories.filters.stream')}
          aria-label={t('theories.filters.stream')}
          value={filters.stream ?? undefined}
          onChange={(stream) => change({ stream: stream ?? null })}
          options={streamOptions}
          loading={streams.isPending}
          popupMatchSelectWidth={280}
          style={{ width: 190 }}
          data-testid="filter-stream"
        />
        <Select<EffectiveStatus[]>
          mode="multiple"
          allowClear
          maxTagCount={2}
          placeholder={t('theories.filters.status')}
          aria-label={t('theories.filters.status')}
          value={filters.status}
          onChange={(status) => change({ status: STATUSES.filter((s) => status.includes(s)) })}
          options={STATUSES.map((status) => ({ value: status, label: statusName(status, t) }))}
          style={{ width: 220 }}
          data-testid="filter-status"
        />
        <Select<string>
          allowClear
          showSearch={{ optionFilterProp: 'label' }}
          placeholder={t('theories.filters.owner')}
          aria-label={t('theories.filters.owner')}
          value={filters.owner ?? undefined}
          onChange={(owner) => change({ owner: owner ?? null })}
          options={ownerOptions}
          style={{ width: 170 }}
          data-testid="filter-owner"
        />
        <DatePicker.RangePicker
          allowEmpty={[true, true]}
          placeholder={[t('theories.filters.from'), t('theories.filters.to')]}
          aria-label={t('theories.filters.period')}
          value={range}
          onChange={(dates) =>
            change({
              from: dates?.[0] ? dates[0].format('YYYY-MM-DD') : null,
              to: dates?.[1] ? dates[1].format('YYYY-MM-DD') : null,
            })
          }
          format={dateFormat(language)}
          style={{ width: 250 }}
          data-testid="filter-period"
        />
        <Button
          type="link"
          disabled={!filtered}
          onClick={() => {
            setSearch('');
            updateFilters((current) => ({ ...NO_FILTERS, sort: current.sort, size: current.size }));
          }}
          style={{ paddingInline: 4 }}
          data-testid="filters-reset"
        >
          {t('theories.filters.reset')}
        </Button>
        <div style={{ flex: 1 }} />
        <Tooltip title={t('theories.filters.refresh')}>
          <Button
            icon={<ReloadOutlined />}
            aria-label={t('theories.filters.refresh')}
            loading={list.isFetching}
            onClick={() => void list.refetch()}
          />
        </Tooltip>
      </Flex>
    </Card>
  );
}
