import type { components } from '../../../api/schema';

type Schemas = components['schemas'];

/** The audience spec as the API takes it (DESIGN §4; src/dataquery/audiences/spec.py). */
export type AudienceSpec = Schemas['AudienceSpec-Input'];
export type SpecFilter = NonNullable<AudienceSpec['filters']>[number];
export type SpecSource = NonNullable<AudienceSpec['source']>;
export type FilterKind = SpecFilter['kind'];
export type SpecRank = Schemas['Rank'];

export type AudienceOptions = Schemas['OptionsOut'];
export type SuppressionListOption = Schemas['ListOption'];
export type ProductOption = Schemas['ProductOption'];
export type StreamOption = Schemas['StreamOut'];
export type FilialOption = Schemas['FilialOut'];
export type PushEventTypeOption = Schemas['PushEventTypeOut'];
export type ChannelOption = Schemas['ChannelOut'];

export type Preview = Schemas['PreviewOut'];
export type FunnelStep = Schemas['FunnelStep'];
export type SampleRow = Schemas['SampleRow'];
export type Bucket = Schemas['Bucket'];
export type Distributions = Schemas['Distributions'];

export type ExplainResult = Schemas['ExplainOut'];
export type ExplainStep = Schemas['ExplainStep'];

export type SavedAudience = Schemas['AudienceOut'];
export type AudienceSummary = Schemas['AudienceSummary'];
export type UploadSummary = Schemas['UploadSummary'];

export type Gender = Schemas['GenderFilter']['values'][number];
export type Device = Schemas['DeviceFilter']['values'][number];
export type StreamGroup = NonNullable<Schemas['StreamFilter']['exclude']>[number];

export type AudienceVersion = Schemas['AudienceVersion'];

/** The saved audience (one version) open in the builder: a save may make the next version of it. */
export interface EditedAudience {
  id: string;
  familyId: string;
  version: number;
  name: string;
}

export type ColumnOption = Schemas['ColumnOption'];
export type ColumnKind = ColumnOption['type'];
export type ColumnFilterSpec = Schemas['ColumnFilter'];
export type ColumnOp = ColumnFilterSpec['op'];
export type ColumnValue = boolean | number | string;
export type ExplainGroup = Schemas['ExplainGroup'];
export type Reachability = Schemas['Reachability'];
export type Overlap = Schemas['Overlap'];
export type OverlapCampaign = Schemas['OverlapCampaign'];
