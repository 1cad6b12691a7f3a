/**
 * Why a value is not a person's IIN (`iin.reason.*`, from `dataquery.iin.check`), in Russian,
 * Kazakh and English: upload report rows and campaign member changes. Merged under `codes`.
 */

const ru = {
  iin: {
    reason: {
      empty: 'пустое значение',
      invalid_format: 'не ИИН: нужно 12 цифр (или 11, если Excel потерял ведущий ноль)',
      bad_checksum: 'контрольная цифра не сходится',
      bad_century: '7-я цифра (век и пол) — {{digit}}, а должна быть от 1 до 6',
      bad_date: 'невозможная дата рождения: год {{year}}, месяц {{month}}, день {{day}}',
      bin: 'это БИН юридического лица, а не ИИН человека',
    },
  },
};

type Catalog = typeof ru;

const kk: Catalog = {
  iin: {
    reason: {
      empty: 'бос мән',
      invalid_format: 'ЖСН емес: 12 цифр керек (немесе Excel алдыңғы нөлді жоғалтса, 11)',
      bad_checksum: 'бақылау цифры сәйкес келмейді',
      bad_century: '7-цифр (ғасыр және жыныс) — {{digit}}, ал 1-ден 6-ға дейін болуы керек',
      bad_date: 'мүмкін емес туған күн: жылы {{year}}, айы {{month}}, күні {{day}}',
      bin: 'бұл — жеке тұлғаның ЖСН-і емес, заңды тұлғаның БСН-і',
    },
  },
};

const en: Catalog = {
  iin: {
    reason: {
      empty: 'empty value',
      invalid_format: 'not an IIN: it needs 12 digits (or 11 when Excel dropped the leading zero)',
      bad_checksum: 'the check digit does not match',
      bad_century: '7th digit (century and gender) is {{digit}}; it must be 1–6',
      bad_date: 'impossible birth date: year {{year}}, month {{month}}, day {{day}}',
      bin: "is a BIN (a legal entity), not a person's IIN",
    },
  },
};

export const iinCodes = { ru, kk, en };
