// Strings of stmap_map, merged by ../i18n.js; `messages` holds the catalogue entries
// of server messages (see errors.js).
export const vi = {
  'view.ban-do': 'Bản đồ KH&CN',
};

export const en = {
  'view.ban-do': 'S&T map',
};

export const messages = {
};
