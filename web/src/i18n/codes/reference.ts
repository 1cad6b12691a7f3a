/** The reference data editor's error codes (`reference.*`), in the three languages. */

export const ru = {
  reference: {
    duplicate: 'Запись с кодом «{{code}}» уже есть.',
    not_found: 'Записи с кодом «{{code}}» нет.',
    in_use: 'Запись «{{code}}» используют кампании ({{campaigns}}): её нельзя удалить, только отключить.',
  },
};

export const kk: typeof ru = {
  reference: {
    duplicate: '«{{code}}» коды бар жазба бұрыннан бар.',
    not_found: '«{{code}}» коды бар жазба жоқ.',
    in_use: '«{{code}}» жазбасын науқандар пайдаланады ({{campaigns}}): оны жоюға болмайды, тек өшіруге болады.',
  },
};

export const en: typeof ru = {
  reference: {
    duplicate: 'An entry with the code “{{code}}” exists already.',
    not_found: 'There is no entry with the code “{{code}}”.',
    in_use: 'Campaigns use “{{code}}” ({{campaigns}}): it cannot be deleted, only disabled.',
  },
};
