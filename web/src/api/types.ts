import type { paths } from './schema';

type JsonOk<P extends keyof paths, M extends keyof paths[P]> = paths[P][M] extends {
  responses: { 200: { content: { 'application/json': infer Body } } };
}
  ? Body
  : never;

export type Health = JsonOk<'/api/v1/health', 'get'>;
export type DatasetList = JsonOk<'/api/v1/datasets', 'get'>;
export type Dataset = DatasetList['items'][number];
export type DatasetColumn = Dataset['columns'][number];
