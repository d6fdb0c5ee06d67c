// UI strings of the validation area (value rules, flags, the rule
// analysis page #/kiem-tra) in Vietnamese and English, merged into the one
// dictionary by ../i18n.js; `messages` holds the catalogue entries of server
// messages this area's C code sets (see errors.js for the format).
export const vi = {
  'view.kiem-tra': 'Kiểm tra số liệu',
  'about.kiem-tra': 'Đối chiếu số liệu đã nhập với các quy tắc kiểm tra của từng chỉ tiêu.',
  'audit.a.rules': 'Đặt quy tắc kiểm tra số liệu',

  'validation.flags': 'Cảnh báo kiểm tra số liệu',
  'validation.flag': (name) => `Quy tắc “${name}”`,
  'validation.needNote': 'Giá trị vi phạm quy tắc kiểm tra mềm: hãy ghi chú giải thích trước khi lưu.',
  'validation.hard': 'Bắt buộc',
  'validation.soft': 'Cảnh báo',
  'validation.unit': 'Đơn vị',
  'validation.from': 'Từ kỳ',
  'validation.to': 'Đến kỳ',
  'validation.any': 'Tất cả',
  'validation.run': 'Kiểm tra',
  'validation.running': 'Đang kiểm tra…',
  'validation.none': 'Không có số liệu nào vi phạm quy tắc kiểm tra.',
  'validation.total': (n, shown) => (n > shown ? `${n} vi phạm (hiển thị ${shown})` : `${n} vi phạm`),
  'validation.col.indicator': 'Chỉ tiêu',
  'validation.col.unit': 'Đơn vị',
  'validation.col.period': 'Kỳ',
  'validation.col.value': 'Giá trị',
  'validation.col.rule': 'Quy tắc',
  'validation.col.kind': 'Mức',
  'validation.col.status': 'Trạng thái',
  'validation.signIn': 'Chỉ Văn phòng Ban Chỉ đạo và quản trị viên xem được kết quả kiểm tra số liệu.',
};

export const en = {
  'view.kiem-tra': 'Data checks',
  'about.kiem-tra': 'Stored values checked against each indicator’s validation rules.',
  'audit.a.rules': 'Set validation rules',

  'validation.flags': 'Validation warnings',
  'validation.flag': (name) => `Rule “${name}”`,
  'validation.needNote': 'The value breaks a soft validation rule: explain it in the note before saving.',
  'validation.hard': 'Hard',
  'validation.soft': 'Warning',
  'validation.unit': 'Unit',
  'validation.from': 'From period',
  'validation.to': 'To period',
  'validation.any': 'Any',
  'validation.run': 'Check',
  'validation.running': 'Checking…',
  'validation.none': 'No value breaks a validation rule.',
  'validation.total': (n, shown) => (n > shown ? `${n} violations (${shown} shown)` : `${n} violations`),
  'validation.col.indicator': 'Indicator',
  'validation.col.unit': 'Unit',
  'validation.col.period': 'Period',
  'validation.col.value': 'Value',
  'validation.col.rule': 'Rule',
  'validation.col.kind': 'Level',
  'validation.col.status': 'Status',
  'validation.signIn': 'Only the steering office and administrators see the data checks.',
};

