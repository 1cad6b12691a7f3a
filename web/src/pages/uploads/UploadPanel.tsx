import { InboxOutlined, ReloadOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Col, Flex, Form, Progress, Radio, Row, Select, Space, Typography, Upload } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';

import { formatBytes, formatCount } from '../../lib/format';
import { jobStageText } from '../../lib/jobs';
import { describeUploadProblem, type Picker } from './messages';
import { ACCEPTED_EXTENSIONS, type UploadChoices, type UploadMode, type UploadPurpose } from './types';
import type { UploadFlow } from './useUploads';

const { Text } = Typography;

/** Choose an IIN column or a sheet the server asked about, and send the same file again. */
function ResubmitPicker({
  picker,
  initial,
  onSubmit,
  disabled,
}: {
  picker: Picker;
  initial?: string;
  onSubmit: (value: string) => void;
  disabled?: boolean;
}) {
  const { t } = useTranslation();
  const [value, setValue] = useState<string | undefined>(
    initial && picker.options.includes(initial) ? initial : picker.options[0],
  );
  const label = picker.kind === 'column' ? t('uploads.iinColumn') : t('uploads.sheet');
  return (
    <Space wrap size={8} data-testid={`picker-${picker.kind}`}>
      <Text>{label}:</Text>
      <Select
        aria-label={label}
        style={{ minWidth: 220 }}
        value={value}
        onChange={setValue}
        options={picker.options.map((option) => ({ value: option, label: option }))}
        disabled={disabled}
      />
      <Button
        type="primary"
        icon={<ReloadOutlined />}
        disabled={!value || disabled}
        onClick={() => value && onSubmit(value)}
      >
        {picker.kind === 'column' ? t('uploads.errors.retry') : t('uploads.report.otherSheet')}
      </Button>
    </Space>
  );
}

function Progressing({ flow }: { flow: UploadFlow }) {
  const { t, i18n } = useTranslation();
  const language = i18n.resolvedLanguage ?? 'ru';
  const { phase } = flow;
  let label: string;
  let detail: string | null = null;
  let percent: number;
  if (phase.kind === 'sending') {
    label = t('uploads.progress.sending', { filename: flow.file?.name ?? '' });
    percent = phase.total > 0 ? Math.floor((phase.loaded / phase.total) * 100) : 0;
    detail = t('uploads.progress.bytes', {
      sent: formatBytes(phase.loaded, language),
      total: formatBytes(phase.total, language),
    });
  } else if (phase.kind === 'job') {
    label = t('uploads.progress.job');
    percent = Math.floor(phase.progress * 100);
    detail = jobStageText(phase.stage, t) ?? t('uploads.progress.queued');
  } else {
    label = t('uploads.progress.checking');
    percent = 100;
  }
  return (
    <div data-testid="upload-progress" data-phase={phase.kind} data-percent={percent}>
      <Flex justify="space-between" align="baseline" gap={12}>
        <Text>{label}</Text>
        <Button size="small" onClick={flow.cancel}>
          {t('uploads.progress.cancel')}
        </Button>
      </Flex>
      <Progress percent={percent} status="active" />
      {detail ? (
        <Text type="secondary" style={{ fontSize: 12 }}>
          {detail}
        </Text>
      ) : null}
    </div>
  );
}

