/**
 * Why a value is not a person's IIN (`iin.reason.*`, from `dataquery.iin.check`), in Russian,
 * Kazakh and English: upload report rows and campaign member changes. Merged under `codes`.
 */

const ru = {
  iin: {
    fix: {
      whitespace: 'убраны пробелы',
      apostrophe: 'убран апостроф в начале',
      excel_float: 'убрана нулевая дробная часть',
      scientific_notation: 'раскрыта экспоненциальная запись',
      leading_zero: 'восстановлен ведущий ноль, потерянный Excel',
      leading_zeros: 'восстановлены ведущие нули, потерянные Excel',
      separators: 'убраны разделители',
    },
    reason: {
      empty: 'пустое значение',
      invalid_format: 'не ИИН: нужно 12 цифр (или меньше, если Excel потерял ведущие нули)',
      bad_checksum: 'контрольная цифра не сходится',
      bad_century: '7-я цифра (век и пол) — {{digit}}, а должна быть от 1 до 6',
      bad_date: 'невозможная дата рождения: год {{year}}, месяц {{month}}, день {{day}}',
      bin: 'это БИН юридического лица, а не ИИН человека',
      check_digit: 'последняя цифра {{actual}}, а по расчёту должна быть {{expected}}',
      no_check_digit: 'по первым 11 цифрам контрольная цифра невозможна',
      digits: 'цифр: {{n}}, а в ИИН их 12 (меньше, если Excel потерял ведущие нули, но с нулями впереди это не ИИН)',
      separated_digits: 'цифр между разделителями: {{n}}, а в ИИН их 12',
      not_digits: 'есть символы кроме цифр',
      fraction: 'дробное число',
      negative: 'отрицательное число',
      not_whole: 'не целое число',
      not_finite: 'не число',
      too_long: 'число длиннее 12 цифр',
      yes_no: 'значение да/нет, а не число',
      rounded:
        'число в экспоненциальной записи округлено (видно цифр: {{n}}), последние цифры потеряны; выгрузите столбец как текст',
    },
  },
};

type Catalog = typeof ru;

const kk: Catalog = {
  iin: {
    fix: {
      whitespace: 'бос орындар алынды',
      apostrophe: 'басындағы апостроф алынды',
      excel_float: 'нөлдік бөлшек бөлігі алынды',
      scientific_notation: 'экспоненциалды жазба ашылды',
      leading_zero: 'Excel жоғалтқан алдыңғы нөл қалпына келтірілді',
      leading_zeros: 'Excel жоғалтқан алдыңғы нөлдер қалпына келтірілді',
      separators: 'бөлгіштер алынды',
    },
    reason: {
      empty: 'бос мән',
      invalid_format: 'ЖСН емес: 12 цифр керек (немесе Excel алдыңғы нөлдерді жоғалтса, азырақ)',
      bad_checksum: 'бақылау цифры сәйкес келмейді',
      bad_century: '7-цифр (ғасыр және жыныс) — {{digit}}, ал 1-ден 6-ға дейін болуы керек',
      bad_date: 'мүмкін емес туған күн: жылы {{year}}, айы {{month}}, күні {{day}}',
      bin: 'бұл — жеке тұлғаның ЖСН-і емес, заңды тұлғаның БСН-і',
      check_digit: 'соңғы цифры {{actual}}, ал есеп бойынша {{expected}} болуы керек',
      no_check_digit: 'алғашқы 11 цифр бойынша бақылау цифры болуы мүмкін емес',
      digits: 'цифрлар саны: {{n}}, ал ЖСН-де 12 цифр болады (Excel басындағы нөлдерді жоғалтса, аз, бірақ нөлдермен бұл ЖСН емес)',
      separated_digits: 'бөлгіштер арасындағы цифрлар саны: {{n}}, ал ЖСН-де 12 цифр болады',
      not_digits: 'цифрлардан басқа таңбалар бар',
      fraction: 'бөлшек сан',
      negative: 'теріс сан',
      not_whole: 'бүтін сан емес',
      not_finite: 'сан емес',
      too_long: 'сан 12 цифрдан ұзын',
      yes_no: 'сан емес, иә/жоқ мәні',
      rounded:
        'экспоненциалды түрде жазылған сан дөңгелектенген (көрінетін цифрлар: {{n}}), соңғы цифрлары жоғалған; бағанды мәтін ретінде экспорттаңыз',
    },
  },
};

const en: Catalog = {
  iin: {
    fix: {
      whitespace: 'spaces removed',
      apostrophe: 'leading apostrophe removed',
      excel_float: 'zero decimal part dropped',
      scientific_notation: 'scientific notation expanded',
      leading_zero: 'leading zero lost by Excel restored',
      leading_zeros: 'leading zeros lost by Excel restored',
      separators: 'separators removed',
    },
    reason: {
      empty: 'empty value',
      invalid_format: 'not an IIN: it needs 12 digits (or fewer when Excel dropped its leading zeros)',
      bad_checksum: 'the check digit does not match',
      bad_century: '7th digit (century and gender) is {{digit}}; it must be 1–6',
      bad_date: 'impossible birth date: year {{year}}, month {{month}}, day {{day}}',
      bin: "is a BIN (a legal entity), not a person's IIN",
      check_digit: 'check digit is {{actual}} but should be {{expected}}',
      no_check_digit: 'no check digit is possible for the first 11 digits',
      digits: 'has {{n}} digits; an IIN has 12 (fewer when Excel dropped its leading zeros, but with zeros in front this is no IIN)',
      separated_digits: 'has {{n}} digits between separators; an IIN has 12',
      not_digits: 'contains characters other than digits',
      fraction: 'is a number with a fractional part',
      negative: 'is a negative number',
      not_whole: 'is not a whole number',
      not_finite: 'is not a finite number',
      too_long: 'is a number with more than 12 digits',
      yes_no: 'is a yes/no value, not a number',
      rounded:
        'scientific notation shows only {{n}} digits: the number was rounded and its last digits are lost; export the column as text',
    },
  },
};

export const iinCodes = { ru, kk, en };
