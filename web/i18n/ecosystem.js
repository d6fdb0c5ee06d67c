// Strings of the ecosystem registry shared by its pages (sectors, kinds,
// roles, indicators from the registry), merged by ../i18n.js; `messages`
// holds the catalogue entries of server messages (see errors.js).
export const vi = {
  'view.he-sinh-thai': 'Hệ sinh thái',
  'view.to-chuc': 'Tổ chức',
  'view.mang-luoi': 'Mạng lưới đổi mới sáng tạo',
  'view.tai-nguyen': 'Tài nguyên dùng chung',
  'view.thoa-thuan': 'Thỏa thuận hợp tác',
  'view.quy': 'Quỹ và đầu tư',
  'about.he-sinh-thai': 'Tổ chức, mạng lưới đổi mới sáng tạo và tài nguyên dùng chung, thỏa thuận hợp tác, quỹ và đầu tư.',
};

export const en = {
  'view.he-sinh-thai': 'Ecosystem',
  'view.to-chuc': 'Organisations',
  'view.mang-luoi': 'Innovation networks',
  'view.tai-nguyen': 'Shared resources',
  'view.thoa-thuan': 'Agreements',
  'view.quy': 'Funds and investments',
  'about.he-sinh-thai': 'Organisations, innovation networks and their shared resources, agreements, funds and investments.',
};

export const messages = {
  'sign in to change the registry': {
    vi: 'Cần đăng nhập để sửa dữ liệu hệ sinh thái đổi mới sáng tạo.',
    en: 'Sign in to change the registry.' },
  '%s may not change the registry for this unit': {
    vi: 'Tài khoản {0} không được sửa dữ liệu hệ sinh thái của đơn vị này.',
    en: '{0} may not change the registry for this unit.' },
  '%s may not change the registry': {
    vi: 'Tài khoản {0} không được sửa dữ liệu hệ sinh thái đổi mới sáng tạo.',
    en: '{0} may not change the registry.' },
};
