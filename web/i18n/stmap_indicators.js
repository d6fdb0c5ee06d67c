// Strings of stmap_indicators, merged by ../i18n.js; `messages` holds the catalogue entries
// of server messages (see errors.js).
export const vi = {
  'view.chi-so-khcn': 'Chỉ số năng suất và tác động',
};

export const en = {
  'view.chi-so-khcn': 'Productivity and impact',
};

export const messages = {
};
