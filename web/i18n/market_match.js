// Strings of market_match, merged by ../i18n.js; `messages` holds the catalogue entries
// of server messages (see errors.js).
export const vi = {
};

export const en = {
};

export const messages = {
};
