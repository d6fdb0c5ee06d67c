// The catalogue of server messages, and a sentence for each error code.
//
// Every error the server answers with carries, besides its English
// "message", the "template" it was made from (the format string given to
// err_set in the C code) and its "params" (the text of each conversion, in
// order; a parameter that is itself a message is an object of the same
// shape). `messages` maps a template to its text in each language, with
// {0}, {1}, ... standing for the parameters. web/api.js says an error with
// it; tests/api/catalogue.test.mjs checks that every template in src/ that
// a person can meet has both entries. Areas add the templates of their own
// code to `messages` in their own file of this folder.
export const vi = {
  'error.code.invalid': 'Dữ liệu không hợp lệ.',
  'error.code.malformed': 'Yêu cầu không đọc được.',
  'error.code.not_found': 'Không tìm thấy.',
  'error.code.conflict': 'Dữ liệu đã thay đổi hoặc đã tồn tại.',
  'error.code.forbidden': 'Bạn không có quyền thực hiện thao tác này.',
  'error.code.unauthorized': 'Cần đăng nhập.',
  'error.code.too_large': 'Dữ liệu gửi lên quá lớn.',
  'error.code.unavailable': 'Máy chủ tạm thời không phục vụ được, xin thử lại sau.',
  'error.code.too_many_requests': 'Quá nhiều lần thử, xin chờ rồi thử lại.',
  'error.code.method_not_allowed': 'Thao tác không được hỗ trợ.',
  'error.code.internal': 'Lỗi hệ thống; mã yêu cầu giúp quản trị viên tìm nguyên nhân.',
};

export const en = {
  'error.code.invalid': 'The data is not valid.',
  'error.code.malformed': 'The request cannot be read.',
  'error.code.not_found': 'Not found.',
  'error.code.conflict': 'The data has changed or already exists.',
  'error.code.forbidden': 'You may not do this.',
  'error.code.unauthorized': 'Please sign in.',
  'error.code.too_large': 'What was sent is too large.',
  'error.code.unavailable': 'The server cannot answer right now; please try again later.',
  'error.code.too_many_requests': 'Too many attempts; please wait and try again.',
  'error.code.method_not_allowed': 'This operation is not supported.',
  'error.code.internal': 'Internal error; the request id helps the administrator find its cause.',
};

export const messages = {
};
