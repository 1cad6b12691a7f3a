/** Backup and restore codes (`backup.*`, said by `dataquery backup` / `dataquery restore`). */

export const ru = {
  backup: {
    out_not_empty: 'Папка для резервной копии уже существует и не пуста.',
    not_migrated: 'Хранилище не инициализировано: сначала выполните миграции.',
    bad_revision: 'У хранилища несколько ревизий схемы: его миграции не в порядке.',
    no_manifest: 'В папке нет manifest.json: это не резервная копия.',
    bad_manifest: 'manifest.json повреждён или неизвестного формата.',
    newer_schema: 'Копия сделана более новой версией программы (схема новее): восстановите её той версией.',
    file_missing: 'В резервной копии не хватает файла таблицы.',
    checksum_mismatch: 'Файл таблицы не совпадает с контрольной суммой: копия повреждена.',
    row_count_mismatch: 'Число строк не совпадает с манифестом.',
    revision_differs: 'Схема хранилища отличается от схемы копии: восстанавливайте в новое пустое хранилище.',
  },
};

export const kk: typeof ru = {
  backup: {
    out_not_empty: 'Сақтық көшірме қалтасы бар және бос емес.',
    not_migrated: 'Қойма дайындалмаған: алдымен миграцияларды орындаңыз.',
    bad_revision: 'Қойманың схемасында бірнеше ревизия бар: оның миграциялары ретсіз.',
    no_manifest: 'Қалтада manifest.json жоқ: бұл сақтық көшірме емес.',
    bad_manifest: 'manifest.json бүлінген немесе пішімі белгісіз.',
    newer_schema: 'Көшірмені бағдарламаның жаңа нұсқасы жасаған (схемасы жаңа): оны сол нұсқамен қалпына келтіріңіз.',
    file_missing: 'Сақтық көшірмеде кесте файлы жетіспейді.',
    checksum_mismatch: 'Кесте файлы бақылау сомасына сәйкес келмейді: көшірме бүлінген.',
    row_count_mismatch: 'Жолдар саны манифестке сәйкес келмейді.',
    revision_differs: 'Қойма схемасы көшірме схемасынан өзгеше: жаңа бос қоймаға қалпына келтіріңіз.',
  },
};

export const en: typeof ru = {
  backup: {
    out_not_empty: 'The backup folder exists and is not empty.',
    not_migrated: 'The warehouse is not migrated: run the migrations first.',
    bad_revision: 'The warehouse has several schema revisions: its migrations are out of order.',
    no_manifest: 'The folder has no manifest.json: not a backup.',
    bad_manifest: 'manifest.json is damaged or of an unknown format.',
    newer_schema: 'The backup was made by a newer version (newer schema): restore it with that version.',
    file_missing: 'A table’s file is missing from the backup.',
    checksum_mismatch: 'A table’s file does not match its checksum: the backup is damaged.',
    row_count_mismatch: 'The row count does not match the manifest.',
    revision_differs: 'The warehouse’s schema differs from the backup’s: restore into a new, empty warehouse.',
  },
};
