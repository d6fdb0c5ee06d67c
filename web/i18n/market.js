// Strings of market, merged by ../i18n.js; `messages` holds the catalogue entries
// of server messages (see errors.js).
export const vi = {
  'view.cho-cong-nghe': 'Chợ công nghệ',
};

export const en = {
  'view.cho-cong-nghe': 'Technology market',
};

export const messages = {
};
