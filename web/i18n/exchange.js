// UI strings of the exchange area (Excel templates and exports) in
// Vietnamese and English, merged into the one dictionary by ../i18n.js;
// `messages` holds the catalogue entries of server messages this area's C
// code sets (see errors.js for the format).
export const vi = {
  'xl.title': 'Báo cáo số liệu bằng Excel',
  'xl.help': 'Chọn kỳ báo cáo, tải mẫu Excel lập riêng cho đơn vị (chỉ các chỉ tiêu đơn vị phải báo cáo, kèm số liệu kỳ trước và mục tiêu), nhập số vào cột «Giá trị» rồi tải lên. Ô để trống là chưa báo cáo. Số liệu chỉ được lưu sau khi bạn xem lại và xác nhận.',
  'xl.unit': 'Đơn vị',
  'xl.period': 'Kỳ báo cáo',
  'xl.download': 'Tải mẫu Excel',
  'xl.upload': 'Tải lên tệp đã điền',
  'xl.reading': 'Đang đọc tệp…',
  'xl.previewTitle': (name) => `Xem lại trước khi lưu: ${name}`,
  'xl.previewSummary': (n, skipped) => `${n} số liệu sẽ được lưu (bản nháp, chưa gửi)${skipped ? `; ${skipped} ô để trống được bỏ qua` : ''}.`,
  'xl.row': 'Dòng',
  'xl.column': 'Cột',
  'xl.problem': 'Lỗi',
  'xl.problems': 'Các ô cần sửa (chưa số liệu nào được lưu)',
  'xl.indicator': 'Chỉ tiêu',
  'xl.unitCol': 'Đơn vị',
  'xl.periodCol': 'Kỳ',
  'xl.value': 'Giá trị',
  'xl.note': 'Ghi chú',
  'xl.action': 'Khi lưu',
  'xl.create': 'Thêm mới',
  'xl.update': (prev) => `Thay giá trị ${prev}`,
  'xl.save': (n) => `Lưu ${n} số liệu`,
  'xl.cancel': 'Hủy',
  'xl.saved': (c, u) => `Đã lưu: ${c} số liệu mới, ${u} số liệu cập nhật (bản nháp, chưa gửi phê duyệt).`,
};

export const en = {
  'xl.title': 'Report figures with Excel',
  'xl.help': 'Choose the period, download the Excel sheet made for your unit (only the indicators it reports, with last period\'s figure and the target), type the figures in the Value column and upload it. An empty cell is not reported. Nothing is saved until you have reviewed and confirmed it.',
  'xl.unit': 'Unit',
  'xl.period': 'Period',
  'xl.download': 'Download the Excel sheet',
  'xl.upload': 'Upload the filled sheet',
  'xl.reading': 'Reading the file…',
  'xl.previewTitle': (name) => `Review before saving: ${name}`,
  'xl.previewSummary': (n, skipped) => `${n} figures will be saved (as drafts, not submitted)${skipped ? `; ${skipped} empty cells are left out` : ''}.`,
  'xl.row': 'Row',
  'xl.column': 'Column',
  'xl.problem': 'Problem',
  'xl.problems': 'Cells to correct (nothing was saved)',
  'xl.indicator': 'Indicator',
  'xl.unitCol': 'Unit',
  'xl.periodCol': 'Period',
  'xl.value': 'Value',
  'xl.note': 'Note',
  'xl.action': 'On saving',
  'xl.create': 'Add',
  'xl.update': (prev) => `Replace ${prev}`,
  'xl.save': (n) => `Save ${n} figures`,
  'xl.cancel': 'Cancel',
  'xl.saved': (c, u) => `Saved: ${c} new figures, ${u} updated (drafts, not yet submitted for approval).`,
};

export const messages = {
  "'report_kinds' lists the kinds of unit that report the indicator, or is null for every kind": {
    vi: "Loại đơn vị báo cáo: cần liệt kê các loại đơn vị báo cáo chỉ tiêu, hoặc để trống (null) nếu mọi loại đơn vị đều báo cáo.",
    en: "'report_kinds' lists the kinds of unit that report the indicator, or is null for every kind.",
  },
  "'report_kinds': '%.40s' is not a kind of unit": {
    vi: "Loại đơn vị báo cáo: '{0}' không phải là một loại đơn vị.",
    en: "'report_kinds': '{0}' is not a kind of unit.",
  },
  'you may not report for the units of this file; nothing was saved': {
    vi: 'Bạn không được báo cáo cho các đơn vị trong tệp này; chưa số liệu nào được lưu.',
    en: 'You may not report for the units of this file; nothing was saved.',
  },
  'the sheet has no header row (Mã chỉ tiêu, Mã đơn vị, Kỳ báo cáo, Giá trị) in its first %d rows': {
    vi: 'Trong {0} dòng đầu của trang tính không có dòng tiêu đề (Mã chỉ tiêu, Mã đơn vị, Kỳ báo cáo, Giá trị); hãy dùng mẫu tải về.',
    en: 'The sheet has no header row (Mã chỉ tiêu, Mã đơn vị, Kỳ báo cáo, Giá trị) in its first {0} rows; use the downloaded template.',
  },
  'a template needs a unit (unit_id or unit_code) and a period': {
    vi: 'Cần chọn đơn vị và kỳ báo cáo để tải mẫu.',
    en: 'Choose a unit and a period to download the template.',
  },
  'unit %lld has no code; a template needs one': {
    vi: 'Đơn vị số {0} chưa có mã; cần đặt mã đơn vị trước khi lập mẫu báo cáo.',
    en: 'Unit {0} has no code; give it one before making its template.',
  },
  // The workbook is written through a temporary file: failures there are
  // the server's (500), said here for completeness.
  'the sheet could not be written: %s': { vi: 'Không ghi được trang tính: {0}.', en: 'The sheet could not be written: {0}.' },
  'the workbook could not be read back: %s': { vi: 'Không đọc lại được tệp Excel vừa lập: {0}.', en: 'The workbook could not be read back: {0}.' },
  'the workbook could not be read back': { vi: 'Không đọc lại được tệp Excel vừa lập.', en: 'The workbook could not be read back.' },
  'the workbook could not be created': { vi: 'Không lập được tệp Excel.', en: 'The workbook could not be created.' },
  "the sheet '%s' could not be added": { vi: "Không thêm được trang tính '{0}'.", en: "The sheet '{0}' could not be added." },
  'the workbook could not be written: %s': { vi: 'Không ghi được tệp Excel: {0}.', en: 'The workbook could not be written: {0}.' },
  'no temporary file for the workbook: %s': { vi: 'Không tạo được tệp tạm cho tệp Excel: {0}.', en: 'No temporary file for the workbook: {0}.' },
};
