/** Job progress stages the server reports as `job.stage.<x>` (keys `codes.job.stage.<x>`). */

export const ru = {
  job: {
    stage: {
      start: 'Задача запущена',
      done: 'Готово',
      failed: 'Задача не выполнена',
      detect_format: 'Определение формата',
      read: 'Чтение файла',
      validate: 'Проверка ИИН',
      store: 'Сохранение набора данных',
      split: 'Разделение аудитории',
      write_target: 'Запись целевой группы (mb22_local_target): {{done}} из {{total}} строк',
      write_control: 'Запись контрольной группы (mb21_local_control): {{done}} из {{total}} строк',
      write_deliveries: 'Запись списка рассылки (fd_rb2_campaigns_users): {{done}} из {{total}} строк',
      write_contacts: 'Запись истории контактов (off_limit_campaigns_users): {{done}} из {{total}} строк',
      commit: 'Фиксация транзакции',
      export_rows: 'Запись файла: {{done}} из {{total}} строк',
      generate: 'Создание демо-данных',
      load: 'Загрузка наборов данных',
    },
  },
};

export const kk = {
  job: {
    stage: {
      start: 'Тапсырма іске қосылды',
      done: 'Дайын',
      failed: 'Тапсырма орындалмады',
      detect_format: 'Пішімді анықтау',
      read: 'Файлды оқу',
      validate: 'ЖСН тексеру',
      store: 'Деректер жинағын сақтау',
      split: 'Аудиторияны бөлу',
      write_target: 'Мақсатты топты жазу (mb22_local_target): {{total}} жолдың {{done}}',
      write_control: 'Бақылау тобын жазу (mb21_local_control): {{total}} жолдың {{done}}',
      write_deliveries: 'Тарату тізімін жазу (fd_rb2_campaigns_users): {{total}} жолдың {{done}}',
      write_contacts: 'Байланыс тарихын жазу (off_limit_campaigns_users): {{total}} жолдың {{done}}',
      commit: 'Транзакцияны бекіту',
      export_rows: 'Файлды жазу: {{total}} жолдың {{done}}',
      generate: 'Демо деректерді жасау',
      load: 'Деректер жинақтарын жүктеу',
    },
  },
};

export const en = {
  job: {
    stage: {
      start: 'Job started',
      done: 'Done',
      failed: 'The job failed',
      detect_format: 'Detecting the format',
      read: 'Reading the file',
      validate: 'Validating IINs',
      store: 'Storing the dataset',
      split: 'Splitting the audience',
      write_target: 'Writing the target group (mb22_local_target): {{done}} of {{total}} rows',
      write_control: 'Writing the control group (mb21_local_control): {{done}} of {{total}} rows',
      write_deliveries: 'Writing the delivery list (fd_rb2_campaigns_users): {{done}} of {{total}} rows',
      write_contacts: 'Writing the contact history (off_limit_campaigns_users): {{done}} of {{total}} rows',
      commit: 'Committing',
      export_rows: 'Writing the file: {{done}} of {{total}} rows',
      generate: 'Generating the demo data',
      load: 'Loading the datasets',
    },
  },
};
