import { fireEvent, render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';

import { newFilter, specFiltersOf, type DraftFilter } from './draft';
import { FilterEditor } from './FilterEditor';
import { filterLabel, type LabelContext } from './labels';
import type { AudienceOptions } from './types';

const OPTIONS = {
  feature_store: { loaded: true, customers: 1000, columns: [] },
  suppression_lists: [],
  uploads: [],
  products: [{ code: 'credit_card', rows: 10 }],
  score_columns: [],
  streams: [],
  filials: [],
  push_event_types: [],
  channels: [],
  genders: ['M', 'F'],
  devices: ['android', 'ios', 'none'],
  audiences: [],
  default_spec: { version: 1, filters: [] },
  columns: [
    { name: 'balance_kzt', type: 'number', label: 'balance_kzt', min: 1656.65, max: 10085717.88, null_share: 0 },
    { name: 'gender', type: 'text', label: 'gender', categories: ['F', 'M'], null_share: 0.02 },
    { name: 'is_mau', type: 'boolean', label: 'is_mau', null_share: 0 },
    { name: 'last_active_date', type: 'date', label: 'last_active_date', min: '2021-11-29', max: '2026-11-28', null_share: 0 },
  ],
} as unknown as AudienceOptions;

/** The editor with its draft held in state, and the spec filters it stands for, as JSON. */
function Harness({ start }: { start: DraftFilter }) {
  const { t, i18n } = useTranslation();
  const [filter, setFilter] = useState<DraftFilter>(start);
  const ctx: LabelContext = { t, language: i18n.language, options: OPTIONS, uploads: [], audiences: [] };
  const specs = specFiltersOf(filter);
  return (
    <div>
      <FilterEditor filter={filter} onChange={setFilter} ctx={ctx} />
      <pre data-testid="spec">{JSON.stringify(specs)}</pre>
      <p data-testid="label">{specs[0] ? filterLabel(ctx, specs[0]) : ''}</p>
    </div>
  );
}

const spec = () => JSON.parse(screen.getByTestId('spec').textContent ?? '[]') as unknown[];

/** Open an antd select by its label and pick the option with this title. */
async function choose(user: ReturnType<typeof userEvent.setup>, label: string | HTMLElement, title: string) {
  await user.click(typeof label === 'string' ? screen.getByLabelText(label) : label);
  const options = await screen.findAllByTitle(title);
  await user.click(options[options.length - 1] as HTMLElement);
}

async function openOptions(user: ReturnType<typeof userEvent.setup>, label: string): Promise<string[]> {
  await user.click(screen.getByLabelText(label));
  await screen.findAllByRole('listbox');
  const dropdowns = document.querySelectorAll('.ant-select-dropdown:not(.ant-select-dropdown-hidden)');
  const open = dropdowns[dropdowns.length - 1] as HTMLElement;
  return [...open.querySelectorAll('.ant-select-item-option')].map((o) => o.getAttribute('title') ?? '');
}

describe('the column filter editor', { timeout: 60_000 }, () => {
  it('builds a between filter over a number column, with the column facts shown', async () => {
    const user = userEvent.setup();
    render(<Harness start={newFilter('column')} />);
    expect(spec()).toEqual([]); // no column yet: incomplete, left out of the spec
    await choose(user, 'Столбец', 'Баланс, ₸ (balance_kzt)');
    expect(screen.getByTestId('column-facts')).toHaveTextContent('число');
    expect(screen.getByTestId('column-facts')).toHaveTextContent('пусто у 0');
    await choose(user, 'Условие', 'между (включительно)');
    fireEvent.change(screen.getByLabelText('От'), { target: { value: '100000' } });
    fireEvent.change(screen.getByLabelText('До'), { target: { value: '500000' } });
    fireEvent.blur(screen.getByLabelText('До'));
    expect(spec()).toEqual([{ kind: 'column', column: 'balance_kzt', op: 'between', value: [100000, 500000] }]);
    expect(screen.getByTestId('label').textContent).toMatch(/^Баланс, ₸: от 100.000 до 500.000$/);
  });

  it('offers a text column only the operators that fit it, and its categories as values', async () => {
    const user = userEvent.setup();
    render(<Harness start={newFilter('column')} />);
    await choose(user, 'Столбец', 'Пол (gender)');
    const ops = await openOptions(user, 'Условие');
    expect(ops).toEqual(['равно', 'не равно', 'одно из', 'ни одно из', 'пусто', 'заполнено']);
    await user.click((await screen.findAllByTitle('ни одно из')).at(-1) as HTMLElement);
    await choose(user, 'Значения', 'M');
    expect(spec()).toEqual([{ kind: 'column', column: 'gender', op: 'not_in', value: ['M'] }]);
    expect(screen.getByTestId('label')).toHaveTextContent('Пол: ни одно из M');
  });

  it('asks a boolean column yes or no, and needs no value for "is empty"', async () => {
    const user = userEvent.setup();
    render(<Harness start={newFilter('column')} />);
    await choose(user, 'Столбец', 'Активен в приложении (MAU) (is_mau)');
    await user.click(screen.getByLabelText('нет'));
    expect(spec()).toEqual([{ kind: 'column', column: 'is_mau', op: '=', value: false }]);
    await choose(user, 'Условие', 'пусто');
    expect(screen.queryByLabelText('нет')).not.toBeInTheDocument();
    expect(spec()).toEqual([{ kind: 'column', column: 'is_mau', op: 'is_null' }]);
  });
});

describe('the "Any of (OR)" group editor', { timeout: 60_000 }, () => {
  it('holds inclusion filters only and becomes one any_of filter once two are complete', async () => {
    const user = userEvent.setup();
    render(<Harness start={newFilter('any_of')} />);
    expect(screen.getByText(/Добавьте хотя бы два условия/)).toBeInTheDocument();
    const kinds = await openOptions(user, 'Добавить условие в группу');
    expect(kinds).toContain('Продукты клиента');
    expect(kinds).toContain('Столбец витрины');
    expect(kinds).not.toContain('Стоп-листы');
    expect(kinds).not.toContain('Недавний контакт');
    await user.click((await screen.findAllByTitle('Продукты клиента')).at(-1) as HTMLElement);
    // Inside the group a product filter only keeps owners: no "has not" choice.
    expect(screen.queryByText('нет ни одного')).not.toBeInTheDocument();
    await choose(user, 'Продукты', 'credit_card');
    expect(spec()).toEqual([]); // one condition is not an OR yet

    await choose(user, 'Добавить условие в группу', 'Столбец витрины');
    await choose(user, 'Столбец', 'Баланс, ₸ (balance_kzt)');
    await choose(user, 'Условие', 'не меньше');
    fireEvent.change(screen.getByLabelText('Значение'), { target: { value: '700000' } });
    fireEvent.blur(screen.getByLabelText('Значение'));
    expect(spec()).toEqual([
      {
        kind: 'any_of',
        filters: [
          { kind: 'product', products: ['credit_card'], mode: 'has' },
          { kind: 'column', column: 'balance_kzt', op: '>=', value: 700000 },
        ],
      },
    ]);
    expect(screen.getByTestId('label')).toHaveTextContent('Любое из: Есть продукт: Кредитная карта или Баланс, ₸ ≥ 700');
    expect(screen.getAllByTestId('any-of-item')).toHaveLength(2);
    await user.click(screen.getByLabelText('Удалить фильтр «Продукты клиента»'));
    expect(screen.getAllByTestId('any-of-item')).toHaveLength(1);
    expect(spec()).toEqual([]);
  });
});
