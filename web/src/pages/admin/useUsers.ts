import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';

import { api } from '../../api/client';
import { toApiError, unwrap } from '../../api/errors';
import type { components } from '../../api/schema';

export type User = components['schemas']['UserOut'];
export type UserCreate = components['schemas']['UserCreate'];
export type UserUpdate = components['schemas']['UserUpdate'];

export const USERS_KEY = ['users'] as const;

export function useUsers() {
  return useQuery({
    queryKey: USERS_KEY,
    queryFn: async ({ signal }) => unwrap(await api.GET('/api/v1/users', { signal })),
  });
}

/** After any change: the list, and the audit log that now has a row more. */
function useInvalidate() {
  const queryClient = useQueryClient();
  return () =>
    Promise.all([
      queryClient.invalidateQueries({ queryKey: USERS_KEY }),
      queryClient.invalidateQueries({ queryKey: ['audit'] }),
    ]);
}

export function useCreateUser() {
  const invalidate = useInvalidate();
  return useMutation({
    mutationFn: async (body: UserCreate) => unwrap(await api.POST('/api/v1/users', { body })),
    onSettled: invalidate,
  });
}

export function useUpdateUser() {
  const invalidate = useInvalidate();
  return useMutation({
    mutationFn: async ({ username, ...body }: UserUpdate & { username: string }) =>
      unwrap(await api.PATCH('/api/v1/users/{username}', { params: { path: { username } }, body })),
    onSettled: invalidate,
  });
}

export function useDeleteUser() {
  const invalidate = useInvalidate();
  return useMutation({
    mutationFn: async ({ username, password }: { username: string; password: string }) => {
      const { response, error } = await api.DELETE('/api/v1/users/{username}', {
        params: { path: { username } },
        body: { password },
      });
      // 204: no body to unwrap.
      if (!response.ok) throw toApiError(error, response);
    },
    onSettled: invalidate,
  });
}
