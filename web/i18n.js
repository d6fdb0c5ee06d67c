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
