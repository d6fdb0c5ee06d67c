// UI strings of the inbox area in Vietnamese and English, merged into the one
// dictionary by ../i18n.js; `messages` holds the catalogue entries of server
// messages this area's C code sets (see errors.js for the format).
export const vi = {
};

export const en = {
};

export const messages = {
};
