// UI strings of reporting completeness (who must report an indicator, who
// has, and when a roll-up is complete enough to be the headline), merged
// into the one dictionary by ../i18n.js; `messages` holds the catalogue
// entries of the server messages this area's C code sets.
export const vi = {
  'complete.from': (a, e) => `Từ ${a}/${e} đơn vị đã được duyệt`,
  'complete.partial': (p, a, e) => `Đang tổng hợp ${p}: ${a}/${e} đơn vị đã báo cáo được duyệt`,
  'complete.partialValue': (v) => `Số tạm tính, chưa công bố: ${v}`,
  'complete.partialBadge': 'Tạm tính',
  'complete.see': 'Xem mức độ đầy đủ',
  'complete.inProgress': (p, h) => `${p} đang tổng hợp: chưa đủ đơn vị báo cáo, các chỉ tiêu vẫn lấy ${h} làm số chính thức.`,
  'complete.title': 'Mức độ đầy đủ của báo cáo',
  'complete.period': 'Kỳ báo cáo',
  'complete.threshold': (p) => `Số tổng hợp được công bố khi ít nhất ${p} số đơn vị phải báo cáo đã được duyệt.`,
  'complete.unit': 'Đơn vị',
  'complete.expected': 'Phải báo cáo',
  'complete.reported': 'Đã báo cáo',
  'complete.approved': 'Đã duyệt',
  'complete.onTime': 'Đúng hạn',
  'complete.rate': 'Tỷ lệ báo cáo',
  'complete.total': 'Tổng cộng',
  'complete.missing': (n) => `Đơn vị chưa báo cáo (${n})`,
  'complete.noneMissing': 'Mọi đơn vị phải báo cáo đã báo cáo.',
  'complete.noneExpected': 'Không có đơn vị nào phải báo cáo chỉ tiêu này trong phạm vi đã chọn.',
  'complete.partialSeries': 'Tạm tính (chưa đủ đơn vị)',
  'complete.signIn': 'Đăng nhập để xem đơn vị nào đã báo cáo.',
};

export const en = {
  'complete.from': (a, e) => `From ${a}/${e} units approved`,
  'complete.partial': (p, a, e) => `Being gathered for ${p}: ${a}/${e} units reported and approved`,
  'complete.partialValue': (v) => `Provisional, not published: ${v}`,
  'complete.partialBadge': 'Provisional',
  'complete.see': 'See reporting completeness',
  'complete.inProgress': (p, h) => `${p} is being gathered: not enough units have reported, so indicators keep ${h} as the official figure.`,
  'complete.title': 'Reporting completeness',
  'complete.period': 'Period',
  'complete.threshold': (p) => `A total is published once at least ${p} of the units that must report are approved.`,
  'complete.unit': 'Unit',
  'complete.expected': 'Expected',
  'complete.reported': 'Reported',
  'complete.approved': 'Approved',
  'complete.onTime': 'On time',
  'complete.rate': 'Reporting rate',
  'complete.total': 'Total',
  'complete.missing': (n) => `Units that have not reported (${n})`,
  'complete.noneMissing': 'Every unit that must report has reported.',
  'complete.noneExpected': 'No unit must report this indicator within the chosen unit.',
  'complete.partialSeries': 'Provisional (not enough units)',
  'complete.signIn': 'Sign in to see which units have reported.',
};

export const messages = {
  "'completeness_threshold' is a percentage above 0 and at most 100": {
    vi: 'Ngưỡng đầy đủ là một tỷ lệ phần trăm lớn hơn 0 và không quá 100.',
    en: 'The completeness threshold is a percentage above 0 and at most 100.',
  },
  "give 'report_kinds', 'completeness_threshold' or both": {
    vi: 'Hãy cho biết loại đơn vị báo cáo, ngưỡng đầy đủ, hoặc cả hai.',
    en: 'Give the kinds of unit that report, the completeness threshold, or both.',
  },
  "'period': no value of '%s' has been approved yet; give a period": {
    vi: "Chỉ tiêu '{0}' chưa có số liệu nào được duyệt; hãy chọn một kỳ.",
    en: "No value of '{0}' has been approved yet; choose a period.",
  },
  'sign in to see who has reported': {
    vi: 'Hãy đăng nhập để xem đơn vị nào đã báo cáo.',
    en: 'Sign in to see which units have reported.',
  },
};
