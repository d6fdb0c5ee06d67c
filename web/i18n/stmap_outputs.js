// Strings of stmap_outputs, merged by ../i18n.js; `messages` holds the catalogue entries
// of server messages (see errors.js).
export const vi = {
  'view.cong-bo': 'Kết quả KH&CN',
};

export const en = {
  'view.cong-bo': 'S&T outputs',
};

export const messages = {
};
