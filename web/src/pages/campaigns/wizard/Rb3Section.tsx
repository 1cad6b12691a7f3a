import { Alert, Card, Col, DatePicker, Input, InputNumber, Row, Select } from 'antd';
import dayjs from 'dayjs';
import { useTranslation } from 'react-i18next';

import { dateFormat, decimalSeparator, TENGE } from '../../../lib/format';
import { controlProps } from './fields';
import { FormField } from './FormField';
import type { FieldErrors, Rb3Form } from './types';
import { BONUS_TYPES } from './types';
import { LIMITS } from './validation';

/** The bonus terms of an RB3 campaign (rb3_tr_campaign_dict): required for RB3, absent for RB1. */
export function Rb3Section({
  rb3,
  errors,
  language,
  onChange,
}: {
  rb3: Rb3Form;
  errors: FieldErrors;
  language: string;
  onChange: (change: Partial<Rb3Form>) => void;
}) {
  const { t } = useTranslation();
  const field = (name: keyof Rb3Form) => `rb3.${name}`;
  const err = (name: keyof Rb3Form) => errors[field(name)];
  const decimal = decimalSeparator(language);
  const unit =
    rb3.bonus_type === 'cashback_pct' ? '%' : rb3.bonus_type === 'fixed' ? TENGE : t('campaign.rb3.pointsUnit');
  return (
    <Card size="small" title={t('campaign.rb3.title')} data-testid="details-rb3">
      {errors.rb3 ? <Alert type="error" showIcon role="alert" title={errors.rb3} style={{ marginBottom: 12 }} /> : null}
      <Row gutter={[16, 12]}>
        <Col xs={24} md={8}>
          <FormField field={field('bonus_type')} label={t('campaign.rb3.bonusType')} required error={err('bonus_type')}>
            <Select
              {...controlProps(field('bonus_type'), err('bonus_type'), true)}
              data-testid="rb3-bonus-type"
              value={rb3.bonus_type ?? undefined}
              onChange={(bonus_type: Rb3Form['bonus_type']) => onChange({ bonus_type })}
              options={BONUS_TYPES.map((type) => ({ value: type, label: t(`campaign.rb3.bonusTypes.${type}`) }))}
              style={{ width: '100%' }}
            />
          </FormField>
        </Col>
        <Col xs={24} md={8}>
          <FormField
            field={field('bonus_value')}
            label={t('campaign.rb3.bonusValue', { unit })}
            required
            error={err('bonus_value')}
          >
            <InputNumber
              {...controlProps(field('bonus_value'), err('bonus_value'), true)}
              data-testid="rb3-bonus-value"
              min={0}
              precision={2}
              decimalSeparator={decimal}
              value={rb3.bonus_value}
              onChange={(value) => onChange({ bonus_value: value ?? null })}
              style={{ width: '100%' }}
            />
          </FormField>
        </Col>
        <Col xs={24} md={8}>
          <FormField
            field={field('bonus_cap')}
            label={t('campaign.rb3.bonusCap')}
            error={err('bonus_cap')}
            hint={t('campaign.rb3.optional')}
          >
            <InputNumber
              {...controlProps(field('bonus_cap'), err('bonus_cap'))}
              min={0}
              precision={2}
              decimalSeparator={decimal}
              value={rb3.bonus_cap}
              onChange={(value) => onChange({ bonus_cap: value ?? null })}
              style={{ width: '100%' }}
            />
          </FormField>
        </Col>
        <Col xs={24} md={8}>
          <FormField field={field('min_txn_amount')} label={t('campaign.rb3.minTxn')} error={err('min_txn_amount')}>
            <InputNumber
              {...controlProps(field('min_txn_amount'), err('min_txn_amount'))}
              min={0}
              precision={2}
              decimalSeparator={decimal}
              value={rb3.min_txn_amount}
              onChange={(value) => onChange({ min_txn_amount: value ?? null })}
              style={{ width: '100%' }}
            />
          </FormField>
        </Col>
        <Col xs={24} md={8}>
          <FormField
            field={field('mcc_codes')}
            label={t('campaign.rb3.mcc')}
            error={err('mcc_codes')}
            hint={t('campaign.rb3.mccHint')}
          >
            <Select
              {...controlProps(field('mcc_codes'), err('mcc_codes'))}
              mode="tags"
              tokenSeparators={[',', ' ', ';']}
              value={rb3.mcc_codes}
              onChange={(mcc_codes: string[]) =>
                onChange({ mcc_codes: mcc_codes.map((code) => code.trim()).filter(Boolean) })
              }
              style={{ width: '100%' }}
            />
          </FormField>
        </Col>
        <Col xs={24} md={8}>
          <FormField field={field('partner')} label={t('campaign.rb3.partner')} error={err('partner')}>
            <Input
              {...controlProps(field('partner'), err('partner'))}
              value={rb3.partner}
              maxLength={LIMITS.partner}
              onChange={(e) => onChange({ partner: e.target.value })}
            />
          </FormField>
        </Col>
        <Col xs={24} md={8}>
          <FormField field={field('accrual_start')} label={t('campaign.rb3.accrualStart')} error={err('accrual_start')}>
            <DatePicker
              {...controlProps(field('accrual_start'), err('accrual_start'))}
              format={dateFormat(language)}
              value={rb3.accrual_start ? dayjs(rb3.accrual_start) : null}
              onChange={(date) => onChange({ accrual_start: date ? date.format('YYYY-MM-DD') : null })}
              style={{ width: '100%' }}
            />
          </FormField>
        </Col>
        <Col xs={24} md={8}>
          <FormField field={field('accrual_end')} label={t('campaign.rb3.accrualEnd')} error={err('accrual_end')}>
            <DatePicker
              {...controlProps(field('accrual_end'), err('accrual_end'))}
              format={dateFormat(language)}
              value={rb3.accrual_end ? dayjs(rb3.accrual_end) : null}
              disabledDate={(date) => Boolean(rb3.accrual_start && date.format('YYYY-MM-DD') < rb3.accrual_start)}
              onChange={(date) => onChange({ accrual_end: date ? date.format('YYYY-MM-DD') : null })}
              style={{ width: '100%' }}
            />
          </FormField>
        </Col>
        <Col xs={24} md={12}>
          <FormField field={field('conditions_ru')} label={t('campaign.rb3.conditionsRu')} error={err('conditions_ru')}>
            <Input.TextArea
              {...controlProps(field('conditions_ru'), err('conditions_ru'))}
              value={rb3.conditions_ru}
              maxLength={LIMITS.conditions}
              autoSize={{ minRows: 2, maxRows: 6 }}
              onChange={(e) => onChange({ conditions_ru: e.target.value })}
            />
          </FormField>
        </Col>
        <Col xs={24} md={12}>
          <FormField field={field('conditions_kz')} label={t('campaign.rb3.conditionsKz')} error={err('conditions_kz')}>
            <Input.TextArea
              {...controlProps(field('conditions_kz'), err('conditions_kz'))}
              value={rb3.conditions_kz}
              maxLength={LIMITS.conditions}
              autoSize={{ minRows: 2, maxRows: 6 }}
              onChange={(e) => onChange({ conditions_kz: e.target.value })}
            />
          </FormField>
        </Col>
      </Row>
    </Card>
  );
}
