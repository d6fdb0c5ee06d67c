// UI strings in Vietnamese (the default) and English, and the remembered
// language choice. A string is either text or a function of its arguments.

export const LANGS = ['vi', 'en'];
export const DEFAULT_LANG = 'vi';
const STORAGE_KEY = 'nq57.lang';

const vi = {
  'app.title': 'nq57 — Theo dõi thực hiện Nghị quyết 57-NQ/TW',
  'app.tagline': 'Theo dõi thực hiện Nghị quyết 57-NQ/TW',
  'app.skip': 'Bỏ qua điều hướng',
  'lang.label': 'Ngôn ngữ',
  'lang.vi': 'Tiếng Việt',
  'lang.en': 'Tiếng Anh',
  'nav.label': 'Điều hướng chính',

  'view.tong-quan': 'Tổng quan',
  'view.chi-tieu': 'Chỉ tiêu',
  'view.nhiem-vu': 'Nhiệm vụ',
  'view.don-vi': 'Đơn vị',
  'view.bao-cao': 'Báo cáo',
  'view.chi-so': 'Chỉ số đổi mới sáng tạo',

  'about.chi-tieu': 'Chỉ tiêu theo năm, số liệu theo đơn vị và kỳ báo cáo, phê duyệt số liệu.',
  'about.nhiem-vu': 'Nhiệm vụ giao cho đơn vị chủ trì, tiến độ, minh chứng và cảnh báo sớm.',
  'about.don-vi': 'Sở, ban, ngành, phường, xã, trường đại học và doanh nghiệp tham gia.',
  'about.bao-cao': 'Báo cáo sơ kết, tổng kết và xuất Excel.',
  'about.chi-so': 'Chỉ số tổng hợp, xếp hạng đơn vị và phân tích độ bất định.',

  'home.intro': 'Nền tảng theo dõi việc thực hiện Nghị quyết 57-NQ/TW về đột phá phát triển khoa học, công nghệ, đổi mới sáng tạo và chuyển đổi số quốc gia.',
  'home.coming': 'Các phân hệ của chương trình đang được xây dựng và sẽ sớm có mặt tại đây:',

  'status.heading': 'Trạng thái máy chủ',
  'status.checking': 'Đang kiểm tra máy chủ…',
  'status.ok': (h) => `Máy chủ hoạt động · phiên bản ${h.version} · CSDL ${h.database} · lược đồ ${h.schema_version}`,
  'status.degraded': (h) => `Máy chủ báo trạng thái “${h.status}” · phiên bản ${h.version} · CSDL ${h.database} · lược đồ ${h.schema_version}`,
  'status.error': (detail) => `Không kết nối được máy chủ: ${detail}`,
  'status.uptime': (d) => `Đã chạy ${d}`,
  'status.checkedAt': (when) => `Kiểm tra lúc ${when}`,
  'status.retry': 'Kiểm tra lại',
  'error.network': 'mất kết nối mạng',
  'error.invalid': 'phản hồi không hợp lệ',

  'unit.day': 'ngày',
  'unit.hour': 'giờ',
  'unit.minute': 'phút',
  'unit.second': 'giây',

  'wip.title': 'Đang xây dựng',
  'wip.body': (name) => `Phân hệ “${name}” đang được xây dựng. Vui lòng quay lại sau.`,
  'notfound.title': 'Không tìm thấy trang',
  'notfound.body': 'Địa chỉ này không có trong hệ thống.',
  'notfound.back': 'Về trang Tổng quan',

  'view.nguoi-dung': 'Người dùng',
  'view.dang-nhap': 'Đăng nhập',
  'session.signIn': 'Đăng nhập',
  'session.signOut': 'Đăng xuất',
  'session.units': 'Đơn vị',
  'signin.title': 'Đăng nhập',
  'signin.login': 'Tên đăng nhập',
  'signin.password': 'Mật khẩu',
  'signin.submit': 'Đăng nhập',
  'signin.wrong': 'Sai tên đăng nhập hoặc mật khẩu, hoặc tài khoản đã bị khóa.',
  'signin.tooMany': (s) => `Đăng nhập sai quá nhiều lần. Vui lòng thử lại sau ${s} giây.`,
  'signin.failed': (m) => `Không đăng nhập được: ${m}`,
  'signin.already': (name) => `Bạn đang đăng nhập với tên ${name}.`,
  'kind.province': 'Tỉnh/Thành phố',
  'kind.department': 'Sở/Ban/Ngành',
  'kind.agency': 'Cơ quan',
  'kind.commune': 'Phường/Xã',
  'kind.university': 'Trường đại học',
  'kind.enterprise': 'Doanh nghiệp',
  'kind.innovation_centre': 'Trung tâm đổi mới sáng tạo',
  'kind.other': 'Khác',
  'role.admin': 'Quản trị',
  'role.steering': 'Ban Chỉ đạo',
  'role.officer': 'Cán bộ đơn vị',
  'role.viewer': 'Người xem',
  'units.tree': 'Cây đơn vị',
  'units.loading': 'Đang tải…',
  'units.empty': 'Chưa có đơn vị nào.',
  'units.expand': (name) => `Mở ${name}`,
  'units.collapse': (name) => `Thu gọn ${name}`,
  'units.inactive': 'ngừng hoạt động',
  'units.search': 'Tìm đơn vị',
  'units.searchHint': 'Tên (có hoặc không dấu) hoặc mã',
  'units.found': (n) => `Tìm thấy ${n} đơn vị`,
  'units.export': 'Tải danh sách (CSV)',
  'units.import': 'Nhập đơn vị từ tệp CSV',
  'units.importHelp': 'Tệp CSV có dòng tiêu đề: code, name và có thể có parent_code (hoặc province_code), kind, active, public. Nếu có dòng lỗi thì không dòng nào được nhập.',
  'units.file': 'Tệp CSV',
  'units.importButton': 'Nhập',
  'units.imported': (c, u) => `Đã nhập: ${c} đơn vị mới, ${u} đơn vị cập nhật.`,
  'units.line': 'Dòng',
  'units.problem': 'Lỗi',
  'people.search': 'Tìm người dùng',
  'people.login': 'Tên đăng nhập',
  'people.name': 'Họ và tên',
  'people.email': 'Thư điện tử',
  'people.password': 'Mật khẩu (ít nhất 10 ký tự)',
  'people.role': 'Vai trò',
  'people.roles': 'Vai trò',
  'people.unit': 'Đơn vị',
  'people.unitSearch': 'Tìm đơn vị…',
  'people.status': 'Trạng thái',
  'people.active': 'Đang hoạt động',
  'people.disabled': 'Đã khóa',
  'people.disable': 'Khóa',
  'people.enable': 'Mở khóa',
  'people.grant': 'Giao vai trò',
  'people.add': 'Thêm người dùng',
  'people.addButton': 'Thêm',
  'people.added': (login) => `Đã thêm ${login}.`,
  'people.adminsOnly': 'Chỉ quản trị viên xem được trang này.',
};

