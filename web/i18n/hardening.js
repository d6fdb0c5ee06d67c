// Server messages of the hardening work (files read byte for byte, full
// disks, unavailable services, bad request paths), merged into the one
// dictionary by ../i18n.js; `messages` holds their catalogue entries (see
// errors.js for the format).
export const vi = {
  'error.code.insufficient_storage': 'Máy chủ đã hết dung lượng lưu trữ; chưa có gì được lưu.',
};

export const en = {
  'error.code.insufficient_storage': 'The server has run out of storage; nothing was saved.',
};

export const messages = {
  // ---- files read byte for byte (util/csv, imports)
  'line %d, column %d: the file holds a NUL byte, which is not text': {
    vi: 'Dòng {0}, cột {1}: tệp có byte NUL, không phải văn bản; không có gì được lưu.',
    en: 'Line {0}, column {1}: the file holds a NUL byte, which is not text.' },
  'line %d, column %d: the text is not valid UTF-8 (save the file as CSV UTF-8)': {
    vi: 'Dòng {0}, cột {1}: văn bản không đúng mã UTF-8 (hãy lưu tệp dạng CSV UTF-8).',
    en: 'Line {0}, column {1}: the text is not valid UTF-8 (save the file as CSV UTF-8).' },
  'line %d has %d fields but the header has %d (a decimal comma, or a comma in an unquoted text?)': {
    vi: 'Dòng {0} có {1} trường nhưng dòng tiêu đề có {2} (có dấu phẩy thập phân, hoặc dấu phẩy trong văn bản không đặt trong ngoặc kép?).',
    en: 'Line {0} has {1} fields but the header has {2} (a decimal comma, or a comma in an unquoted text?).' },
  // ---- answers that must not show internals (api)
  'the service is unavailable for a moment; try again shortly': {
    vi: 'Hệ thống tạm thời chưa phục vụ được, xin thử lại sau ít phút.',
    en: 'The service is unavailable for a moment; try again shortly.' },
  "the server's disk is full; nothing was saved, tell the administrator": {
    vi: 'Ổ đĩa của máy chủ đã đầy; chưa có gì được lưu, xin báo quản trị viên.',
    en: "The server's disk is full; nothing was saved, tell the administrator." },
  // ---- request paths (api)
  'the request path or query holds an encoded NUL byte (%%00)': {
    vi: 'Đường dẫn hoặc tham số truy vấn của yêu cầu có byte NUL được mã hóa (%00).',
    en: 'The request path or query holds an encoded NUL byte (%00).' },
  'the request path is not valid UTF-8 once decoded': {
    vi: 'Đường dẫn yêu cầu sau khi giải mã không đúng mã UTF-8.',
    en: 'The request path is not valid UTF-8 once decoded.' },
  'the query string is not valid UTF-8 once decoded': {
    vi: 'Tham số truy vấn sau khi giải mã không đúng mã UTF-8.',
    en: 'The query string is not valid UTF-8 once decoded.' },
  // ---- connections and load (http, api)
  'the server has too many open connections; try again in a moment': {
    vi: 'Máy chủ đang có quá nhiều kết nối; xin thử lại sau giây lát.',
    en: 'The server has too many open connections; try again in a moment.' },
  'the server is busy; try again in a moment': {
    vi: 'Máy chủ đang bận; xin thử lại sau giây lát.',
    en: 'The server is busy; try again in a moment.' },
  // ---- writers and background jobs (db, domain/job_lease, report_job)
  'the database is busy with a long write, such as a large import; try again in a minute': {
    vi: 'Cơ sở dữ liệu đang bận ghi một thao tác dài (chẳng hạn một lần nhập dữ liệu lớn); xin thử lại sau một phút.',
    en: 'The database is busy with a long write, such as a large import; try again in a minute.' },
  'an indicator or unit of the file was removed meanwhile; nothing was saved, try again': {
    vi: 'Một chỉ tiêu hoặc đơn vị trong tệp vừa bị xóa trong lúc nhập; chưa có gì được lưu, xin thử lại.',
    en: 'An indicator or unit of the file was removed meanwhile; nothing was saved, try again.' },
  'job %lld (%s) is no longer held by this server': {
    vi: 'Công việc {0} ({1}) đã được một máy chủ khác tiếp nhận.',
    en: 'Job {0} ({1}) is no longer held by this server.' },
  'report %lld is no longer held by this server': {
    vi: 'Báo cáo {0} đã được một máy chủ khác tiếp nhận.',
    en: 'Report {0} is no longer held by this server.' },
};