export const messages = {
  "the value %s is outside the bounds %s–%s of indicator %s (rule '%s')": {
    vi: 'Giá trị {0} nằm ngoài giới hạn {1}–{2} của chỉ tiêu {3} (quy tắc “{4}”).',
    en: 'The value {0} is outside the bounds {1}–{2} of indicator {3} (rule “{4}”).',
  },
  "the value %s is below the minimum %s of indicator %s (rule '%s')": {
    vi: 'Giá trị {0} nhỏ hơn mức tối thiểu {1} của chỉ tiêu {2} (quy tắc “{3}”).',
    en: 'The value {0} is below the minimum {1} of indicator {2} (rule “{3}”).',
  },
  "the value %s is above the maximum %s of indicator %s (rule '%s')": {
    vi: 'Giá trị {0} lớn hơn mức tối đa {1} của chỉ tiêu {2} (quy tắc “{3}”).',
    en: 'The value {0} is above the maximum {1} of indicator {2} (rule “{3}”).',
  },
  "the value %s changes by %s%% from %s in %s, beyond ±%s%% (rule '%s')": {
    vi: 'Giá trị {0} thay đổi {1}% so với {2} của {3}, vượt ngưỡng ±{4}% (quy tắc “{5}”).',
    en: 'The value {0} changes by {1}% from {2} in {3}, beyond ±{4}% (rule “{5}”).',
  },
  "rule '%s': %s %s %s does not hold (%s against %s)": {
    vi: 'Quy tắc “{0}”: điều kiện {1} {2} {3} không thỏa mãn ({4} so với {5}).',
    en: 'Rule “{0}”: {1} {2} {3} does not hold ({4} against {5}).',
  },
  'explain the value in the note: %s': {
    vi: 'Cần ghi chú giải thích giá trị: {0}',
    en: 'Explain the value in the note: {0}',
  },
  "rule %d: no indicator with code '%s'": {
    vi: "Quy tắc {0}: không có chỉ tiêu mã '{1}'.",
    en: "Rule {0}: no indicator with code '{1}'.",
  },
  "rule %d: '%s' is longer than %d bytes": {
    vi: "Quy tắc {0}: '{1}' dài quá {2} byte.",
    en: "Rule {0}: '{1}' is longer than {2} bytes.",
  },
  'rule %d must be an object': {
    vi: 'Quy tắc {0} phải là một đối tượng JSON.',
    en: 'Rule {0} must be an object.',
  },
  "rule %d: bounds need 'min', 'max' or both": {
    vi: 'Quy tắc {0}: giới hạn cần giá trị tối thiểu, tối đa hoặc cả hai.',
    en: "Rule {0}: bounds need 'min', 'max' or both.",
  },
  "rule %d: 'min' is above 'max'": {
    vi: 'Quy tắc {0}: giá trị tối thiểu lớn hơn giá trị tối đa.',
    en: "Rule {0}: 'min' is above 'max'.",
  },
  "rule %d: no unit with code '%s'": {
    vi: "Quy tắc {0}: không có đơn vị mã '{1}'.",
    en: "Rule {0}: no unit with code '{1}'.",
  },
  "rule %d: 'percent' must be above 0": {
    vi: 'Quy tắc {0}: ngưỡng thay đổi (%) phải lớn hơn 0.',
    en: "Rule {0}: 'percent' must be above 0.",
  },
  "rule %d: '%.8s' is not one of <, <=, =, >=, >, !=": {
    vi: "Quy tắc {0}: '{1}' không phải một trong các phép so sánh <, <=, =, >=, >, !=.",
    en: "Rule {0}: '{1}' is not one of <, <=, =, >=, >, !=.",
  },
  'rule %d, left side: %s': {
    vi: 'Quy tắc {0}, vế trái: {1}',
    en: 'Rule {0}, left side: {1}',
  },
  'rule %d, right side: %s': {
    vi: 'Quy tắc {0}, vế phải: {1}',
    en: 'Rule {0}, right side: {1}',
  },
  "rule %d: kind '%.20s' is not one of bounds, jump, compare": {
    vi: "Quy tắc {0}: loại '{1}' không phải một trong bounds (giới hạn), jump (biến động), compare (so sánh).",
    en: "Rule {0}: kind '{1}' is not one of bounds, jump, compare.",
  },
  "'rules' must be a list of rules, or null for the defaults": {
    vi: 'Danh sách quy tắc phải là một mảng, hoặc null để dùng quy tắc mặc định.',
    en: "'rules' must be a list of rules, or null for the defaults.",
  },
  "'rules': at most %d rules": {
    vi: 'Tối đa {0} quy tắc cho một chỉ tiêu.',
    en: "'rules': at most {0} rules.",
  },
  'sign in to read the validation rules': {
    vi: 'Đăng nhập để xem quy tắc kiểm tra số liệu.',
    en: 'Sign in to read the validation rules.',
  },
  'sign in to check values': {
    vi: 'Đăng nhập để kiểm tra số liệu.',
    en: 'Sign in to check values.',
  },
  "'from': '%.40s' is not a period": {
    vi: "Từ kỳ: '{0}' không phải kỳ báo cáo.",
    en: "'from': '{0}' is not a period.",
  },
  "'to': '%.40s' is not a period": {
    vi: "Đến kỳ: '{0}' không phải kỳ báo cáo.",
    en: "'to': '{0}' is not a period.",
  },
  'there are no units yet': {
    vi: 'Chưa có đơn vị nào.',
    en: 'There are no units yet.',
  },
};
