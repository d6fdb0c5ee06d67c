// Strings of stmap_network, merged by ../i18n.js; `messages` holds the catalogue entries
// of server messages (see errors.js).
export const vi = {
  'view.mang-hop-tac': 'Mạng lưới hợp tác',
};

export const en = {
  'view.mang-hop-tac': 'Collaboration network',
};

export const messages = {
};
