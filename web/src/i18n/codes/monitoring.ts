/** Codes of the metrics endpoint and of the run-time settings (keys `codes.<code>`). */

export const ru = {
  metrics: {
    bad_token: 'Неверный токен метрик.',
    token_required: 'Для чтения метрик нужен токен (DQ_METRICS_TOKEN).',
    network_denied: 'С этого адреса читать метрики нельзя (DQ_METRICS_ALLOW_NETWORKS).',
  },
  settings: {
    job_threshold_above_max:
      'Порог фоновой обработки ({{upload_job_threshold_mb}} МБ) не может быть больше наибольшего файла ({{upload_max_mb}} МБ).',
  },
};

export const kk = {
  metrics: {
    bad_token: 'Метрикалар токені қате.',
    token_required: 'Метрикаларды оқу үшін токен керек (DQ_METRICS_TOKEN).',
    network_denied: 'Бұл мекенжайдан метрикаларды оқуға болмайды (DQ_METRICS_ALLOW_NETWORKS).',
  },
  settings: {
    job_threshold_above_max:
      'Фондық өңдеу шегі ({{upload_job_threshold_mb}} МБ) ең үлкен файлдан ({{upload_max_mb}} МБ) көп бола алмайды.',
  },
};

export const en = {
  metrics: {
    bad_token: 'Wrong metrics token.',
    token_required: 'Reading the metrics needs the token (DQ_METRICS_TOKEN).',
    network_denied: 'This address may not read the metrics (DQ_METRICS_ALLOW_NETWORKS).',
  },
  settings: {
    job_threshold_above_max:
      'The background threshold ({{upload_job_threshold_mb}} MB) cannot be above the largest file ({{upload_max_mb}} MB).',
  },
};