const en = {
  'app.title': 'nq57 — Monitoring Resolution 57-NQ/TW',
  'app.tagline': 'Monitoring Resolution 57-NQ/TW',
  'app.skip': 'Skip to content',
  'lang.label': 'Language',
  'lang.vi': 'Vietnamese',
  'lang.en': 'English',
  'nav.label': 'Main navigation',

  'view.tong-quan': 'Overview',
  'view.chi-tieu': 'Indicators',
  'view.nhiem-vu': 'Tasks',
  'view.don-vi': 'Units',
  'view.bao-cao': 'Reports',
  'view.chi-so': 'Innovation index',

  'about.chi-tieu': 'Yearly targets, values per unit and reporting period, approval of figures.',
  'about.nhiem-vu': 'Tasks assigned to lead units, progress, evidence and early warnings.',
  'about.don-vi': 'Departments, wards and communes, universities and enterprises taking part.',
  'about.bao-cao': 'Interim and final review reports, Excel export.',
  'about.chi-so': 'Composite indices, rankings of units and uncertainty analysis.',

  'home.intro': 'A platform for tracking the implementation of Resolution 57-NQ/TW on breakthroughs in science, technology, innovation and national digital transformation.',
  'home.coming': 'The programme modules are being built and will appear here soon:',

  'status.heading': 'Server status',
  'status.checking': 'Checking the server…',
  'status.ok': (h) => `Server is up · version ${h.version} · database ${h.database} · schema ${h.schema_version}`,
  'status.degraded': (h) => `Server reports “${h.status}” · version ${h.version} · database ${h.database} · schema ${h.schema_version}`,
  'status.error': (detail) => `Cannot reach the server: ${detail}`,
  'status.uptime': (d) => `Up for ${d}`,
  'status.checkedAt': (when) => `Checked at ${when}`,
  'status.retry': 'Check again',
  'error.network': 'no network connection',
  'error.invalid': 'invalid response',

  'unit.day': 'd',
  'unit.hour': 'h',
  'unit.minute': 'min',
  'unit.second': 's',

  'wip.title': 'Under construction',
  'wip.body': (name) => `The “${name}” module is being built. Please come back later.`,
  'notfound.title': 'Page not found',
  'notfound.body': 'This address does not exist here.',
  'notfound.back': 'Back to the overview',

  'view.nguoi-dung': 'People',
  'view.dang-nhap': 'Sign in',
  'session.signIn': 'Sign in',
  'session.signOut': 'Sign out',
  'session.units': 'Units',
  'signin.title': 'Sign in',
  'signin.login': 'Login',
  'signin.password': 'Password',
  'signin.submit': 'Sign in',
  'signin.wrong': 'Wrong login or password, or the account is disabled.',
  'signin.tooMany': (s) => `Too many failed sign-ins. Please try again in ${s} seconds.`,
  'signin.failed': (m) => `Cannot sign in: ${m}`,
  'signin.already': (name) => `You are signed in as ${name}.`,
  'kind.province': 'Province/City',
  'kind.department': 'Department',
  'kind.agency': 'Agency',
  'kind.commune': 'Ward/Commune',
  'kind.university': 'University',
  'kind.enterprise': 'Enterprise',
  'kind.innovation_centre': 'Innovation centre',
  'kind.other': 'Other',
  'role.admin': 'Administrator',
  'role.steering': 'Steering office',
  'role.officer': 'Unit officer',
  'role.viewer': 'Viewer',
  'units.tree': 'Unit tree',
  'units.loading': 'Loading…',
  'units.empty': 'No units yet.',
  'units.expand': (name) => `Expand ${name}`,
  'units.collapse': (name) => `Collapse ${name}`,
  'units.inactive': 'inactive',
  'units.search': 'Find a unit',
  'units.searchHint': 'Name (with or without diacritics) or code',
  'units.found': (n) => `${n} units found`,
  'units.export': 'Download the list (CSV)',
  'units.import': 'Import units from a CSV file',
  'units.importHelp': 'A CSV file with a header row: code, name and optionally parent_code (or province_code), kind, active, public. If any row is bad, nothing is imported.',
  'units.file': 'CSV file',
  'units.importButton': 'Import',
  'units.imported': (c, u) => `Imported: ${c} new units, ${u} updated.`,
  'units.line': 'Line',
  'units.problem': 'Problem',
  'people.search': 'Find people',
  'people.login': 'Login',
  'people.name': 'Full name',
  'people.email': 'E-mail',
  'people.password': 'Password (at least 10 characters)',
  'people.role': 'Role',
  'people.roles': 'Roles',
  'people.unit': 'Unit',
  'people.unitSearch': 'Find a unit…',
  'people.status': 'Status',
  'people.active': 'Active',
  'people.disabled': 'Disabled',
  'people.disable': 'Disable',
  'people.enable': 'Enable',
  'people.grant': 'Grant a role',
  'people.add': 'Add a person',
  'people.addButton': 'Add',
  'people.added': (login) => `Added ${login}.`,
  'people.adminsOnly': 'Only administrators can see this page.',
};

const dictionaries = { vi, en };

// Returns t(key, ...args) for LANG; a key missing in English falls back to
// Vietnamese, and a key missing everywhere shows itself so it gets noticed.
export function translator(lang) {
  const d = dictionaries[lang] || dictionaries[DEFAULT_LANG];
  return (key, ...args) => {
    const s = key in d ? d[key] : dictionaries[DEFAULT_LANG][key];
    if (s === undefined) return key;
    return typeof s === 'function' ? s(...args) : s;
  };
}

// The language chosen earlier in this browser, or Vietnamese.
export function loadLang() {
  try {
    const v = localStorage.getItem(STORAGE_KEY);
    return LANGS.includes(v) ? v : DEFAULT_LANG;
  } catch {
    return DEFAULT_LANG; // storage disabled: still usable, just not remembered
  }
}

export function saveLang(lang) {
  try {
    localStorage.setItem(STORAGE_KEY, lang);
  } catch {
    // storage disabled or full: the choice lasts for this page only
  }
}
