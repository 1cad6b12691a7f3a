import { Alert, App, Form, Input, Modal, Select } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';

import { ROLES } from '../../auth/roles';
import { errorMessage } from '../../api/errors';
import type { Role } from '../../auth/session';
import { RoleTag } from './RoleTag';
import { useCreateUser } from './useUsers';

interface AddUserValues {
  username: string;
  display_name?: string;
  email?: string;
  role: Role;
  password?: string;
}

const blankToNull = (value: string | undefined) => (value && value.trim() ? value.trim() : null);

/**
 * Adds a user. The password field is there when the sign-in backend is local (`localBackend`,
 * inferred by the page from users that have a password); with LDAP the directory has the password,
 * and the form says so. Whatever the form lets through, the server's 422/409 detail is shown.
 */
export function AddUserModal({ open, onClose, localBackend }: { open: boolean; onClose: () => void; localBackend: boolean }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<AddUserValues>();
  const create = useCreateUser();
  const [error, setError] = useState<string | null>(null);

  const close = () => {
    setError(null);
    create.reset();
    form.resetFields();
    onClose();
  };

  const submit = async (values: AddUserValues) => {
    setError(null);
    try {
      const user = await create.mutateAsync({
        username: values.username.trim(),
        role: values.role,
        enabled: true,
        display_name: blankToNull(values.display_name),
        email: blankToNull(values.email),
        password: localBackend ? (values.password ? values.password : null) : null,
      });
      void message.success(t('users.created', { username: user.username }));
      close();
    } catch (caught) {
      setError(errorMessage(caught, t));
    }
  };

  return (
    <Modal
      open={open}
      title={t('users.form.title')}
      okText={t('users.form.submit')}
      cancelText={t('users.cancel')}
      onOk={() => form.submit()}
      onCancel={close}
      confirmLoading={create.isPending}
      // Keep the form mounted while hidden so that `form` stays connected; close() resets it.
      forceRender
    >
      {error ? <Alert type="error" showIcon title={error} role="alert" style={{ marginBottom: 16 }} /> : null}
      <Form<AddUserValues>
        form={form}
        layout="vertical"
        initialValues={{ role: 'user' }}
        onFinish={(values) => void submit(values)}
        requiredMark="optional"
        name="add-user"
      >
        <Form.Item
          name="username"
          label={t('users.form.username')}
          extra={t('users.form.usernameHelp')}
          rules={[
            { required: true, whitespace: true, message: t('users.form.required') },
            { pattern: /^\s*[A-Za-z0-9._-]+\s*$/, message: t('users.form.usernamePattern') },
          ]}
        >
          <Input autoComplete="off" maxLength={100} />
        </Form.Item>
        <Form.Item name="display_name" label={t('users.form.displayName')}>
          <Input maxLength={200} />
        </Form.Item>
        <Form.Item name="email" label={t('users.form.email')}>
          <Input type="email" maxLength={200} />
        </Form.Item>
        <Form.Item name="role" label={t('users.form.role')} rules={[{ required: true, message: t('users.form.required') }]}>
          <Select<Role>
            options={ROLES.map((role) => ({ value: role, label: t(`roles.${role}`) }))}
            labelRender={({ value }) => <RoleTag role={value as Role} />}
          />
        </Form.Item>
        {localBackend ? (
          <Form.Item name="password" label={t('users.form.password')} extra={t('users.form.passwordHelp')}>
            <Input.Password autoComplete="new-password" maxLength={256} />
          </Form.Item>
        ) : (
          <Alert type="info" showIcon title={t('users.form.ldapNote')} />
        )}
      </Form>
    </Modal>
  );
}
