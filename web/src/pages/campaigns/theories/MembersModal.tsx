import { Alert, Button, Checkbox, Flex, Input, Modal, Radio, Select, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';

import { errorMessage } from '../../../api/errors';
import { roleAllows } from '../../../auth/roles';
import { useCurrentUser } from '../../../auth/useSession';
import { ErrorAlert } from '../../../components/ErrorAlert';
import { formatCount, formatDateTime } from '../../../lib/format';
import { renderCode } from '../../../i18n/codes/render';
import {
  useChangeMembers,
  useUploadChoices,
  type Campaign,
  type MemberGroup,
  type MembersAction,
  type MembersReport,
} from './api';
import { pastedValues } from './members';
import { channelName } from './status';

const { Text } = Typography;

type Source = 'paste' | 'upload';

/** The report's counts in the order a reader checks them; a count only where the action has it. */
const COUNTS: { key: keyof MembersReport; color: (n: number) => string; only?: MembersAction }[] = [
  { key: 'received', color: () => 'default' },
  { key: 'valid', color: (n) => (n > 0 ? 'green' : 'default') },
  { key: 'invalid', color: (n) => (n > 0 ? 'red' : 'default') },
  { key: 'duplicate', color: (n) => (n > 0 ? 'orange' : 'default') },
  { key: 'normalized', color: (n) => (n > 0 ? 'blue' : 'default') },
  { key: 'already_member', color: (n) => (n > 0 ? 'orange' : 'default'), only: 'add' },
  { key: 'global_control', color: (n) => (n > 0 ? 'orange' : 'default'), only: 'add' },
  { key: 'not_member', color: (n) => (n > 0 ? 'orange' : 'default'), only: 'remove' },
];

function ReportView({ report }: { report: MembersReport }) {
  const { t, i18n } = useTranslation();
  const language = i18n.resolvedLanguage ?? 'ru';
  const count = (n: number) => formatCount(n, language);
  return (
    <Flex vertical gap={12} data-testid="members-report">
      <Alert
        type={report.changed > 0 ? 'success' : 'warning'}
        showIcon
        title={<span data-testid="members-changed">{t(`theories.membersModal.report.title.${report.action}`, { n: count(report.changed) })}</span>}
        description={t('theories.membersModal.report.sizes', {
          target: count(report.target_count),
          control: count(report.control_count),
        })}
      />
      <Flex wrap gap={6}>
        {COUNTS.filter((item) => !item.only || item.only === report.action).map(({ key, color }) => {
          const value = Number(report[key]);
          return (
            <Tag key={key} color={color(value)} style={{ marginInlineEnd: 0 }} data-testid={`members-count-${key}`}>
              {t(`theories.membersModal.report.${key}`)}: {count(value)}
            </Tag>
          );
        })}
      </Flex>
      <BlockedView report={report} />
      {Object.entries(report.channels).map(([channel, dropouts]) => (
        <Text key={channel} type="secondary" style={{ fontSize: 12 }}>
          {t('theories.membersModal.report.channel', {
            channel: channelName(channel, t),
            eligible: count(dropouts.eligible),
            dropped: count(dropouts.dropped),
          })}
        </Text>
      ))}
      {report.invalid_examples.length > 0 ? (
        <Flex vertical gap={4}>
          <Text strong>{t('theories.membersModal.report.examples')}</Text>
          <Table<{ key: number; input: string; reason: string }>
            size="small"
            pagination={false}
            dataSource={report.invalid_examples.map((example, index) => ({
              key: index,
              input: example.input ?? '',
              reason: renderCode(t, language, example.code, example.params),
            }))}
            columns={[
              {
                title: t('theories.membersModal.report.input'),
                dataIndex: 'input',
                key: 'input',
                width: 160,
                render: (input: string) => <Text code>{input}</Text>,
              },
              {
                title: t('theories.membersModal.report.reason'),
                dataIndex: 'reason',
                key: 'reason',
              },
            ]}
            data-testid="members-examples"
          />
        </Flex>
      ) : null}
    </Flex>
  );
}

/**
 * The campaign's suppression steps that blocked added IINs (each step tested on its own, so a
 * customer may count under several), with up to five IINs each; when forced, they were added.
 */
export function BlockedView({ report }: { report: MembersReport }) {
  const { t, i18n } = useTranslation();
  const language = i18n.resolvedLanguage ?? 'ru';
  if (!report.blocked.length) return null;
  const count = (n: number) => formatCount(n, language);
  return (
    <Alert
      type={report.forced ? 'error' : 'warning'}
      showIcon
      data-testid="members-blocked"
      title={
        <span data-testid="members-blocked-title">
          {t(report.forced ? 'theories.membersModal.blocked.forcedTitle' : 'theories.membersModal.blocked.title', {
            n: count(report.blocked_total),
          })}
        </span>
      }
      description={
        <Flex vertical gap={4}>
          {report.blocked.map((reason, index) => (
            <Flex key={`${reason.code}-${index}`} wrap gap={6} align="baseline" data-testid="members-blocked-reason">
              <Text strong>{renderCode(t, language, reason.code, reason.params)}</Text>
              <Text>— {count(reason.count)}</Text>
              {reason.sample.length ? (
                <Text type="secondary" style={{ fontSize: 12 }}>
                  {t('theories.membersModal.blocked.sample')}{' '}
                  {reason.sample.map((iin) => (
                    <Text key={iin} code>
                      {iin}
                    </Text>
                  ))}
                </Text>
              ) : null}
            </Flex>
          ))}
          {report.forced ? null : <Text type="secondary">{t('theories.membersModal.blocked.notAdded')}</Text>}
        </Flex>
      }
    />
  );
}

/**
 * Add IINs to, or remove them from, a group of a deployed campaign: pasted, or an upload's; the
 * server validates them (as uploads are) and answers with a report, shown here.
 */
export function MembersModal({ campaign, open, onClose }: { campaign: Campaign; open: boolean; onClose: () => void }) {
  const { t, i18n } = useTranslation();
  const language = i18n.resolvedLanguage ?? 'ru';
  const change = useChangeMembers();
  const [action, setAction] = useState<MembersAction>('add');
  const [group, setGroup] = useState<MemberGroup>('target');
  const [source, setSource] = useState<Source>('paste');
  const [text, setText] = useState('');
  const [uploadId, setUploadId] = useState<string | null>(null);
  const [report, setReport] = useState<MembersReport | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [force, setForce] = useState(false);
  const isAdmin = roleAllows(useCurrentUser()?.role, 'admin');
  const checked = action === 'add' && group === 'target';
  const uploads = useUploadChoices(open && source === 'upload');
  const ready = (uploads.data ?? []).filter((upload) => upload.id && upload.status === 'ready');
  const values = pastedValues(text);
  const canSend = source === 'paste' ? values.length > 0 : uploadId !== null;

  const startOver = () => {
    setReport(null);
    setError(null);
    change.reset();
  };

  const close = () => {
    startOver();
    setText('');
    setUploadId(null);
    setForce(false);
    onClose();
  };

  const send = async () => {
    if (!canSend) return;
    setError(null);
    try {
      const answer = await change.mutateAsync({
        code: campaign.code,
        action,
        group,
        source: source === 'paste' ? { iins: values } : { upload_id: uploadId ?? '' },
        force: isAdmin && checked && force,
      });
      setReport(answer);
      setText('');
    } catch (caught) {
      setError(errorMessage(caught, t));
    }
  };

  const footer = report ? (
    <Flex justify="flex-end" gap={8}>
      <Button onClick={startOver}>{t('theories.membersModal.again')}</Button>
      <Button type="primary" onClick={close}>
        {t('theories.membersModal.close')}
      </Button>
    </Flex>
  ) : (
    <Flex justify="flex-end" gap={8}>
      <Button onClick={close}>{t('theories.membersModal.close')}</Button>
      <Button
        type="primary"
        danger={action === 'remove'}
        disabled={!canSend}
        loading={change.isPending}
        onClick={() => void send()}
        data-testid="members-submit"
      >
        {t(`theories.membersModal.submit.${action}`)}
      </Button>
    </Flex>
  );

  return (
    <Modal
      open={open}
      title={t('theories.membersModal.title', { code: campaign.code })}
      onCancel={close}
      footer={footer}
      width={640}
      destroyOnHidden
    >
      {report ? (
        <ReportView report={report} />
      ) : (
        <Flex vertical gap={14}>
          {error ? (
            <Alert type="error" showIcon title={t('theories.membersModal.failed')} description={error} role="alert" />
          ) : null}
          <Flex wrap gap={24}>
            <Flex vertical gap={6}>
              <Text strong>{t('theories.membersModal.action')}</Text>
              <Radio.Group
                optionType="button"
                value={action}
                onChange={(event) => setAction(event.target.value as MembersAction)}
                aria-label={t('theories.membersModal.action')}
                options={[
                  { value: 'add', label: t('theories.membersModal.add') },
                  { value: 'remove', label: t('theories.membersModal.remove') },
                ]}
              />
            </Flex>
            <Flex vertical gap={6}>
              <Text strong>{t('theories.membersModal.group')}</Text>
              <Radio.Group
                optionType="button"
                value={group}
                onChange={(event) => setGroup(event.target.value as MemberGroup)}
                aria-label={t('theories.membersModal.group')}
                options={[
                  { value: 'target', label: `${t('theories.membersModal.target')} · ${formatCount(campaign.target_count, language)}` },
                  { value: 'control', label: `${t('theories.membersModal.control')} · ${formatCount(campaign.control_count, language)}` },
                ]}
              />
            </Flex>
            <Flex vertical gap={6}>
              <Text strong>{t('theories.membersModal.source')}</Text>
              <Radio.Group
                optionType="button"
                value={source}
                onChange={(event) => setSource(event.target.value as Source)}
                aria-label={t('theories.membersModal.source')}
                options={[
                  { value: 'paste', label: t('theories.membersModal.paste') },
                  { value: 'upload', label: t('theories.membersModal.upload') },
                ]}
              />
            </Flex>
          </Flex>

          {source === 'paste' ? (
            <Flex vertical gap={4}>
              <Input.TextArea
                aria-label={t('theories.membersModal.iins')}
                placeholder={t('theories.membersModal.iinsPlaceholder')}
                value={text}
                onChange={(event) => setText(event.target.value)}
                autoSize={{ minRows: 5, maxRows: 12 }}
                style={{ fontFamily: 'monospace' }}
                data-testid="members-iins"
              />
              <Text type="secondary" style={{ fontSize: 12 }} data-testid="members-recognized">
                {t('theories.membersModal.recognized', { n: formatCount(values.length, language) })}
              </Text>
            </Flex>
          ) : uploads.isError ? (
            <ErrorAlert title={t('theories.membersModal.uploadsError')} error={uploads.error} onRetry={() => void uploads.refetch()} />
          ) : (
            <Flex vertical gap={4}>
              <Text strong>{t('theories.membersModal.chooseUpload')}</Text>
              <Select<string>
                showSearch={{ optionFilterProp: 'label' }}
                aria-label={t('theories.membersModal.chooseUpload')}
                placeholder={t('theories.membersModal.chooseUploadPlaceholder')}
                loading={uploads.isPending}
                value={uploadId ?? undefined}
                onChange={(id) => setUploadId(id)}
                options={ready.map((upload) => ({
                  value: upload.id ?? '',
                  label: t('theories.membersModal.uploadOption', {
                    filename: upload.filename,
                    unique: formatCount(upload.unique_iins, language),
                    date: formatDateTime(upload.created_at, language) ?? '',
                  }),
                }))}
                notFoundContent={uploads.isPending ? undefined : t('theories.membersModal.noUploads')}
                data-testid="members-upload"
              />
            </Flex>
          )}
          {checked ? (
            <Text type="secondary" style={{ fontSize: 12 }}>
              {t('theories.membersModal.globalControlNote')}
            </Text>
          ) : null}
          {checked && isAdmin ? (
            <Flex vertical gap={6}>
              <Checkbox checked={force} onChange={(event) => setForce(event.target.checked)} data-testid="members-force">
                {t('theories.membersModal.force')}
              </Checkbox>
              {force ? (
                <Alert type="warning" showIcon title={t('theories.membersModal.forceWarning')} data-testid="members-force-warning" />
              ) : null}
            </Flex>
          ) : null}
        </Flex>
      )}
    </Modal>
  );
}