/** The upload form: purpose and mode, the drop zone, then progress, problems and pickers. */
export function UploadPanel({ flow }: { flow: UploadFlow }) {
  const { t, i18n } = useTranslation();
  const language = i18n.resolvedLanguage ?? 'ru';
  const [purpose, setPurpose] = useState<UploadPurpose>('audience');
  const [mode, setMode] = useState<UploadMode>('skip');
  const { phase } = flow;

  // A new file is sent with what the form says; the server finds the IIN column and sheet itself.
  const send = (file: File) => flow.start(file, { purpose, mode });
  // The same file again, with the column or sheet the user picked.
  const resend = (extra: Partial<UploadChoices>) => {
    if (flow.file) flow.start(flow.file, { ...(flow.choices ?? { purpose, mode }), purpose, mode, ...extra });
  };

  const problem = phase.kind === 'failed' ? describeUploadProblem(phase.error, t) : null;
  const done = phase.kind === 'done' ? phase.report : null;
  const severalSheets = done?.sheets && done.sheets.length > 1 ? done.sheets : null;

  return (
    <Card title={t('uploads.newUpload')} size="small" data-testid="upload-panel">
      <Row gutter={[24, 16]}>
        <Col xs={24} lg={9} xl={8}>
          <Form layout="vertical" requiredMark={false} style={{ marginBottom: -12 }}>
            <Form.Item label={t('uploads.purpose')} style={{ marginBottom: 12 }}>
              <Radio.Group
                optionType="button"
                buttonStyle="solid"
                value={purpose}
                onChange={(event) => setPurpose(event.target.value as UploadPurpose)}
                disabled={flow.busy}
                aria-label={t('uploads.purpose')}
                options={[
                  { value: 'audience', label: t('uploads.purposes.audience') },
                  { value: 'suppression', label: t('uploads.purposes.suppression') },
                ]}
              />
            </Form.Item>
            <Form.Item label={t('uploads.mode')} help={t(`uploads.modeHelp.${mode}`)} style={{ marginBottom: 12 }}>
              <Radio.Group
                optionType="button"
                buttonStyle="solid"
                value={mode}
                onChange={(event) => setMode(event.target.value as UploadMode)}
                disabled={flow.busy}
                aria-label={t('uploads.mode')}
                options={[
                  { value: 'skip', label: t('uploads.modes.skip') },
                  { value: 'strict', label: t('uploads.modes.strict') },
                ]}
              />
            </Form.Item>
          </Form>
        </Col>
        <Col xs={24} lg={15} xl={16}>
          <Space orientation="vertical" size={12} style={{ width: '100%' }}>
            <Upload.Dragger
              name="file"
              accept={ACCEPTED_EXTENSIONS.join(',')}
              multiple={false}
              showUploadList={false}
              fileList={[]}
              disabled={flow.busy}
              beforeUpload={(file) => {
                send(file);
                return false;
              }}
              data-testid="upload-dropzone"
            >
              <p className="ant-upload-drag-icon" style={{ marginBottom: 8 }}>
                <InboxOutlined />
              </p>
              <p className="ant-upload-text">{t('uploads.drop')}</p>
              <p className="ant-upload-hint" style={{ paddingInline: 16 }}>
                {t('uploads.dropHint')}
              </p>
            </Upload.Dragger>

            {flow.busy ? <Progressing flow={flow} /> : null}

            {phase.kind === 'cancelled' ? <Alert type="info" showIcon title={t('uploads.progress.cancelled')} /> : null}

            {problem ? (
              <Alert
                type={problem.picker ? 'warning' : 'error'}
                showIcon
                role="alert"
                data-testid="upload-problem"
                title={problem.title}
                description={
                  problem.description || problem.picker ? (
                    <Space orientation="vertical" size={8}>
                      {problem.description ? <span>{problem.description}</span> : null}
                      {problem.picker ? (
                        <ResubmitPicker
                          // A new answer starts a new choice.
                          key={`${problem.picker.kind}:${problem.picker.options.join('|')}`}
                          picker={problem.picker}
                          initial={problem.picker.kind === 'column' ? flow.choices?.iinColumn : flow.choices?.sheet}
                          onSubmit={(value) =>
                            resend(problem.picker?.kind === 'column' ? { iinColumn: value } : { sheet: value })
                          }
                        />
                      ) : null}
                    </Space>
                  ) : undefined
                }
              />
            ) : null}

            {done ? (
              <Alert
                type="success"
                showIcon
                data-testid="upload-done"
                title={t('uploads.uploaded', {
                  filename: done.filename,
                  unique: formatCount(done.unique_iins, language),
                })}
                description={
                  severalSheets ? (
                    <Space orientation="vertical" size={8}>
                      <span>{t('uploads.report.sheetsHint', { sheet: done.sheet ?? '' })}</span>
                      <ResubmitPicker
                        key={done.id ?? done.filename}
                        picker={{ kind: 'sheet', options: severalSheets.filter((sheet) => sheet !== done.sheet) }}
                        onSubmit={(sheet) => resend({ sheet })}
                      />
                    </Space>
                  ) : undefined
                }
              />
            ) : null}
          </Space>
        </Col>
      </Row>
    </Card>
  );
}
