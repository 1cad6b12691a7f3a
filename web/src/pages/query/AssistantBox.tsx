import { BulbOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Flex, Input } from 'antd';
import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';

import { ErrorAlert } from '../../components/ErrorAlert';
import { askAssistant, type QuerySpec, useAssistantStatus } from './api';

const LANGUAGES = ['ru', 'kk', 'en'] as const;
type Language = (typeof LANGUAGES)[number];

/** The notebook shows one level of conditions: nested AND/OR groups of a spec are not shown. */
function hasNestedGroups(spec: Record<string, unknown>): boolean {
  return ((spec as unknown as QuerySpec).filters?.filters ?? []).some((f) => f.kind === 'group');
}

/**
 * The SQL assistant's box: a question becomes a query spec that fills the notebook's steps for
 * the analyst to review and edit; it never runs anything. Hidden unless the server has a model.
 */
export function AssistantBox({ onSpec }: { onSpec: (spec: Record<string, unknown>) => void }) {
  const { t, i18n } = useTranslation();
  const status = useAssistantStatus();
  const [question, setQuestion] = useState('');
  const language: Language = LANGUAGES.find((l) => i18n.language?.startsWith(l)) ?? 'ru';
  const ask = useMutation({
    mutationFn: (text: string) => askAssistant(text, language),
    onSuccess: (spec) => onSpec(spec),
  });
  if (!status.data?.enabled) return null;
  const submit = () => {
    const text = question.trim();
    if (text) ask.mutate(text);
  };
  return (
    <Card size="small" title={<><BulbOutlined /> {t('query.assistant.title')}</>} data-testid="assistant-box">
      <Flex vertical gap={8}>
        <Input.TextArea
          value={question}
          onChange={(e) => setQuestion(e.target.value)}
          placeholder={t('query.assistant.placeholder')}
          aria-label={t('query.assistant.question')}
          autoSize={{ minRows: 2, maxRows: 5 }}
          maxLength={1000}
          onPressEnter={(e) => {
            if (e.ctrlKey || e.metaKey) submit();
          }}
        />
        <Flex gap={8} align="center">
          <Button type="primary" ghost onClick={submit} loading={ask.isPending} disabled={!question.trim()}>
            {t('query.assistant.ask')}
          </Button>
        </Flex>
        {ask.isError ? <ErrorAlert title={t('query.assistant.error')} error={ask.error} /> : null}
        {ask.isSuccess ? <Alert type="info" showIcon title={t('query.assistant.review')} data-testid="assistant-review" /> : null}
        {ask.data && hasNestedGroups(ask.data) ? <Alert type="warning" showIcon title={t('query.assistant.partial')} /> : null}
      </Flex>
    </Card>
  );
}
